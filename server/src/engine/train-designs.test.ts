import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomDesign, resolveTrainConfig, seededRandom, type ModelSpec } from '@gradsheet/shared';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { selectBackend } from './backend/select-backend.js';
import { trainModel, type TrainData } from './train.js';

const DESIGNS = 12;
/** Batches whose mean loss is compared at each end of the run. */
const ENDS = 5;

/**
 * Random designs, in the generator's order, leaving out those with a one-filter
 * convolution: it squeezes the digit into one number per position, too little to
 * learn from in a few dozen batches (the build tests cover such designs).
 */
function trainableDesigns(seed: number, count: number): ModelSpec[] {
  const random = seededRandom(seed);
  const designs: ModelSpec[] = [];
  while (designs.length < count) {
    const spec = randomDesign(random);
    if (spec.layers.every((layer) => layer.type !== 'conv2d' || layer.filters >= 3)) designs.push(spec);
  }
  return designs;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('random designs train on wasm', () => {
  let data: TrainData;
  beforeAll(async () => {
    await selectBackend('wasm');
    const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
    data = { train, test };
  });

  it(`${DESIGNS} random designs: the loss falls over 72 batches of MNIST, and no step leaves tensors behind`, async () => {
    const ratios: number[] = [];
    for (const [i, spec] of trainableDesigns(11, DESIGNS).entries()) {
      const label = `design ${i}: ${JSON.stringify(spec.layers)}`;
      // 768 images in batches of 32, three epochs; Adam at a constant rate, so that only the weights change.
      const config = resolveTrainConfig(
        { model: spec.id, epochs: 3, limitTrain: 768, limitTest: 50, batchSize: 32, optimizer: 'adam', lr: 0.03, schedule: 'none', augment: false, emaDecay: 0, backend: 'wasm', threads: 1, seed: 1 },
        spec,
      );
      const losses: number[] = [];
      const tensors: number[] = [];
      const { model } = await trainModel(config, spec, data, {
        onBatch: (progress) => {
          losses.push(progress.loss);
          tensors.push(tf.memory().numTensors);
        },
      });
      model.dispose();
      expect(losses, label).toHaveLength(72);
      expect(losses.every(Number.isFinite), label).toBe(true);
      const ratio = mean(losses.slice(-ENDS)) / mean(losses.slice(0, ENDS));
      // Each design learns something; a broken gradient leaves the loss where it started (≈ 1).
      expect(ratio, label).toBeLessThan(0.95);
      ratios.push(ratio);
      // The first step creates the optimiser's state; every later step, and each epoch's evaluation, frees what it makes.
      expect(new Set(tensors.slice(1)), label).toEqual(new Set([tensors[1]]));
    }
    // Together they learn a lot: measured, the last batches' loss is about half the first ones'.
    expect(mean(ratios)).toBeLessThan(0.7);
  });
});
