import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, seededRandom, startWasm } from '../../../test/kernel-testing.js';
import { relu } from './relu.js';

describe("GradSheet's ReLU kernels", () => {
  beforeAll(startWasm);
  const random = seededRandom(8);
  const shape = [3, 7, 5, 9];
  // Exact zeros among the inputs: their gradient is 0, as tfjs' step(x) makes it.
  const x = random.normals(3 * 7 * 5 * 9).map((v, i) => (i % 11 === 0 ? 0 : v));
  const dy = random.normals(x.length);

  // tfjs' gradient multiplies by 0 where it stops, leaving −0 for a negative dy: the same number.
  const signless = (values: Float32Array) => Array.from(values, (v) => (v === 0 ? 0 : v));

  it('forward and gradient on wasm and cpu equal tfjs\' own relu and its gradient on cpu', async () => {
    const expected = await runOn('cpu', () => tf.relu(tf.tensor(x, shape)));
    const expectedGrad = await runOn('cpu', () => tf.grad((input: tf.Tensor) => tf.relu(input).mul(tf.tensor(dy, shape)).sum())(tf.tensor(x, shape)));
    for (const backend of ['wasm', 'cpu'] as const) {
      expect(signless(await runOn(backend, () => relu(tf.tensor(x, shape))))).toEqual(signless(expected));
      const grad = await runOn(backend, () => tf.grad((input: tf.Tensor) => relu(input).mul(tf.tensor(dy, shape)).sum())(tf.tensor(x, shape)));
      expect(signless(grad)).toEqual(signless(expectedGrad));
    }
  });
});
