/**
 * AvgPoolGrad for wasm in GradSheet's SIMD kernels: each dy, divided by the window's
 * size (as the cpu backend divides it), is added to its window's inputs, four channels
 * at a time. The shipped kernel loops over every input and window in scalar code,
 * about a twentieth of the speed.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { AvgPoolGradAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, simdKernels } from '../simd/simd-kernels.js';
import { shippedKernel, WASM } from './wasm-scope.js';
import { poolGeometry } from './pool-geometry.js';

const avgPoolGrad: KernelFunc = (args) => {
  const wasm = args.backend as BackendWasm;
  const dy = args.inputs['dy'] as TensorInfo;
  const input = args.inputs['input'] as TensorInfo;
  if (input.shape.length !== 4 || dy.dtype !== 'float32') return shippedKernel('AvgPoolGrad')(args);
  const { filterSize, strides, pad } = args.attrs as unknown as AvgPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
  const dx = wasm.makeOutput(input.shape, 'float32');
  simdKernels(wasm).avgPoolGrad(addressOf(wasm, dy), addressOf(wasm, dx), ...poolGeometry(info), 1 / (info.filterHeight * info.filterWidth));
  return dx;
};

export const avgPoolGradConfig: KernelConfig = { kernelName: 'AvgPoolGrad', backendName: WASM, kernelFunc: avgPoolGrad };
