/**
 * Conv2D and Conv2DBackpropInput for wasm in GradSheet's SIMD kernels (conv.ts in
 * server/assembly), for NHWC data at dilation 1; other cases go to the shipped kernels.
 *
 * Forward: a padded input is copied into a zeroed buffer, then a 'valid' convolution
 * runs four output pixels × eight output channels at a time. XNNPACK, which the shipped
 * kernel calls, computes output channels eight at a time, so a layer of 4 or 17
 * filters paid for 8 or 24; it also packs the filter anew each step, since the weights
 * change.
 *
 * Input gradient: at stride 1 it is the same 'valid' convolution of dy, padded by
 * kernel − 1 − pad, with the filter rotated by 180° and its channel axes swapped. At
 * stride s > 1 it is s² such convolutions, one per phase: the input pixels whose rows
 * and columns leave the same remainders mod s, each from the filter taps of its
 * phase, written to every s-th pixel. The direct form (through XNNPACK, as before)
 * convolved a zero-dilated dy, s² times the work, after a pad and often a slice.
 *
 * A 3×3 convolution at stride 1 with channels enough (winogradFits) takes both passes
 * through Winograd's F(2×2, 3×3) instead (winograd.ts in server/assembly): the same
 * padded input, the filter transformed, 16 multiplications per channel pair for each
 * 2×2 block of outputs where the direct kernel takes 36.
 */
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { assertState } from '@gradsheet/shared';
import type { Conv2DAttrs, Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, heapBuffer, simdKernels, withScratch } from '../simd/simd-kernels.js';
import type { SimdExports } from '../simd/simd-kernels.js';
import { paddedInput, winogradSpan } from './padded-input.js';
import { winogradFilterBytes, winogradFits, winogradWorkBytes } from './winograd.js';
import { requireNhwc, shippedKernel, WASM } from './wasm-scope.js';

type ConvInfo = backend_util.Conv2DInfo;

const vectorsOf = (channels: number) => Math.ceil(channels / 4) * 4;

/** y = conv(x, filter) (+ bias: its address, or 0), through a zero-padded copy of x when the convolution pads. */
function convolve(wasm: BackendWasm, xAddress: number, info: ConvInfo, filterAddress: number, biasAddress: number, y: TensorInfo): void {
  if (winogradFits(info, 'forward')) {
    convolveWinograd(wasm, xAddress, info, filterAddress, biasAddress, y);
    return;
  }
  const kernels = simdKernels(wasm);
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const input = paddedInput(info);
  const coP = vectorsOf(outChannels);
  const packed = coP !== outChannels;
  const taps = filterHeight * filterWidth * inChannels;
  const filterBytes = packed ? taps * coP * 4 : 0;
  const biasBytes = packed && biasAddress !== 0 ? coP * 4 : 0;
  withScratch(wasm, input.bytes + filterBytes + biasBytes + 16, (scratch) => {
    const source = input.place(kernels, xAddress, scratch);
    let filter = filterAddress;
    let bias = biasAddress;
    if (packed) {
      filter = scratch + input.bytes;
      kernels.packFilter(filterAddress, filter, taps, outChannels, coP);
      // The kernel reads the bias in whole vectors: pad it with zeros, as the filter.
      if (bias !== 0) bias = packBias(kernels, biasAddress, filter + filterBytes, outChannels, coP);
    }
    kernels.conv2dValid(source, filter, bias, addressOf(wasm, y), batchSize, input.rows, input.cols, inChannels, outHeight, outWidth, outChannels, coP, filterHeight, filterWidth, strideHeight, strideWidth, outHeight * outWidth, 0, outWidth, 1);
  });
}

function packBias(kernels: SimdExports, bias: number, to: number, channels: number, padded: number): number {
  kernels.packFilter(bias, to, 1, channels, padded);
  return to;
}

/** The same through Winograd's F(2×2, 3×3): the filter transformed, then blocks of tiles. */
function convolveWinograd(wasm: BackendWasm, xAddress: number, info: ConvInfo, filterAddress: number, biasAddress: number, y: TensorInfo): void {
  const kernels = simdKernels(wasm);
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const input = paddedInput(info, 'winograd');
  const coP = vectorsOf(outChannels);
  const filterBytes = winogradFilterBytes(inChannels, coP);
  const biasBytes = biasAddress !== 0 && coP !== outChannels ? coP * 4 : 0;
  withScratch(wasm, input.bytes + filterBytes + biasBytes + winogradWorkBytes(inChannels, coP), (scratch) => {
    const source = input.place(kernels, xAddress, scratch);
    const transformed = scratch + input.bytes;
    kernels.winogradFilter(filterAddress, transformed, inChannels, outChannels, coP);
    const bias = biasBytes > 0 ? packBias(kernels, biasAddress, transformed + filterBytes, outChannels, coP) : biasAddress;
    const work = transformed + filterBytes + biasBytes;
    kernels.winogradConv(source, transformed, bias, addressOf(wasm, y), work, batchSize, input.rows, input.cols, inChannels, outHeight, outWidth, outChannels, coP);
  });
}

const conv2D: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs['x'] as TensorInfo;
  const filter = inputs['filter'] as TensorInfo;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat));
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || info.dataFormat !== 'channelsLast' || x.dtype !== 'float32') return shippedKernel('Conv2D')(args);
  const wasm = backend as BackendWasm;
  const y = wasm.makeOutput([...info.outShape], 'float32');
  if (info.outHeight > 0 && info.outWidth > 0 && info.batchSize > 0) convolve(wasm, addressOf(wasm, x), info, addressOf(wasm, filter), 0, y);
  return y;
};

/**
 * A convolution and its bias in one pass (the bias starts the accumulators), where a
 * broadcast Add over the whole output followed. Its gradient is Conv2D's and Σdy.
 */
const conv2DBias: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = inputs['x'] as TensorInfo;
  const filter = inputs['filter'] as TensorInfo;
  const { strides, pad, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const y = wasm.makeOutput([...info.outShape], 'float32');
  if (info.outHeight > 0 && info.outWidth > 0 && info.batchSize > 0) convolve(wasm, addressOf(wasm, x), info, addressOf(wasm, filter), addressOf(wasm, inputs['bias'] as TensorInfo), y);
  return y;
};

export const CONV2D_BIAS = 'GradSheetConv2DBias';

const conv2DBiasConfig: KernelConfig = { kernelName: CONV2D_BIAS, backendName: WASM, kernelFunc: conv2DBias };

let biasRegistered = false;

/** x ⊛ filter + bias (NHWC, dilation 1) through the fused kernel where it runs, else tf.conv2d and an Add. */
export function conv2dWithBias(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, strides: number, pad: 'same' | 'valid' | number): tf.Tensor4D {
  if (!biasRegistered) {
    if (!tf.getKernel(CONV2D_BIAS, WASM)) tf.registerKernel(conv2DBiasConfig);
    tf.registerGradient({
      kernelName: CONV2D_BIAS,
      inputsToSave: ['x', 'filter'],
      gradFunc: (dy, saved, attrs) => {
        const [input, weights] = saved as [tf.Tensor4D, tf.Tensor4D];
        const { strides: s, pad: p, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
        const common = { strides: s, pad: p, dataFormat: 'NHWC', dimRoundingMode };
        const gradient = dy as tf.Tensor4D;
        return {
          x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: gradient, filter: weights }, { ...common, inputShape: input.shape } as unknown as NamedAttrMap) as tf.Tensor,
          filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x: input, dy: gradient }, { ...common, filterShape: weights.shape } as unknown as NamedAttrMap) as tf.Tensor,
          bias: () => tf.sum(gradient, [0, 1, 2]),
        };
      },
    });
    biasRegistered = true;
  }
  if (tf.getBackend() !== WASM) return tf.tidy(() => tf.conv2d(x, filter, strides, pad).add(bias));
  const attrs = { strides: [strides, strides], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
  return tf.engine().runKernel(CONV2D_BIAS, { x, filter, bias }, attrs as unknown as NamedAttrMap) as tf.Tensor4D;
}

/**
 * One dimension of a phase of the input gradient: the input positions i with
 * (i + pad) ≡ phase (mod stride), i = q·stride + phase − pad for q in [from, from + count),
 * take their gradient from the `taps` filter taps phase, phase + stride, …
 */
interface PhaseAxis {
  readonly taps: number;
  readonly from: number;
  readonly count: number;
  /** The first such input position. */
  readonly first: number;
}

function phaseAxis(phase: number, stride: number, kernel: number, pad: number, size: number): PhaseAxis {
  const taps = Math.max(0, Math.ceil((kernel - phase) / stride));
  const from = Math.max(0, Math.ceil((pad - phase) / stride));
  const to = Math.floor((size - 1 + pad - phase) / stride) + 1;
  return { taps, from, count: Math.max(0, to - from), first: from * stride + phase - pad };
}

/**
 * Consecutive outputs of one axis of a phase (outputs [from, to)) whose window of
 * `kernel` taps over dy, padded by `offset` before its first row, reaches dy with the
 * same taps lo … hi − 1 (hi ≤ lo: none). Output q, tap j reads dy row q + j − offset.
 */
interface TapGroup {
  readonly from: number;
  to: number;
  readonly lo: number;
  readonly hi: number;
}

function tapGroups(count: number, dySize: number, kernel: number, offset: number): TapGroup[] {
  const groups: TapGroup[] = [];
  for (let q = 0; q < count; q++) {
    const lo = Math.max(0, offset - q);
    const hi = Math.min(kernel, dySize + offset - q);
    const last = groups.at(-1);
    if (last && last.lo === lo && last.hi === hi) last.to = q + 1;
    else groups.push({ from: q, to: q + 1, lo, hi });
  }
  return groups;
}

const conv2DBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const dy = inputs['dy'] as TensorInfo;
  const filter = inputs['filter'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  requireNhwc(dataFormat, 'Conv2DBackpropInput');
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const dx = wasm.makeOutput([...inputShape], 'float32');
  const kernels = simdKernels(wasm);
  const ciP = vectorsOf(inChannels);
  // Phase (ph, pw): the input pixels whose rows and columns leave these remainders.
  const phases: { ph: number; pw: number; rows: PhaseAxis; cols: PhaseAxis }[] = [];
  for (let ph = 0; ph < sh; ph++) {
    for (let pw = 0; pw < sw; pw++) {
      const rows = phaseAxis(ph, sh, kh, info.padInfo.top, inHeight);
      const cols = phaseAxis(pw, sw, kw, info.padInfo.left, inWidth);
      if (rows.count > 0 && cols.count > 0) phases.push({ ph, pw, rows, cols });
    }
  }
  if (winogradFits(info, 'input')) {
    const [phase] = phases;
    assertState(phases.length === 1 && phase && phase.rows.first === 0 && phase.cols.first === 0 && phase.rows.count === inHeight && phase.cols.count === inWidth, 'a stride-1 input gradient is one phase over all of dx');
    inputGradientWinograd(wasm, dy, filter, dx, info, phase.rows.taps - 1 - phase.rows.from, phase.cols.taps - 1 - phase.cols.from);
    return dx;
  }
  // Each phase is a stride-1 convolution of dy, but dy is not padded: the output rows
  // and columns near its edges, whose windows run off dy, are computed in groups with
  // only the filter taps that reach it, so no padding's zero is multiplied.
  const groups = phases.map(({ rows, cols }) => ({
    rows: tapGroups(rows.count, outHeight, rows.taps, rows.taps - 1 - rows.from),
    cols: tapGroups(cols.count, outWidth, cols.taps, cols.taps - 1 - cols.from),
  }));
  // Pixels in no window (a stride above the kernel: a phase without taps) and rows or
  // columns that no tap reaches (a padding as wide as the filter) get a gradient of 0.
  if (groups.some(({ rows, cols }) => [...rows, ...cols].some((group) => group.hi <= group.lo))) {
    new Float32Array(heapBuffer(wasm), addressOf(wasm, dx), batchSize * inHeight * inWidth * inChannels).fill(0);
  }
  const filterBytes = Math.max(...phases.map(({ rows, cols }) => rows.taps * cols.taps * outChannels * ciP * 4), 0);
  withScratch(wasm, filterBytes + 16, (scratch) => {
    phases.forEach(({ ph, pw, rows, cols }, i) => {
      const { rows: rowGroups, cols: colGroups } = groups[i] as (typeof groups)[number];
      const top = rows.taps - 1 - rows.from;
      const left = cols.taps - 1 - cols.from;
      for (const r of rowGroups) {
        for (const c of colGroups) {
          if (r.hi <= r.lo || c.hi <= c.lo) continue;
          // Taps lo … hi − 1 of the phase's filter (rotated, its channel axes swapped).
          kernels.packPhase(addressOf(wasm, filter), scratch, kw, inChannels, outChannels, ciP, ph + sh * (rows.taps - r.hi), pw + sw * (cols.taps - c.hi), sh, sw, r.hi - r.lo, c.hi - c.lo);
          // The dy pixel under the group's first output and first tap.
          const from = addressOf(wasm, dy) + ((r.from + r.lo - top) * outWidth + (c.from + c.lo - left)) * outChannels * 4;
          kernels.conv2dValid(
            from, scratch, 0, addressOf(wasm, dx),
            batchSize, outHeight, outWidth, outChannels,
            r.to - r.from, c.to - c.from, inChannels, ciP,
            r.hi - r.lo, c.hi - c.lo, 1, 1,
            inHeight * inWidth, (rows.first + r.from * sh) * inWidth + cols.first + c.from * sw, sh * inWidth, sw,
          );
        }
      }
    });
  });
  return dx;
};

/**
 * The input gradient at stride 1 through Winograd: the forward convolution of dy,
 * padded by `top` rows and `left` columns (kernel − 1 − pad), with the filter rotated
 * by 180° and its channel axes swapped.
 */
function inputGradientWinograd(wasm: BackendWasm, dy: TensorInfo, filter: TensorInfo, dx: TensorInfo, info: ConvInfo, top: number, left: number): void {
  const kernels = simdKernels(wasm);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const ciP = vectorsOf(inChannels);
  const rotatedBytes = 9 * outChannels * ciP * 4;
  const filterBytes = winogradFilterBytes(outChannels, ciP);
  const rows = winogradSpan(inHeight);
  const cols = winogradSpan(inWidth);
  const paddedBytes = batchSize * rows * cols * outChannels * 4;
  withScratch(wasm, rotatedBytes + filterBytes + paddedBytes + winogradWorkBytes(outChannels, ciP), (scratch) => {
    const transformed = scratch + rotatedBytes;
    const paddedDy = transformed + filterBytes;
    kernels.packPhase(addressOf(wasm, filter), scratch, 3, inChannels, outChannels, ciP, 0, 0, 1, 1, 3, 3);
    kernels.winogradFilter(scratch, transformed, outChannels, ciP, ciP);
    kernels.padInput(addressOf(wasm, dy), paddedDy, batchSize, outHeight, outWidth, outChannels, rows, cols, top, left, 1, 1);
    kernels.winogradConv(paddedDy, transformed, 0, addressOf(wasm, dx), paddedDy + paddedBytes, batchSize, rows, cols, outChannels, inHeight, inWidth, inChannels, ciP);
  });
}

export const conv2DConfig: KernelConfig = { kernelName: 'Conv2D', backendName: WASM, kernelFunc: conv2D };

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: WASM,
  kernelFunc: conv2DBackpropInput,
};
