import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@gradsheet/shared';
import { selectBackend } from './backend/select-backend.js';
import { FusedBatchNorm } from './fused-batch-norm.js';

/** Largest |a − b| relative to the largest |b|. */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs((x[i] as number) - (y[i] as number)));
    scale = Math.max(scale, Math.abs(y[i] as number));
  }
  return diff / scale;
}

/** The textbook BatchNorm in float64, differentiated by tfjs on the cpu backend: the reference. */
function referenceGradients(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, dy: tf.Tensor4D) {
  return tf.grads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(xi, [0, 1, 2]);
    return xi.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b).mul(dy).sum();
  })([x, gamma, beta]);
}

describe('FusedBatchNorm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it.each([
    ['kernels', 2, 5, 5, 3],
    ['kernels', 8, 12, 12, 8],
    ['kernels', 32, 7, 9, 16],
    ['kernels', 16, 6, 6, 14],
    ['kernels', 9, 5, 3, 1],
    ['kernels', 5, 3, 7, 12],
    ['ops', 2, 5, 5, 3],
    ['ops', 32, 7, 9, 16],
  ] as const)('(%s) matches the textbook gradients for input %i×%i×%i×%i, relative error ≤ 1e-5', (implementation, n, h, w, c) => {
    const random = seededRandom(n * 1000 + c);
    const values = (size: number, scale = 1, offset = 0) => Float32Array.from({ length: size }, () => offset + scale * (random() * 2 - 1));
    const shape: [number, number, number, number] = [n, h, w, c];
    const size = n * h * w * c;
    const xData = values(size, 3, 1.5);
    const dyData = values(size);
    const gammaData = values(c, 0.5, 1);
    const betaData = values(c);

    const layer = new FusedBatchNorm({ implementation: implementation === 'ops' ? 'ops' : 'auto' });
    layer.build(shape);
    layer.setWeights([tf.tensor1d(gammaData), tf.tensor1d(betaData), tf.zeros([c]), tf.ones([c])]);

    const x = tf.tensor4d(xData, shape);
    const dy = tf.tensor4d(dyData, shape);
    const output = layer.apply(x, { training: true }) as tf.Tensor;
    const ours = tf.grads((xi: tf.Tensor) => (layer.apply(xi, { training: true }) as tf.Tensor).mul(dy).sum())([x]);
    const parameterGrads = tf.variableGrads(() => (layer.apply(x, { training: true }) as tf.Tensor).mul(dy).sum() as tf.Scalar);

    const toCpu = (t: tf.Tensor) => tf.tensor(t.dataSync(), t.shape);
    return tf.setBackend('cpu').then(async () => {
      const textbook = tf.tidy(() => {
        const xi = tf.tensor4d(xData, shape);
        const { mean, variance } = tf.moments(xi, [0, 1, 2]);
        return xi.sub(mean).div(variance.add(1e-5).sqrt()).mul(tf.tensor1d(gammaData)).add(tf.tensor1d(betaData));
      });
      expect(relativeError(toCpu(output), textbook)).toBeLessThan(1e-5);
      const reference = referenceGradients(tf.tensor4d(xData, shape), tf.tensor1d(gammaData), tf.tensor1d(betaData), tf.tensor4d(dyData, shape));
      expect(relativeError(toCpu(ours[0] as tf.Tensor), reference[0] as tf.Tensor)).toBeLessThan(1e-5);
      const grads = Object.values(parameterGrads.grads);
      expect(relativeError(toCpu(grads[0] as tf.Tensor), reference[1] as tf.Tensor)).toBeLessThan(1e-5);
      expect(relativeError(toCpu(grads[1] as tf.Tensor), reference[2] as tf.Tensor)).toBeLessThan(1e-5);
      await selectBackend('wasm');
    });
  });

  it('keeps running statistics as PyTorch does, and uses them when not training', () => {
    const layer = new FusedBatchNorm();
    layer.build([4, 2, 2, 1]);
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [4, 2, 2, 1]);
    layer.apply(x, { training: true });
    const [, , movingMean, movingVariance] = layer.getWeights();
    // mean 8.5, unbiased variance 22.667; 10% of the way from 0 and 1.
    expect(movingMean?.dataSync()[0]).toBeCloseTo(0.85, 5);
    expect(movingVariance?.dataSync()[0]).toBeCloseTo(0.9 + 0.1 * (340 / 15), 4);
    const inference = layer.apply(tf.tensor4d([0.85, 0.85, 0.85, 0.85], [1, 2, 2, 1]), { training: false }) as tf.Tensor;
    expect(Math.abs(inference.dataSync()[0] as number)).toBeLessThan(1e-6);
  });
});
