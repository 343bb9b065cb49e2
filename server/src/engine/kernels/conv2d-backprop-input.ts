/**
 * Conv2DBackpropInput for wasm as one XNNPACK conv2d; the shipped kernel is a plain
 * C loop, several times slower.
 *
 * dx is the full correlation of dy with the filter rotated by 180° and its channel
 * axes swapped. For stride s > 1, dy is first dilated: s − 1 zeros between entries.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { requireNhwc, WASM, WasmScope } from './wasm-scope.js';

const conv2DBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = inputs['dy'] as TensorInfo;
  const filter = inputs['filter'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  requireNhwc(dataFormat, 'Conv2DBackpropInput');
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const scope = new WasmScope(backend as BackendWasm);
  const rotated = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
  const flipped = scope.transpose(rotated, [0, 1, 3, 2]); // [kh, kw, Cout, Cin]

  let src = dy;
  if (sh > 1 || sw > 1) {
    // Zero-dilate through a 6-D pad: [N,Ho,1,Wo,1,C] → [N,Ho,s,Wo,s,C] → [N,Ho·s,Wo·s,C].
    // The s − 1 trailing zeros are absorbed by the bottom/right pads below.
    const split = scope.reshape(dy, [batchSize, outHeight, 1, outWidth, 1, outChannels]);
    const paddings = [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]];
    const spread = scope.run('PadV2', { x: split }, { paddings, constantValue: 0 });
    src = scope.reshape(spread, [batchSize, outHeight * sh, outWidth * sw, outChannels]);
  }
  const [, rows, cols] = src.shape as [number, number, number, number];
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = info.inHeight + kh - 1 - top - rows;
  const right = info.inWidth + kw - 1 - left - cols;
  return scope.keep(scope.conv2d(src, flipped, { top, bottom, left, right }, [1, 1], [1, 1]));
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: WASM,
  kernelFunc: conv2DBackpropInput,
};
