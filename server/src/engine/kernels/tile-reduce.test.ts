import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError, runOn, seededRandom, startWasm } from '../../../test/kernel-testing.js';

async function onBoth(compute: () => tf.Tensor) {
  return { wasm: await runOn('wasm', compute), cpu: await runOn('cpu', compute) };
}

describe('Tile on wasm matches the cpu backend', () => {
  beforeAll(startWasm);

  it('random shapes and repeats, ranks 1–4, float32 and int32', async () => {
    const random = seededRandom(21);
    for (let i = 0; i < 40; i++) {
      const rank = random.int(1, 4);
      const shape = Array.from({ length: rank }, () => random.int(1, 5));
      const reps = Array.from({ length: rank }, () => random.int(1, 4));
      const values = random.normals(shape.reduce((a, b) => a * b, 1));
      const dtype = i % 4 === 3 ? 'int32' : 'float32';
      const { wasm, cpu } = await onBoth(() => tf.tile(tf.tensor(values, shape, dtype), reps));
      expect(Array.from(wasm), JSON.stringify({ shape, reps, dtype })).toEqual(Array.from(cpu));
    }
  });

  it('tiles BatchNorm-style [1,1,1,C] factors to a batch of feature maps', async () => {
    const values = seededRandom(22).normals(16);
    const { wasm, cpu } = await onBoth(() => tf.tile(tf.tensor(values, [1, 1, 1, 16]), [4, 12, 12, 1]));
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });
});

describe('Sum and Mean on wasm match the cpu backend (float64 accumulation)', () => {
  beforeAll(startWasm);

  it('contiguous and scattered axes, with and without keepDims, relative error ≤ 1e-5', async () => {
    const random = seededRandom(23);
    const axesChoices = [[0, 1, 2], [1, 2], [3], [0], [1], [0, 2], [1, 3], [-1], [0, 1, 2, 3]];
    for (let i = 0; i < 36; i++) {
      const shape = [random.int(1, 4), random.int(5, 14), random.int(5, 14), random.int(1, 8)];
      // An offset makes float32 accumulation error show up.
      const values = random.normals(shape.reduce((a, b) => a * b, 1)).map((v) => v + 3);
      const axes = axesChoices[i % axesChoices.length] as number[];
      const keepDims = i % 2 === 0;
      for (const reduce of [tf.sum, tf.mean]) {
        const { wasm, cpu } = await onBoth(() => reduce(tf.tensor(values, shape), axes, keepDims));
        expect(relativeError(wasm, cpu), JSON.stringify({ shape, axes, keepDims })).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it.each([
    [[32, 24, 24, 17], [0, 1, 2]],
    [[16, 10, 10, 64], [0, 1, 2]],
    [[256, 30], [0]],
    [[3, 2000], [1]],
  ])("long reductions (a bias's gradient over a batch), in the SIMD kernels: %j over %j", async (shape, axes) => {
    const random = seededRandom(9);
    // A mean far from zero next to the spread: float32 running sums would drift.
    const values = random.normals(shape.reduce((a, b) => a * b, 1)).map((v) => v + 30);
    for (const reduce of [tf.sum, tf.mean]) {
      const { wasm, cpu } = await onBoth(() => reduce(tf.tensor(values, shape), axes));
      expect(relativeError(wasm, cpu)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('keeps the output shape of keepDims', async () => {
    await startWasm();
    await tf.setBackend('wasm');
    const x = tf.ones([2, 3, 4, 5]);
    expect(tf.sum(x, [1, 2], true).shape).toEqual([2, 1, 1, 5]);
    expect(tf.mean(x, [0, 1, 2]).shape).toEqual([5]);
    expect(tf.sum(tf.ones([3, 2], 'int32'), 0).dtype).toBe('int32');
    x.dispose();
  });
});
