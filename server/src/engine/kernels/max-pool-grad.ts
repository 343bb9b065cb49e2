/**
 * MaxPoolGrad for wasm. The shipped one starts its running max at FLT_MIN (a tiny
 * positive number), so a window whose values are all ≤ 0 finds no max and its
 * gradient lands on element 0 of the tensor. This one (in GradSheet's wasm kernels)
 * routes each dy to the first maximum of its window in row-major order, as the cpu
 * backend does.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, simdKernels } from '../simd/simd-kernels.js';
import { WASM } from './wasm-scope.js';
import { poolGeometry } from './pool-geometry.js';

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
  const dx = wasm.makeOutput(input.shape, 'float32');
  simdKernels(wasm).maxPoolGrad(addressOf(wasm, input), addressOf(wasm, dy), addressOf(wasm, dx), ...poolGeometry(info));
  return dx;
};

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: WASM,
  kernelFunc: maxPoolGrad,
};
