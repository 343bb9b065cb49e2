import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError, runOn, seededRandom, startWasm } from '../../../test/kernel-testing.js';
import { countCorrect, softmaxCrossEntropy } from './softmax-cross-entropy.js';

describe('the loss kernels', () => {
  beforeAll(startWasm);
  const random = seededRandom(6);
  const batch = 37;
  // Large logits too: the softmax must not overflow.
  const logits = random.normals(batch * 10).map((v, i) => (i % 7 === 0 ? v * 40 : v * 3));
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  const tensors = () => [tf.tensor2d(logits, [batch, 10]), tf.tensor1d(labels, 'int32')] as const;

  it("the loss and its gradient equal tfjs' softmaxCrossEntropy on one-hot labels, on wasm and cpu, within 1e-6", async () => {
    const reference = () => {
      const [x, y] = tensors();
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), x);
    };
    const referenceGrad = () => {
      const [x, y] = tensors();
      return tf.grad((input: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), input).mul(3))(x);
    };
    const expected = await runOn('cpu', reference);
    const expectedGrad = await runOn('cpu', referenceGrad);
    for (const backend of ['wasm', 'cpu'] as const) {
      const loss = await runOn(backend, () => softmaxCrossEntropy(...tensors()));
      expect(relativeError(loss, expected)).toBeLessThanOrEqual(1e-6);
      const grad = await runOn(backend, () => {
        const [x, y] = tensors();
        return tf.grad((input: tf.Tensor) => softmaxCrossEntropy(input as tf.Tensor2D, y).mul(3))(x);
      });
      expect(relativeError(grad, expectedGrad)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('counts the rows whose largest logit is at the label, as argMax does', async () => {
    const expected = await runOn('cpu', () => {
      const [x, y] = tensors();
      return x.argMax(-1).equal(y).sum().cast('float32');
    });
    for (const backend of ['wasm', 'cpu'] as const) {
      expect(Array.from(await runOn(backend, () => countCorrect(...tensors())))).toEqual(Array.from(expected));
    }
    expect(expected[0]).toBeGreaterThan(0);
  });
});
