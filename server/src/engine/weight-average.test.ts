import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend/select-backend.js';
import { readAllWeights, writeAllWeights } from './replica.js';
import { WeightAverage } from './weight-average.js';

/** Dense 2→1 with bias: three weights, easy to follow by hand. */
function tinyModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [2], units: 1 }));
  return model;
}

describe('WeightAverage', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('averages every step with the warmed-up decay, and puts the trained weights back after use', async () => {
    const model = tinyModel();
    const average = new WeightAverage(0.5);
    const steps = [
      [1, 2, 3],
      [3, 2, 1],
      [5, 6, 7],
    ];
    for (const weights of steps) {
      writeAllWeights(model, Float32Array.from(weights));
      await average.update(model);
    }
    // Step 1 copies; step 2 decays by min(0.5, 2/11); step 3 by min(0.5, 3/12).
    const expected = steps[0]!.map((w0, i) => {
      const after2 = (2 / 11) * w0 + (9 / 11) * steps[1]![i]!;
      return 0.25 * after2 + 0.75 * steps[2]![i]!;
    });
    const seen = await average.apply(model, async () => Array.from(await readAllWeights(model)));
    seen.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    expect(Array.from(await readAllWeights(model))).toEqual([5, 6, 7]);
  });

  it('reaches the configured decay once warmed up', async () => {
    const model = tinyModel();
    const average = new WeightAverage(0.9);
    writeAllWeights(model, Float32Array.from([0, 0, 0]));
    for (let i = 0; i < 200; i++) await average.update(model);
    writeAllWeights(model, Float32Array.from([10, 10, 10]));
    await average.update(model);
    average.install(model);
    // 200/209 > 0.9, so the last step moves the average by exactly 1 − 0.9 of the way.
    for (const value of await readAllWeights(model)) expect(value).toBeCloseTo(1, 5);
  });

  it('leaves a model without updates as it is', async () => {
    const model = tinyModel();
    writeAllWeights(model, Float32Array.from([4, 5, 6]));
    const average = new WeightAverage(0.99);
    await average.apply(model, async () => undefined);
    average.install(model);
    expect(Array.from(await readAllWeights(model))).toEqual([4, 5, 6]);
  });
});
