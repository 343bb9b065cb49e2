import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomDesign, seededRandom as sharedRandom, type ModelSpec } from '@gradsheet/shared';
import { buildModel as buildDesign } from '../build-model.js';
import { computeGradients, readAllWeights, writeAllWeights } from '../replica.js';
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

/** One step of a design, as the trainer runs it, on `backend`; the weights and dropout masks come from `seed`. */
async function designStep(backend: Backend, spec: ModelSpec, seed: number, weights: Float32Array | null, images: Float32Array, labels: Int32Array) {
  await tf.setBackend(backend);
  const model = buildDesign(spec, sharedRandom(seed));
  if (weights) writeAllWeights(model, weights);
  const sizes = model.trainableWeights.map((w) => w.shape.reduce<number>((a, b) => a * (b ?? 1), 1));
  const all = await readAllWeights(model);
  const result = await computeGradients(model, images, labels);
  model.dispose();
  let offset = 0;
  const grads = sizes.map((size) => result.gradients.subarray(offset, (offset += size)));
  return { loss: result.loss, grads, weights: all };
}

/** max |a − b| over a gradient. */
function largestDifference(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  for (let i = 0; i < b.length; i++) diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
  return diff;
}

/** Every weight moved by about one float32 rounding step (2⁻²³ relative), up or down at random. */
function nudged(weights: Float32Array, random: () => number): Float32Array {
  return weights.map((w) => w * (1 + (random() < 0.5 ? -1 : 1) * 2 ** -23));
}

describe('one training step of random designs on wasm matches the cpu backend', () => {
  beforeAll(startWasm);

  /*
   * Random designs can be ill-conditioned: a BatchNorm over features that vary little
   * across the batch amplifies rounding, and a bias before a BatchNorm has a gradient
   * that is zero in exact arithmetic, so rounding is all there is. So each gradient on
   * wasm must agree with cpu's within 1e-4 of its size, plus ten times how far it moves
   * when the weights move by one rounding step, plus 1e-6 of the model's largest
   * gradient (for gradients that are zero but for rounding). A layer built or
   * differentiated wrong differs by far more; the kernels' own precision is checked at
   * 1e-5 in their tests.
   */
  it('10 random designs (every layer type, strides, paddings, kernels): the loss within 1e-5, every gradient within rounding', async () => {
    const random = sharedRandom(77);
    const data = seededRandom(78);
    const batch = 8;
    const types = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const spec = randomDesign(random);
      for (const layer of spec.layers) types.add(layer.type);
      const images = data.normals(batch * 28 * 28);
      const labels = Int32Array.from({ length: batch }, (_, k) => (k * 3 + i) % 10);
      const cpu = await designStep('cpu', spec, i, null, images, labels);
      const wasm = await designStep('wasm', spec, i, cpu.weights, images, labels);
      const wasmNudged = await designStep('wasm', spec, i, nudged(cpu.weights, data.next), images, labels);
      const label = `design ${i}: ${JSON.stringify(spec.layers)}`;
      expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss), label).toBeLessThanOrEqual(1e-5);
      const largest = (g: Float32Array) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const modelLargest = Math.max(...cpu.grads.map(largest));
      cpu.grads.forEach((g, k) => {
        const w = wasm.grads[k] as Float32Array;
        const allowed = 1e-4 * largest(g) + 10 * largestDifference(wasmNudged.grads[k] as Float32Array, w) + 1e-6 * modelLargest;
        const diff = largestDifference(w, g);
        expect(diff, `${label}, gradient ${k}`).toBeLessThanOrEqual(allowed);
      });
    }
    expect(types.size, [...types].join(', ')).toBe(9);
  });
});
