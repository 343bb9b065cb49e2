import * as tf from '@tensorflow/tfjs';
import { countCorrect, softmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
export const CLASSES = 10;

/**
 * The training objective of one forward pass: mean softmax cross-entropy over the
 * batch, and (kept out of the gradient tape) how many predictions were right.
 */
export function trainingLoss(model: tf.LayersModel, x: tf.Tensor4D, y: tf.Tensor1D): { loss: tf.Scalar; correct: tf.Scalar } {
  const logits = model.apply(x, { training: true }) as tf.Tensor2D;
  const correct = tf.keep(countCorrect(logits, y));
  return { loss: softmaxCrossEntropy(logits, y), correct };
}

export interface ReplicaResult {
  /** ∂loss/∂w for each trainable weight, in `model.trainableWeights` order, concatenated. */
  readonly gradients: Float32Array;
  /** Mean loss over this replica's images. */
  readonly loss: number;
  readonly correct: number;
  readonly count: number;
}

/**
 * One replica's share of a training step: forward, backward, and the gradients
 * as plain numbers, so that replicas on other threads can be combined.
 */
export async function computeGradients(model: tf.LayersModel, inputs: Float32Array, labels: Int32Array): Promise<ReplicaResult> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads, correct } = tf.tidy(() => {
    const x = tf.tensor4d(inputs, [labels.length, SIDE, SIDE, 1]);
    const y = tf.tensor1d(labels, 'int32');
    let right: tf.Scalar | undefined;
    const result = tf.variableGrads(() => {
      const { loss, correct: counted } = trainingLoss(model, x, y);
      right = counted;
      return loss;
    }, variables);
    return { value: result.value, grads: variables.map((v) => result.grads[v.name] as tf.Tensor), correct: right as tf.Scalar };
  });
  const [lossValue, correctValue, ...parts] = await readValues([value, correct, ...grads]);
  tf.dispose([value, correct, ...grads]);
  const gradients = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    gradients.set(part, offset);
    offset += part.length;
  }
  return { gradients, loss: lossValue?.[0] as number, correct: correctValue?.[0] as number, count: labels.length };
}

/** All weights (trainable and BatchNorm statistics) as one array, in `model.weights` order. */
export function readAllWeights(model: tf.LayersModel): Promise<Float32Array> {
  return readWeights(model.weights);
}

/** Backends that hold tensors in memory, read synchronously without a promise per tensor. */
const IN_MEMORY = new Set(['wasm', 'cpu', 'tensorflow']);

/**
 * The tensors' values (float32). A GPU backend (webgpu) cannot read synchronously at
 * all, so it is read asynchronously; the others, which hold tensors in memory, at once.
 */
export async function readValues(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  if (IN_MEMORY.has(tf.getBackend())) return tensors.map((t) => t.dataSync() as Float32Array);
  return Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
}

/** These weights' values, one after the other. */
export async function readWeights(weights: readonly tf.LayerVariable[]): Promise<Float32Array> {
  const parts = await readValues(weights.map((w) => w.read()));
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/** Sets every weight from one array in `model.weights` order. */
export function writeAllWeights(model: tf.LayersModel, all: Float32Array): void {
  let offset = 0;
  for (const weight of model.weights) {
    const size = weight.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
    const tensor = tf.tensor(all.subarray(offset, offset + size), weight.shape as number[]);
    weight.write(tensor);
    tensor.dispose();
    offset += size;
  }
}
