import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { flatOptimizer } from './flat-optimizer.js';
import { relativeError, seededRandom } from '../../test/kernel-testing.js';

/** Five steps of tfjs' own optimiser on the cpu backend, from `start` with these gradients. */
function tfjsSteps(optimizer: tf.Optimizer, start: Float32Array, gradients: Float32Array[], lrs: number[]): Float32Array {
  const weight = tf.variable(tf.tensor1d(start));
  gradients.forEach((g, i) => {
    // tfjs' momentum optimiser reads its rate from a scalar made by setLearningRate; Adam reads the field.
    const sgd = optimizer as unknown as { setLearningRate?: (lr: number) => void };
    if (sgd.setLearningRate) sgd.setLearningRate(lrs[i] as number);
    else (optimizer as unknown as { learningRate: number }).learningRate = lrs[i] as number;
    optimizer.applyGradients({ [weight.name]: tf.tensor1d(g) });
  });
  const out = weight.dataSync().slice() as Float32Array;
  weight.dispose();
  optimizer.dispose();
  return out;
}

describe('FlatOptimizer: one pass over the flat weights, as tfjs optimises them', () => {
  const random = seededRandom(5);
  const size = 257;
  const start = random.normals(size);
  // Two replicas' gradients per step, averaged with shares 0.25 and 0.75.
  const replicas = Array.from({ length: 5 }, () => [random.normals(size), random.normals(size)] as const);
  const mean = replicas.map(([a, b]) => a.map((v, i) => 0.25 * v + 0.75 * (b[i] as number)));
  const lrs = [0.1, 0.05, 0.2, 0.01, 0.1];

  it.each([
    ['sgd', () => tf.train.momentum(0.1, 0.9)],
    ['adam', () => tf.train.adam(0.1)],
  ] as const)('%s: five steps of two replicas\' gradients give tfjs\' weights within 1e-5', async (name, make) => {
    await tf.setBackend('cpu');
    const expected = tfjsSteps(make(), start, mean, lrs);
    const weights = start.slice();
    const optimizer = flatOptimizer({ optimizer: name, momentum: 0.9 }, size);
    replicas.forEach(([a, b], i) => optimizer.step(weights, [a, b], [0.25, 0.75], lrs[i] as number));
    // tfjs rounds each of its tensor operations to float32; the flat pass rounds once.
    expect(relativeError(weights, expected)).toBeLessThanOrEqual(1e-5);
  });

  it('the rate given to each step is the rate used (tfjs\' momentum optimiser keeps the one it was made with unless told by setLearningRate)', () => {
    const weights = Float32Array.from([1]);
    const optimizer = flatOptimizer({ optimizer: 'sgd', momentum: 0 }, 1);
    optimizer.step(weights, [Float32Array.from([1])], [1], 0.5);
    optimizer.step(weights, [Float32Array.from([1])], [1], 0.25);
    expect(weights[0]).toBe(0.25);
  });

  it('one replica and three replicas take the same mean', () => {
    const one = start.slice();
    const three = start.slice();
    const a = flatOptimizer({ optimizer: 'sgd', momentum: 0.9 }, size);
    const b = flatOptimizer({ optimizer: 'sgd', momentum: 0.9 }, size);
    for (const [i, [g0, g1]] of replicas.entries()) {
      a.step(one, [mean[i] as Float32Array], [1], 0.1);
      b.step(three, [g0, g1, g1], [0.25, 0.375, 0.375], 0.1);
    }
    expect(relativeError(three, one)).toBeLessThanOrEqual(1e-6);
  });
});
