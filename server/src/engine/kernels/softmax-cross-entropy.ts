/**
 * The training objective as kernels: the mean softmax cross-entropy of [batch, classes]
 * logits against integer labels, its gradient (softmax − one-hot)·dy/batch, and the
 * count of right predictions. tfjs composes the loss from a one-hot, a log-softmax and
 * reductions: about thirty kernel runs a step with its gradient, each paying the
 * engine's bookkeeping, for a [128, 10] tensor. The logits are small, so the kernels
 * are plain loops over them, the same on wasm and cpu; other backends use tfjs' ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { kernelSet } from './kernel-set.js';

export const SOFTMAX_CROSS_ENTROPY = 'GradSheetSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'GradSheetSoftmaxCrossEntropyGrad';
export const COUNT_CORRECT = 'GradSheetCountCorrect';

/** What the kernels need of a backend: wasm and cpu both read tensors this way; they make them differently. */
interface ValuesBackend {
  readSync(dataId: object): unknown;
  /** cpu */
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  /** wasm */
  makeOutput(shape: number[], dtype: 'float32', memoryOffset: undefined, values: Float32Array): TensorInfo;
}

function valuesOf(backend: unknown, info: TensorInfo): Float32Array | Int32Array {
  return (backend as ValuesBackend).readSync(info.dataId) as Float32Array | Int32Array;
}

function output(backend: unknown, shape: number[], values: Float32Array): TensorInfo {
  const target = backend as ValuesBackend;
  return target.makeTensorInfo ? target.makeTensorInfo(shape, 'float32', values) : target.makeOutput(shape, 'float32', undefined, values);
}

/** Each row's softmax into `probabilities`; returns Σ_rows −log p[label], in float64. */
function softmaxRows(logits: Float32Array, labels: Int32Array, classes: number, probabilities: Float64Array): number {
  let loss = 0;
  for (let r = 0; r < labels.length; r++) {
    const at = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[at + c] as number);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp((logits[at + c] as number) - max);
      probabilities[at + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) probabilities[at + c] = (probabilities[at + c] as number) / sum;
    loss += Math.log(sum) + max - (logits[at + (labels[r] as number)] as number);
  }
  return loss;
}

const crossEntropy: KernelFunc = ({ inputs, backend }) => {
  const logits = inputs['logits'] as TensorInfo;
  const labels = valuesOf(backend, inputs['labels'] as TensorInfo) as Int32Array;
  const classes = logits.shape[1] as number;
  const loss = softmaxRows(valuesOf(backend, logits) as Float32Array, labels, classes, new Float64Array(labels.length * classes));
  return output(backend, [], Float32Array.of(loss / labels.length));
};

const crossEntropyGrad: KernelFunc = ({ inputs, backend }) => {
  const logits = inputs['logits'] as TensorInfo;
  const labels = valuesOf(backend, inputs['labels'] as TensorInfo) as Int32Array;
  const dy = (valuesOf(backend, inputs['dy'] as TensorInfo)[0] as number) / labels.length;
  const classes = logits.shape[1] as number;
  const probabilities = new Float64Array(labels.length * classes);
  softmaxRows(valuesOf(backend, logits) as Float32Array, labels, classes, probabilities);
  const dx = new Float32Array(probabilities.length);
  for (let r = 0; r < labels.length; r++) {
    for (let c = 0; c < classes; c++) {
      const at = r * classes + c;
      dx[at] = ((probabilities[at] as number) - (c === labels[r] ? 1 : 0)) * dy;
    }
  }
  return output(backend, [...logits.shape], dx);
};

/** How many rows' largest logit (the first, on ties) is at the label. */
const countCorrectKernel: KernelFunc = ({ inputs, backend }) => {
  const logits = inputs['logits'] as TensorInfo;
  const values = valuesOf(backend, logits) as Float32Array;
  const labels = valuesOf(backend, inputs['labels'] as TensorInfo) as Int32Array;
  const classes = logits.shape[1] as number;
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((values[r * classes + c] as number) > (values[r * classes + best] as number)) best = c;
    if (best === labels[r]) correct += 1;
  }
  return output(backend, [], Float32Array.of(correct));
};

const KERNELS: readonly KernelConfig[] = ['wasm', 'cpu'].flatMap((backendName) => [
  { kernelName: SOFTMAX_CROSS_ENTROPY, backendName, kernelFunc: crossEntropy },
  { kernelName: SOFTMAX_CROSS_ENTROPY_GRAD, backendName, kernelFunc: crossEntropyGrad },
  { kernelName: COUNT_CORRECT, backendName, kernelFunc: countCorrectKernel },
]);

const hasLossKernels = kernelSet(KERNELS, SOFTMAX_CROSS_ENTROPY, [
  {
    kernelName: SOFTMAX_CROSS_ENTROPY,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dy, saved) => {
      const [logits, labels] = saved as [tf.Tensor, tf.Tensor];
      return {
        logits: () => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dy as tf.Tensor, logits, labels }) as tf.Tensor,
        labels: () => tf.zerosLike(labels),
      };
    },
  },
]);

/** Mean softmax cross-entropy of logits [batch, classes] against int32 labels [batch]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (hasLossKernels()) return tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }) as tf.Scalar;
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1] as number), logits) as tf.Scalar;
}

/** How many rows of logits have their largest value at the label, as a float32 scalar. */
export function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (hasLossKernels()) return tf.engine().runKernel(COUNT_CORRECT, { logits, labels }) as tf.Scalar;
  return logits.argMax(-1).equal(labels).sum().cast('float32') as tf.Scalar;
}
