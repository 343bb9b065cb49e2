/**
 * BatchNorm for training as two kernels, forward and backward, each two passes over
 * the data with float64 per-channel sums. They replace a dozen element-wise kernels
 * and reductions per layer, about a third of a training step on wasm. Registered for
 * the wasm and cpu backends; the layer falls back to tfjs ops elsewhere.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView, WASM } from './wasm-scope.js';

export const BATCH_NORM_TRAIN = 'GradSheetBatchNormTrain';
export const BATCH_NORM_GRAD = 'GradSheetBatchNormGrad';

/**
 * Per-channel Σa and Σa·b over an [rows, channels] array (b = a when `b` is null).
 * Accumulators live in locals, four channels at a time: summing into a typed array
 * chains every add through memory and runs eight times slower.
 */
function channelSums(a: Float32Array, b: Float32Array | null, channels: number, sumA: Float64Array, sumAB: Float64Array): void {
  const n = a.length;
  const other = b ?? a;
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
    for (let i = c; i < n; i += channels) {
      const a0 = a[i] as number, a1 = a[i + 1] as number, a2 = a[i + 2] as number, a3 = a[i + 3] as number;
      s0 += a0; s1 += a1; s2 += a2; s3 += a3;
      p0 += a0 * (other[i] as number); p1 += a1 * (other[i + 1] as number);
      p2 += a2 * (other[i + 2] as number); p3 += a3 * (other[i + 3] as number);
    }
    sumA[c] = s0; sumA[c + 1] = s1; sumA[c + 2] = s2; sumA[c + 3] = s3;
    sumAB[c] = p0; sumAB[c + 1] = p1; sumAB[c + 2] = p2; sumAB[c + 3] = p3;
  }
  for (; c < channels; c++) {
    let s0 = 0, p0 = 0;
    for (let i = c; i < n; i += channels) {
      const a0 = a[i] as number;
      s0 += a0;
      p0 += a0 * (other[i] as number);
    }
    sumA[c] = s0;
    sumAB[c] = p0;
  }
}

/** out = a·u + b·v + offset per channel (b·v optional); four channels' constants at a time in locals. */
function channelAffine(out: Float32Array, u: Float32Array, a: Float64Array, v: Float32Array | null, b: Float64Array | null, offset: Float64Array, channels: number): void {
  const n = u.length;
  const w = v ?? u;
  const bb = b ?? new Float64Array(channels);
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    const a0 = a[c] as number, a1 = a[c + 1] as number, a2 = a[c + 2] as number, a3 = a[c + 3] as number;
    const b0 = bb[c] as number, b1 = bb[c + 1] as number, b2 = bb[c + 2] as number, b3 = bb[c + 3] as number;
    const o0 = offset[c] as number, o1 = offset[c + 1] as number, o2 = offset[c + 2] as number, o3 = offset[c + 3] as number;
    for (let i = c; i < n; i += channels) {
      out[i] = a0 * (u[i] as number) + b0 * (w[i] as number) + o0;
      out[i + 1] = a1 * (u[i + 1] as number) + b1 * (w[i + 1] as number) + o1;
      out[i + 2] = a2 * (u[i + 2] as number) + b2 * (w[i + 2] as number) + o2;
      out[i + 3] = a3 * (u[i + 3] as number) + b3 * (w[i + 3] as number) + o3;
    }
  }
  for (; c < channels; c++) {
    const ac = a[c] as number, bc = bb[c] as number, oc = offset[c] as number;
    for (let i = c; i < n; i += channels) out[i] = ac * (u[i] as number) + bc * (w[i] as number) + oc;
  }
}

/** y = γ·(x − μ)/σ + β over the last axis; writes the batch mean and biased variance. */
export function batchNormForward(
  x: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number,
  y: Float32Array, mean: Float32Array, variance: Float32Array,
): void {
  const channels = gamma.length;
  const rows = x.length / channels;
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  channelSums(x, null, channels, sum, squares);
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = (sum[c] as number) / rows;
    const v = Math.max(0, (squares[c] as number) / rows - m * m);
    mean[c] = m;
    variance[c] = v;
    scale[c] = (gamma[c] as number) / Math.sqrt(v + epsilon);
    shift[c] = (beta[c] as number) - m * (scale[c] as number);
  }
  channelAffine(y, x, scale, null, null, shift, channels);
}

/**
 * The closed-form backward: with x̂ = (x − μ)/σ and M values per channel,
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ/(σM)·(M·dy − dβ − x̂·dγ) = a·dy − k·x + (k·μ − a·dβ/M).
 */
export function batchNormBackward(
  dy: Float32Array, x: Float32Array, gamma: Float32Array, mean: Float32Array, variance: Float32Array, epsilon: number,
  dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array,
): void {
  const channels = gamma.length;
  const rows = x.length / channels;
  const sumDy = new Float64Array(channels);
  const sumDyX = new Float64Array(channels);
  channelSums(dy, x, channels, sumDy, sumDyX);
  const a = new Float64Array(channels);
  const minusK = new Float64Array(channels);
  const offset = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = mean[c] as number;
    const invStd = 1 / Math.sqrt((variance[c] as number) + epsilon);
    const gradGamma = ((sumDyX[c] as number) - m * (sumDy[c] as number)) * invStd;
    dGamma[c] = gradGamma;
    dBeta[c] = sumDy[c] as number;
    a[c] = (gamma[c] as number) * invStd;
    const k = ((a[c] as number) * gradGamma * invStd) / rows;
    minusK[c] = -k;
    offset[c] = k * m - ((a[c] as number) * (sumDy[c] as number)) / rows;
  }
  channelAffine(dx, dy, a, x, minusK, offset, channels);
}

interface BackendAccess {
  read(info: TensorInfo): Float32Array;
  /** Allocates every output first, then returns views (wasm views move when the heap grows). */
  outputs(shapes: number[][]): { infos: TensorInfo[]; views: Float32Array[] };
}

function wasmAccess(backend: BackendWasm): BackendAccess {
  return {
    read: (info) => heapView(backend, info),
    outputs(shapes) {
      const infos = shapes.map((shape) => backend.makeOutput(shape, 'float32'));
      return { infos, views: infos.map((info) => heapView(backend, info)) };
    },
  };
}

interface CpuLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function cpuAccess(backend: CpuLike): BackendAccess {
  return {
    read: (info) => backend.data.get(info.dataId).values as Float32Array,
    outputs(shapes) {
      const views = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
      return { infos: shapes.map((shape, i) => backend.makeTensorInfo(shape, 'float32', views[i] as Float32Array)), views };
    },
  };
}

function trainKernel(access: (backend: unknown) => BackendAccess): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const io = access(backend);
    const x = inputs['x'] as TensorInfo;
    const channels = x.shape[x.shape.length - 1] as number;
    const { infos, views } = io.outputs([[...x.shape], [channels], [channels]]);
    const [y, mean, variance] = views as [Float32Array, Float32Array, Float32Array];
    batchNormForward(io.read(x), io.read(inputs['gamma'] as TensorInfo), io.read(inputs['beta'] as TensorInfo), epsilonOf(attrs), y, mean, variance);
    return infos;
  };
}

function gradKernel(access: (backend: unknown) => BackendAccess): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const io = access(backend);
    const x = inputs['x'] as TensorInfo;
    const channels = x.shape[x.shape.length - 1] as number;
    const { infos, views } = io.outputs([[...x.shape], [channels], [channels]]);
    const [dx, dGamma, dBeta] = views as [Float32Array, Float32Array, Float32Array];
    const read = (name: string) => io.read(inputs[name] as TensorInfo);
    batchNormBackward(read('dy'), read('x'), read('gamma'), read('mean'), read('variance'), epsilonOf(attrs), dx, dGamma, dBeta);
    return infos;
  };
}

function epsilonOf(attrs: NamedAttrMap | undefined): number {
  return Number((attrs as { epsilon?: number } | undefined)?.epsilon ?? 1e-5);
}

const wasm = (backend: unknown) => wasmAccess(backend as BackendWasm);
const cpu = (backend: unknown) => cpuAccess(backend as CpuLike);

export const BATCH_NORM_KERNELS: readonly KernelConfig[] = [
  { kernelName: BATCH_NORM_TRAIN, backendName: WASM, kernelFunc: trainKernel(wasm) },
  { kernelName: BATCH_NORM_GRAD, backendName: WASM, kernelFunc: gradKernel(wasm) },
  { kernelName: BATCH_NORM_TRAIN, backendName: 'cpu', kernelFunc: trainKernel(cpu) },
  { kernelName: BATCH_NORM_GRAD, backendName: 'cpu', kernelFunc: gradKernel(cpu) },
];
