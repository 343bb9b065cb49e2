/**
 * BatchNorm for training as two kernels, forward and backward, each two passes over
 * the data with float64 per-channel sums, optionally fused with the ReLU after it
 * (attribute `relu`; the backward pass then takes the forward output `y` as its
 * mask). They replace a dozen element-wise kernels and reductions per layer. Given
 * the running statistics (inputs `movingMean`, `movingVariance`, attribute
 * `momentum`), the forward kernel also returns them updated, as PyTorch keeps them:
 * six element-wise kernels fewer per layer and step. On wasm both passes run in GradSheet's SIMD kernels on the
 * backend's heap; on cpu in the TypeScript loops below. The per-channel constants
 * between the passes are computed once, here, for both.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, heapBuffer, simdKernels, withScratch } from '../simd/simd-kernels.js';
import { WASM } from './wasm-scope.js';

export const BATCH_NORM_TRAIN = 'GradSheetBatchNormTrain';
export const BATCH_NORM_GRAD = 'GradSheetBatchNormGrad';

/**
 * PyTorch's running statistics: each moves `momentum` of the way to the batch's, the
 * variance unbiased (M/(M − 1)) for M values per channel.
 */
export function movingStatistics(
  movingMean: Float32Array, movingVariance: Float32Array, mean: Float64Array, variance: Float64Array, rows: number, momentum: number,
): { mean: Float32Array; variance: Float32Array } {
  const unbiased = rows / Math.max(1, rows - 1);
  return {
    mean: movingMean.map((m, c) => m * (1 - momentum) + (mean[c] as number) * momentum),
    variance: movingVariance.map((v, c) => v * (1 - momentum) + (variance[c] as number) * unbiased * momentum),
  };
}

/** Per channel: out = scale·u + slope·(v − centre) + offset. */
export interface ChannelAffine {
  readonly scale: Float64Array;
  readonly slope: Float64Array;
  readonly centre: Float64Array;
  readonly offset: Float64Array;
}

/** The forward pass's statistics and its affine map: y = γ/σ·(x − μ) + β. */
export function forwardConstants(
  sum: Float64Array, squares: Float64Array, rows: number, gamma: Float32Array, beta: Float32Array, epsilon: number,
): { mean: Float64Array; variance: Float64Array; affine: ChannelAffine } {
  const channels = gamma.length;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const slope = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = (sum[c] as number) / rows;
    const v = Math.max(0, (squares[c] as number) / rows - m * m);
    mean[c] = m;
    variance[c] = v;
    slope[c] = (gamma[c] as number) / Math.sqrt(v + epsilon);
  }
  return { mean, variance, affine: { scale: new Float64Array(channels), slope, centre: mean, offset: Float64Array.from(beta) } };
}

/**
 * The closed-form backward: with x̂ = (x − μ)/σ and M values per channel,
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ/(σM)·(M·dy − dβ − x̂·dγ) = a·dy − k·(x − μ) − a·dβ/M.
 */
export function backwardConstants(
  sumDy: Float64Array, sumDyX: Float64Array, rows: number, gamma: Float32Array, mean: Float32Array, variance: Float32Array, epsilon: number,
): { dGamma: Float64Array; dBeta: Float64Array; affine: ChannelAffine } {
  const channels = gamma.length;
  const dGamma = new Float64Array(channels);
  const scale = new Float64Array(channels);
  const slope = new Float64Array(channels);
  const offset = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = mean[c] as number;
    const invStd = 1 / Math.sqrt((variance[c] as number) + epsilon);
    dGamma[c] = ((sumDyX[c] as number) - m * (sumDy[c] as number)) * invStd;
    scale[c] = (gamma[c] as number) * invStd;
    slope[c] = -((scale[c] as number) * (dGamma[c] as number) * invStd) / rows;
    offset[c] = -((scale[c] as number) * (sumDy[c] as number)) / rows;
  }
  return { dGamma, dBeta: sumDy, affine: { scale, slope, centre: Float64Array.from(mean), offset } };
}

/** Per-channel Σa and Σa·b over an [rows, channels] array, in float64; a counts only where mask > 0. */
function channelSums(a: Float32Array, b: Float32Array, mask: Float32Array | null, channels: number): { sumA: Float64Array; sumAB: Float64Array } {
  const sumA = new Float64Array(channels);
  const sumAB = new Float64Array(channels);
  for (let i = 0; i < a.length; i++) {
    const c = i % channels;
    const ai = mask && (mask[i] as number) <= 0 ? 0 : (a[i] as number);
    sumA[c] = (sumA[c] as number) + ai;
    sumAB[c] = (sumAB[c] as number) + ai * (b[i] as number);
  }
  return { sumA, sumAB };
}

function channelAffine(out: Float32Array, u: Float32Array, v: Float32Array, mask: Float32Array | null, relu: boolean, affine: ChannelAffine, channels: number): void {
  const { scale, slope, centre, offset } = affine;
  for (let i = 0; i < out.length; i++) {
    const c = i % channels;
    const ui = mask && (mask[i] as number) <= 0 ? 0 : (u[i] as number);
    const value = (scale[c] as number) * ui + (slope[c] as number) * ((v[i] as number) - (centre[c] as number)) + (offset[c] as number);
    out[i] = relu ? Math.max(0, value) : value;
  }
}

/** The cpu backend's tensors are plain arrays. */
interface CpuLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const cpuTrain: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as CpuLike;
  const read = (name: string) => cpu.data.get((inputs[name] as TensorInfo).dataId).values as Float32Array;
  const x = read('x');
  const gamma = read('gamma');
  const channels = gamma.length;
  const sums = channelSums(x, x, null, channels);
  const { mean, variance, affine } = forwardConstants(sums.sumA, sums.sumAB, x.length / channels, gamma, read('beta'), epsilonOf(attrs));
  const y = new Float32Array(x.length);
  channelAffine(y, x, x, null, reluOf(attrs), affine, channels);
  const shape = [...(inputs['x'] as TensorInfo).shape];
  const moving = movingStatistics(read('movingMean'), read('movingVariance'), mean, variance, x.length / channels, momentumOf(attrs));
  return [y, Float32Array.from(mean), Float32Array.from(variance), moving.mean, moving.variance].map((values, i) =>
    cpu.makeTensorInfo(i === 0 ? shape : [channels], 'float32', values),
  );
};

const cpuGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as CpuLike;
  const read = (name: string) => cpu.data.get((inputs[name] as TensorInfo).dataId).values as Float32Array;
  const [dy, x, gamma] = [read('dy'), read('x'), read('gamma')];
  const channels = gamma.length;
  const mask = reluOf(attrs) ? read('y') : null;
  const sums = channelSums(dy, x, mask, channels);
  const { dGamma, dBeta, affine } = backwardConstants(sums.sumA, sums.sumAB, x.length / channels, gamma, read('mean'), read('variance'), epsilonOf(attrs));
  const dx = new Float32Array(x.length);
  channelAffine(dx, dy, x, mask, false, affine, channels);
  const shape = [...(inputs['x'] as TensorInfo).shape];
  return [cpu.makeTensorInfo(shape, 'float32', dx), cpu.makeTensorInfo([channels], 'float32', Float32Array.from(dGamma)), cpu.makeTensorInfo([channels], 'float32', Float32Array.from(dBeta))];
};

/**
 * The wasm passes. Σ sums go through a float64 scratch on the heap; the affine
 * constants go in expanded to the SIMD kernels' period of lcm(channels, 4) floats.
 */
class WasmBatchNorm {
  private readonly kernels;

  constructor(private readonly backend: BackendWasm) {
    this.kernels = simdKernels(backend);
  }

  read(info: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(info) as Float32Array;
  }

  sums(a: TensorInfo, b: TensorInfo, mask: TensorInfo | null, channels: number): { sumA: Float64Array; sumAB: Float64Array } {
    const period = this.kernels.batchNormPeriod(channels);
    const count = a.shape.reduce((p, q) => p * q, 1);
    return withScratch(this.backend, 16 * channels + 40 * period, (scratch) => {
      const sumA = scratch;
      const sumAB = scratch + 8 * channels;
      const maskAddress = mask ? addressOf(this.backend, mask) : 0;
      this.kernels.channelSums(addressOf(this.backend, a), addressOf(this.backend, b), maskAddress, count, channels, sumA, sumAB, scratch + 16 * channels);
      const heap = heapBuffer(this.backend);
      return { sumA: new Float64Array(heap, sumA, channels).slice(), sumAB: new Float64Array(heap, sumAB, channels).slice() };
    });
  }

  affine(out: TensorInfo, u: TensorInfo, v: TensorInfo, mask: TensorInfo | null, relu: boolean, affine: ChannelAffine, channels: number): void {
    const period = this.kernels.batchNormPeriod(channels);
    const count = out.shape.reduce((p, q) => p * q, 1);
    withScratch(this.backend, 16 * period, (constants) => {
      const table = new Float32Array(heapBuffer(this.backend), constants, 4 * period);
      [affine.scale, affine.slope, affine.centre, affine.offset].forEach((values, row) => {
        for (let j = 0; j < period; j++) table[row * period + j] = values[j % channels] as number;
      });
      const address = (info: TensorInfo) => addressOf(this.backend, info);
      this.kernels.channelAffine(address(out), address(u), address(v), mask ? address(mask) : 0, relu, count, channels, constants);
    });
  }

  output(shape: number[], values?: ArrayLike<number>): TensorInfo {
    const info = this.backend.makeOutput(shape, 'float32');
    if (values) this.read(info).set(values);
    return info;
  }
}

const wasmTrain: KernelFunc = ({ inputs, attrs, backend }) => {
  const bn = new WasmBatchNorm(backend as BackendWasm);
  const x = inputs['x'] as TensorInfo;
  const copy = (name: string) => bn.read(inputs[name] as TensorInfo).slice();
  const gamma = copy('gamma');
  const beta = copy('beta');
  const channels = gamma.length;
  const { sumA, sumAB } = bn.sums(x, x, null, channels);
  const { mean, variance, affine } = forwardConstants(sumA, sumAB, sizeOf(x) / channels, gamma, beta, epsilonOf(attrs));
  const moving = movingStatistics(copy('movingMean'), copy('movingVariance'), mean, variance, sizeOf(x) / channels, momentumOf(attrs));
  const y = bn.output([...x.shape]);
  bn.affine(y, x, x, null, reluOf(attrs), affine, channels);
  return [y, bn.output([channels], mean), bn.output([channels], variance), bn.output([channels], moving.mean), bn.output([channels], moving.variance)];
};

const wasmGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const bn = new WasmBatchNorm(backend as BackendWasm);
  const x = inputs['x'] as TensorInfo;
  const dy = inputs['dy'] as TensorInfo;
  const copy = (name: string) => bn.read(inputs[name] as TensorInfo).slice();
  const gamma = copy('gamma');
  const channels = gamma.length;
  const mask = reluOf(attrs) ? (inputs['y'] as TensorInfo) : null;
  const { sumA, sumAB } = bn.sums(dy, x, mask, channels);
  const { dGamma, dBeta, affine } = backwardConstants(sumA, sumAB, sizeOf(x) / channels, gamma, copy('mean'), copy('variance'), epsilonOf(attrs));
  const dx = bn.output([...x.shape]);
  bn.affine(dx, dy, x, mask, false, affine, channels);
  return [dx, bn.output([channels], dGamma), bn.output([channels], dBeta)];
};

function sizeOf(info: TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}

function momentumOf(attrs: NamedAttrMap | undefined): number {
  return Number((attrs as { momentum?: number } | undefined)?.momentum ?? 0.1);
}

function reluOf(attrs: NamedAttrMap | undefined): boolean {
  return (attrs as { relu?: boolean } | undefined)?.relu === true;
}

function epsilonOf(attrs: NamedAttrMap | undefined): number {
  return Number((attrs as { epsilon?: number } | undefined)?.epsilon ?? 1e-5);
}

export const BATCH_NORM_KERNELS: readonly KernelConfig[] = [
  { kernelName: BATCH_NORM_TRAIN, backendName: WASM, kernelFunc: wasmTrain },
  { kernelName: BATCH_NORM_GRAD, backendName: WASM, kernelFunc: wasmGrad },
  { kernelName: BATCH_NORM_TRAIN, backendName: 'cpu', kernelFunc: cpuTrain },
  { kernelName: BATCH_NORM_GRAD, backendName: 'cpu', kernelFunc: cpuGrad },
];
