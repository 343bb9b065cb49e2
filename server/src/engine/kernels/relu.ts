/**
 * ReLU as two kernels, forward and backward, one pass each: dx = dy where y > 0.
 * tfjs differentiates its Relu as dy · step(x), a Step, a Cast and a Multiply over the
 * whole map. On wasm they run in GradSheet's SIMD kernels, on cpu in the loops below;
 * other backends use tf.relu.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, simdKernels } from '../simd/simd-kernels.js';
import { WASM } from './wasm-scope.js';
import { kernelSet } from './kernel-set.js';

export const RELU = 'GradSheetRelu';
export const RELU_GRAD = 'GradSheetReluGrad';

const sizeOf = (info: TensorInfo) => info.shape.reduce((a, b) => a * b, 1);

const wasmRelu: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as BackendWasm;
  const x = inputs['x'] as TensorInfo;
  const y = wasm.makeOutput([...x.shape], 'float32');
  simdKernels(wasm).relu(addressOf(wasm, x), addressOf(wasm, y), sizeOf(x));
  return y;
};

const wasmReluGrad: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as BackendWasm;
  const dy = inputs['dy'] as TensorInfo;
  const y = inputs['y'] as TensorInfo;
  const dx = wasm.makeOutput([...dy.shape], 'float32');
  simdKernels(wasm).reluGrad(addressOf(wasm, dy), addressOf(wasm, y), addressOf(wasm, dx), sizeOf(dy));
  return dx;
};

/** The cpu backend's tensors are plain arrays. */
interface CpuLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const cpuRelu: KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as unknown as CpuLike;
  const x = inputs['x'] as TensorInfo;
  const values = cpu.data.get(x.dataId).values as Float32Array;
  return cpu.makeTensorInfo([...x.shape], 'float32', values.map((v) => Math.max(v, 0)));
};

const cpuReluGrad: KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as unknown as CpuLike;
  const dy = cpu.data.get((inputs['dy'] as TensorInfo).dataId).values as Float32Array;
  const y = cpu.data.get((inputs['y'] as TensorInfo).dataId).values as Float32Array;
  return cpu.makeTensorInfo([...(inputs['dy'] as TensorInfo).shape], 'float32', dy.map((v, i) => ((y[i] as number) > 0 ? v : 0)));
};

const RELU_KERNELS: readonly KernelConfig[] = [
  { kernelName: RELU, backendName: WASM, kernelFunc: wasmRelu },
  { kernelName: RELU_GRAD, backendName: WASM, kernelFunc: wasmReluGrad },
  { kernelName: RELU, backendName: 'cpu', kernelFunc: cpuRelu },
  { kernelName: RELU_GRAD, backendName: 'cpu', kernelFunc: cpuReluGrad },
];

const hasReluKernels = kernelSet(RELU_KERNELS, RELU, [
  {
    kernelName: RELU,
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({ x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, y: saved[0] as tf.Tensor }) as tf.Tensor }),
  },
]);

/** max(x, 0), differentiated in one pass where GradSheet's kernels run. */
export function relu(x: tf.Tensor): tf.Tensor {
  return hasReluKernels() ? (tf.engine().runKernel(RELU, { x }) as tf.Tensor) : tf.relu(x);
}
