/**
 * MaxPoolGrad for wasm. The shipped one starts its running max at FLT_MIN (a tiny
 * positive number), so a window whose values are all ≤ 0 finds no max and its
 * gradient lands on element 0 of the tensor. This one routes each dy to the first
 * maximum of its window in row-major order, as the cpu backend does.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView, WASM } from './wasm-scope.js';

const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const dy = inputs['dy'] as TensorInfo;
  const input = inputs['input'] as TensorInfo;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const dxInfo = wasm.makeOutput(input.shape, 'float32');
  // Views after the allocation: growing the heap detaches older views.
  const x = heapView(wasm, input);
  const g = heapView(wasm, dy);
  const dx = heapView(wasm, dxInfo).fill(0);

  // Per output pixel, scan the window pixel by pixel with all channels in the inner
  // loop: contiguous in NHWC.
  const best = new Float64Array(channels);
  const bestAt = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * strideHeight - info.padInfo.top;
      const rFrom = Math.max(0, r0);
      const rTo = Math.min(inHeight, r0 + info.filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = ow * strideWidth - info.padInfo.left;
        const cFrom = Math.max(0, c0);
        const cTo = Math.min(inWidth, c0 + info.filterWidth);
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let r = rFrom; r < rTo; r++) {
          for (let c = cFrom; c < cTo; c++) {
            const at = ((b * inHeight + r) * inWidth + c) * channels;
            for (let ch = 0; ch < channels; ch++) {
              const v = x[at + ch] as number;
              if (v > (best[ch] as number)) {
                best[ch] = v;
                bestAt[ch] = at + ch;
              }
            }
          }
        }
        const dyAt = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let ch = 0; ch < channels; ch++) {
          const at = bestAt[ch] as number;
          if (at >= 0) dx[at] = (dx[at] as number) + (g[dyAt + ch] as number);
        }
      }
    }
  }
  return dxInfo;
};

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: WASM,
  kernelFunc: maxPoolGrad,
};
