/**
 * Sum and Mean for wasm over contiguous axes, accumulated in float64 as the cpu
 * backend does. The shipped kernels transpose, then sum sequentially in float32, which
 * over a batch of feature maps (10⁵ terms: BatchNorm statistics, bias gradients)
 * loses about 1e-5 relative; this is also faster since it needs no transpose. Long
 * reductions (a bias's gradient over a batch of feature maps) run in GradSheet's SIMD
 * kernels, short ones here.
 * Other cases (integer tensors, axes with gaps) go to the shipped kernels.
 */
import { util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, heapBuffer, simdKernels, withScratch } from '../simd/simd-kernels.js';
import { heapView, shippedKernel, WASM } from './wasm-scope.js';

function contiguousReduction(kernelName: 'Sum' | 'Mean'): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const contiguous = first !== undefined && last !== undefined && last - first === axes.length - 1 && new Set(axes).size === axes.length;
    if (x.dtype !== 'float32' || !contiguous || util.sizeFromShape(x.shape) === 0) {
      return shippedKernel(kernelName)(args);
    }
    // View x as [outer, span, inner] and reduce the middle axis.
    const outer = util.sizeFromShape(x.shape.slice(0, first));
    const span = util.sizeFromShape(x.shape.slice(first, last + 1));
    const inner = util.sizeFromShape(x.shape.slice(last + 1));
    const outShape = keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);

    const backend = args.backend as BackendWasm;
    const outInfo = backend.makeOutput(outShape, 'float32');
    const divisor = kernelName === 'Mean' ? span : 1;
    if (span * inner >= SIMD_FROM) sumInSimd(backend, x, outInfo, outer, span, inner, divisor);
    else reduceMiddleAxis(heapView(backend, x), heapView(backend, outInfo), outer, span, inner, divisor);
    return outInfo;
  };
}

/** Reductions of at least this many values a row run in GradSheet's SIMD kernels (BatchNorm's per-channel sums). */
const SIMD_FROM = 1024;

/** out[o, c] = Σ_r x[o, r, c] / divisor through BatchNorm's float64 per-channel sums. */
function sumInSimd(backend: BackendWasm, x: TensorInfo, out: TensorInfo, outer: number, span: number, inner: number, divisor: number): void {
  const kernels = simdKernels(backend);
  const period = kernels.batchNormPeriod(inner);
  withScratch(backend, 16 * inner + 40 * period, (scratch) => {
    const sums = new Float64Array(heapBuffer(backend), scratch, inner);
    for (let o = 0; o < outer; o++) {
      const at = addressOf(backend, x) + o * span * inner * 4;
      kernels.channelSums(at, at, 0, span * inner, inner, scratch, scratch + 8 * inner, scratch + 16 * inner);
      const values = heapView(backend, out);
      for (let c = 0; c < inner; c++) values[o * inner + c] = (sums[c] as number) / divisor;
    }
  });
}

/** out[o, c] = Σ_r xs[o, r, c] / divisor, in float64; four rows per pass, for speed. */
function reduceMiddleAxis(xs: Float32Array, out: Float32Array, outer: number, span: number, inner: number, divisor: number): void {
  const acc = new Float64Array(inner);
  const quads = span - (span % 4);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * span * inner;
    for (let r = 0; r < quads; r += 4) {
      const a = base + r * inner;
      for (let c = 0; c < inner; c++) {
        const i = a + c;
        acc[c] = (acc[c] as number) + (xs[i] as number) + (xs[i + inner] as number) + (xs[i + 2 * inner] as number) + (xs[i + 3 * inner] as number);
      }
    }
    for (let r = quads; r < span; r++) {
      for (let c = 0; c < inner; c++) acc[c] = (acc[c] as number) + (xs[base + r * inner + c] as number);
    }
    for (let c = 0; c < inner; c++) out[o * inner + c] = (acc[c] as number) / divisor;
  }
}

export const sumConfig: KernelConfig = { kernelName: 'Sum', backendName: WASM, kernelFunc: contiguousReduction('Sum') };
export const meanConfig: KernelConfig = { kernelName: 'Mean', backendName: WASM, kernelFunc: contiguousReduction('Mean') };
