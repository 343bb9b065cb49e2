/**
 * Identity for wasm without a copy. The shipped kernel copies the whole tensor, and the
 * layers API and the gradient tape call it often (~140 times per BatchNorm training
 * step). Tensors are immutable, so the output can share the input's memory, counted by
 * reference as Reshape already does (and as the cpu backend's Identity does).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shippedKernel, WASM } from './wasm-scope.js';

const identity: KernelFunc = (args) => {
  const x = args.inputs['x'] as TensorInfo;
  if (x.dtype === 'string') return shippedKernel('Identity')(args);
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

export const identityConfig: KernelConfig = { kernelName: 'Identity', backendName: WASM, kernelFunc: identity };
