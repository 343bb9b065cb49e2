import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError, seededRandom, startWasm, type Backend } from '../../../test/kernel-testing.js';

const BATCH = 8;
const SIZE = 14;

/** Every layer kind of GradSheet's CNNs, small: conv → BN → relu → maxpool → dropout → conv/2 → GAP → dense. */
function buildModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 6, kernelSize: 3, padding: 'same', useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25, seed: 5 }), // seeded: the same mask on both backends
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** One step's gradients on `backend`, in the order of the model's trainable weights. */
async function gradients(backend: Backend, weights: Float32Array[], images: Float32Array, labels: number[]) {
  await tf.setBackend(backend);
  const model = buildModel();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i] as Float32Array, w.shape)));
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.tensor4d(images, [BATCH, SIZE, SIZE, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    variables,
  );
  const result = { loss: value.dataSync()[0] as number, grads: variables.map((v) => grads[v.name]?.dataSync().slice() as Float32Array) };
  tf.dispose([x, y, value, grads]);
  model.dispose();
  return result;
}

describe('one training step of a small CNN on wasm matches the cpu backend', () => {
  beforeAll(startWasm);

  it('every gradient within 1e-4 relative', async () => {
    await tf.setBackend('cpu');
    const random = seededRandom(31);
    const shapes = buildModel().getWeights().map((w) => w.shape);
    const weights = shapes.map((s) => random.normals(s.reduce((a, b) => a * b, 1)).map((v) => v * 0.5));
    const images = Float32Array.from({ length: BATCH * SIZE * SIZE }, () => random.next());
    const labels = Array.from({ length: BATCH }, (_, i) => i % 10);

    const wasm = await gradients('wasm', weights, images, labels);
    const cpu = await gradients('cpu', weights, images, labels);
    expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThanOrEqual(1e-5);
    expect(wasm.grads).toHaveLength(7);
    cpu.grads.forEach((g, i) => {
      expect(relativeError(wasm.grads[i] as Float32Array, g), `gradient ${i}`).toBeLessThanOrEqual(1e-4);
    });
  });

  it('frees every intermediate: training steps leave the wasm heap with the same buffers', async () => {
    await tf.setBackend('wasm');
    const model = buildModel();
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    const x = tf.randomUniform([BATCH, SIZE, SIZE, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    await model.trainOnBatch(x, y); // the first step creates the optimizer's state
    const buffers = tf.engine().backend.numDataIds();
    for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    tf.dispose([x, y]);
    model.dispose();
  });
});
