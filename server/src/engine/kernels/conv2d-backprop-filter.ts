/**
 * Conv2DBackpropFilter for wasm, which ships none, in GradSheet's SIMD kernels:
 *
 *   dW[i,j,ci,co] = Σ_{n,p,q} x[n, p·s + i − pad, q·s + j − pad, ci] · dy[n,p,q,co]
 *
 * accumulated from dy where tfjs keeps it and x (a zero-padded copy where the
 * convolution pads, so every window is in range). Expressed as an XNNPACK convolution
 * instead, it needed two transposes and ran at a fraction of the speed (its output,
 * kh × kw, is too small to tile well). A 3×3 convolution at stride 1 with channels
 * enough (winogradFits) runs Winograd's F(2×2, 3×3) backwards instead.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, simdKernels, withScratch } from '../simd/simd-kernels.js';
import { paddedInput } from './padded-input.js';
import { winogradFilterBytes, winogradFits, winogradWorkBytes } from './winograd.js';
import { requireNhwc, WASM } from './wasm-scope.js';

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = inputs['x'] as TensorInfo;
  const dy = inputs['dy'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  requireNhwc(dataFormat, 'Conv2DBackpropFilter');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const kernels = simdKernels(wasm);
  const dW = wasm.makeOutput([...filterShape], 'float32');
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const winograd = winogradFits(info, 'filter');
  const input = paddedInput(info, winograd ? 'winograd' : 'pixels');
  // The kernel reads dy in whole vectors of four channels: pad other counts with zeros.
  const dyChannels = Math.ceil(info.outChannels / 4) * 4;
  const pixels = info.batchSize * info.outHeight * info.outWidth;
  const repackedBytes = dyChannels === info.outChannels ? 0 : pixels * dyChannels * 4;
  // Winograd sums into 16 planes of [ci, dyChannels] and needs a block's work space after them.
  const tableBytes = winograd ? winogradFilterBytes(info.inChannels, dyChannels) : taps * dyChannels * 4;
  const workBytes = winograd ? winogradWorkBytes(info.inChannels, dyChannels) : 0;
  withScratch(wasm, tableBytes + repackedBytes + input.bytes + workBytes, (scratch) => {
    let dyAddress = addressOf(wasm, dy);
    if (repackedBytes > 0) {
      const repacked = scratch + tableBytes;
      kernels.repackChannels(dyAddress, info.outChannels, repacked, dyChannels, pixels, info.outChannels);
      dyAddress = repacked;
    }
    const source = input.place(kernels, addressOf(wasm, x), scratch + tableBytes + repackedBytes);
    if (winograd) {
      const work = scratch + tableBytes + repackedBytes + input.bytes;
      kernels.winogradFilterGrad(source, dyAddress, dyChannels, addressOf(wasm, dW), scratch, work, info.batchSize, input.rows, input.cols, info.inChannels, info.outHeight, info.outWidth, info.outChannels);
      return;
    }
    kernels.conv2dFilterGrad(
      source,
      dyAddress,
      dyChannels,
      addressOf(wasm, dW),
      scratch,
      info.batchSize,
      input.rows,
      input.cols,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.outChannels,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
    );
  });
  return dW;
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter,
};
