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
 * stride s > 1 each dy pixel adds W·dy into its window (conv2dScatter), where the
 * direct form (through XNNPACK, as before) convolved a zero-dilated dy, s² times the
 * work, after a pad and often a slice.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { Conv2DAttrs, Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, simdKernels, withScratch } from '../simd/simd-kernels.js';
import { paddedInput } from './padded-input.js';
import { requireNhwc, shippedKernel, WASM } from './wasm-scope.js';

type ConvInfo = backend_util.Conv2DInfo;

const vectorsOf = (channels: number) => Math.ceil(channels / 4) * 4;

/** y = conv(x, filter), through a zero-padded copy of x when the convolution pads. */
function convolve(wasm: BackendWasm, xAddress: number, info: ConvInfo, filterAddress: number, y: TensorInfo): void {
  const kernels = simdKernels(wasm);
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const input = paddedInput(info);
  const coP = vectorsOf(outChannels);
  const packed = coP !== outChannels;
  const taps = filterHeight * filterWidth * inChannels;
  const filterBytes = packed ? taps * coP * 4 : 0;
  withScratch(wasm, input.bytes + filterBytes + 16, (scratch) => {
    const source = input.place(kernels, xAddress, scratch);
    let filter = filterAddress;
    if (packed) {
      filter = scratch + input.bytes;
      kernels.packFilter(filterAddress, filter, taps, outChannels, coP);
    }
    kernels.conv2dValid(source, filter, 0, addressOf(wasm, y), batchSize, input.rows, input.cols, inChannels, outHeight, outWidth, outChannels, coP, filterHeight, filterWidth, strideHeight, strideWidth);
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
  if (info.outHeight > 0 && info.outWidth > 0 && info.batchSize > 0) convolve(wasm, addressOf(wasm, x), info, addressOf(wasm, filter), y);
  return y;
};

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
  const transposedBytes = kh * kw * outChannels * ciP * 4;

  if (sh === 1 && sw === 1) {
    // dx = valid convolution of dy padded by (kernel − 1 − pad) with the rotated, transposed filter.
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const height = inHeight + kh - 1;
    const width = inWidth + kw - 1;
    const paddedBytes = batchSize * height * width * outChannels * 4;
    withScratch(wasm, transposedBytes + paddedBytes, (scratch) => {
      const padded = scratch + transposedBytes;
      kernels.packTransposed(addressOf(wasm, filter), scratch, kh, kw, inChannels, outChannels, ciP, true);
      kernels.padInput(addressOf(wasm, dy), padded, batchSize, outHeight, outWidth, outChannels, height, width, top, left, 1, 1);
      kernels.conv2dValid(padded, scratch, 0, addressOf(wasm, dx), batchSize, height, width, outChannels, inHeight, inWidth, inChannels, ciP, kh, kw, 1, 1);
    });
    return dx;
  }

  // Strided: scatter each dy pixel into its window, in a scratch whose pixels are whole vectors.
  const repack = ciP !== inChannels;
  const pixels = batchSize * inHeight * inWidth;
  withScratch(wasm, transposedBytes + (repack ? pixels * ciP * 4 : 0), (scratch) => {
    const target = repack ? scratch + transposedBytes : addressOf(wasm, dx);
    kernels.packTransposed(addressOf(wasm, filter), scratch, kh, kw, inChannels, outChannels, ciP, false);
    kernels.conv2dScatter(addressOf(wasm, dy), scratch, target, batchSize, inHeight, inWidth, ciP, outHeight, outWidth, outChannels, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left);
    if (repack) kernels.repackChannels(target, ciP, addressOf(wasm, dx), inChannels, pixels, inChannels);
  });
  return dx;
};

export const conv2DConfig: KernelConfig = { kernelName: 'Conv2D', backendName: WASM, kernelFunc: conv2D };

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: WASM,
  kernelFunc: conv2DBackpropInput,
};
