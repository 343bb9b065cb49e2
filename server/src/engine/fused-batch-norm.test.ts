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
function textbook(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, relu: boolean): tf.Tensor {
  const { mean, variance } = tf.moments(x, x.shape.map((_, axis) => axis).slice(0, -1));
  const y = x.sub(mean).div(variance.add(1e-5).sqrt()).mul(gamma).add(beta);
  return relu ? y.relu() : y;
}

function referenceGradients(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, dy: tf.Tensor, relu: boolean) {
  return tf.grads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => textbook(xi, g, b, relu).mul(dy).sum())([x, gamma, beta]);
}

describe('FusedBatchNorm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const cases: [string, boolean, number[]][] = [
    ['kernels', false, [2, 5, 5, 3]],
    ['kernels', false, [8, 12, 12, 8]],
    ['kernels', false, [32, 7, 9, 16]],
    ['kernels', false, [16, 6, 6, 14]],
    ['kernels', false, [9, 5, 3, 1]],
    ['kernels', false, [5, 3, 7, 12]],
    ['kernels', true, [2, 5, 5, 3]],
    ['kernels', true, [16, 6, 6, 14]],
    ['kernels', true, [8, 12, 12, 8]],
    // Designs: odd sizes and channel counts, GAP's 1×1 maps, and BatchNorm1d on vectors.
    ['kernels', false, [3, 13, 13, 5]],
    ['kernels', true, [2, 9, 11, 17]],
    ['kernels', true, [5, 7, 7, 1]],
    ['kernels', false, [16, 1, 1, 17]],
    ['kernels', false, [32, 1]],
    ['kernels', false, [32, 3]],
    ['kernels', true, [24, 5]],
    ['kernels', true, [16, 17]],
    ['kernels', false, [7, 169]],
    ['kernels', true, [32, 10]],
    ['ops', false, [2, 5, 5, 3]],
    ['ops', false, [32, 7, 9, 16]],
    ['ops', true, [8, 12, 12, 8]],
    ['ops', false, [32, 5]],
    ['ops', true, [16, 17]],
  ];
  it.each(cases)('(%s, fused ReLU %s) matches the textbook gradients for input %j, relative error ≤ 1e-5', (implementation, relu, shape) => {
    const c = shape[shape.length - 1] as number;
    const random = seededRandom(shape.reduce((a, b) => a * 31 + b, 7));
    const values = (size: number, scale = 1, offset = 0) => Float32Array.from({ length: size }, () => offset + scale * (random() * 2 - 1));
    const size = shape.reduce((a, b) => a * b, 1);
    // Centred near 0 with a ReLU, so that it cuts about half the values.
    const xData = values(size, 3, relu ? 0 : 1.5);
    const dyData = values(size);
    const gammaData = values(c, 0.5, 1);
    const betaData = values(c);

    const layer = new FusedBatchNorm({ implementation: implementation === 'ops' ? 'ops' : 'auto', relu });
    layer.build(shape);
    layer.setWeights([tf.tensor1d(gammaData), tf.tensor1d(betaData), tf.zeros([c]), tf.ones([c])]);

    const x = tf.tensor(xData, shape);
    const dy = tf.tensor(dyData, shape);
    const output = layer.apply(x, { training: true }) as tf.Tensor;
    const ours = tf.grads((xi: tf.Tensor) => (layer.apply(xi, { training: true }) as tf.Tensor).mul(dy).sum())([x]);
    const parameterGrads = tf.variableGrads(() => (layer.apply(x, { training: true }) as tf.Tensor).mul(dy).sum() as tf.Scalar);

    const toCpu = (t: tf.Tensor) => tf.tensor(t.dataSync(), t.shape);
    return tf.setBackend('cpu').then(async () => {
      const expected = tf.tidy(() => textbook(tf.tensor(xData, shape), tf.tensor1d(gammaData), tf.tensor1d(betaData), relu));
      expect(relativeError(toCpu(output), expected)).toBeLessThan(1e-5);
      const reference = referenceGradients(tf.tensor(xData, shape), tf.tensor1d(gammaData), tf.tensor1d(betaData), tf.tensor(dyData, shape), relu);
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
