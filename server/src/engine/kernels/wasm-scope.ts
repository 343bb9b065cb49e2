/**
 * What GradSheet's wasm kernels share: the shipped kernels they replace (for the cases
 * they leave to them), views of the heap, and the layout they require.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertState, GradSheetError } from '@gradsheet/shared';

export const WASM = 'wasm';

/** The wasm backend's own kernels that ours replace, for the cases ours leave to them. */
const shippedKernels = new Map<string, KernelFunc>();

export function rememberShippedKernel(name: string, kernelFunc: KernelFunc): void {
  shippedKernels.set(name, kernelFunc);
}

export function shippedKernel(name: string): KernelFunc {
  const kernelFunc = shippedKernels.get(name);
  if (kernelFunc === undefined) throw missingKernel(name);
  return kernelFunc;
}

/** A tfjs wasm backend without a kernel GradSheet's kernels build on: another tfjs version than the one GradSheet ships with. */
function missingKernel(name: string): GradSheetError {
  return new GradSheetError('BACKEND_UNAVAILABLE', `The wasm backend has no ${name} kernel; reinstall GradSheet's dependencies (npm install).`);
}

/** A float32 view of a tensor's memory on the wasm heap; valid until the next allocation. */
export function heapView(backend: BackendWasm, info: TensorInfo): Float32Array {
  assertState(info.dtype === 'float32', `a float32 tensor, not ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function requireNhwc(dataFormat: string, kernel: string): void {
  // GradSheet's models are NHWC throughout.
  assertState(dataFormat === 'NHWC', `${kernel} on wasm runs NHWC data, not ${dataFormat}`);
}
