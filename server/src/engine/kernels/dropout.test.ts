import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, seededRandom, startWasm } from '../../../test/kernel-testing.js';
import { availableKernelVariants, useKernelVariant } from '../simd/simd-kernels.js';
import { dropout } from './dropout.js';

describe.each(availableKernelVariants())('the dropout kernel (%s kernels)', (variant) => {
  beforeAll(async () => {
    await startWasm();
    useKernelVariant(variant);
  });
  const x = seededRandom(3).normals(5 * 7 * 9 * 3 + 1).map((v) => v + 3); // no zeros of its own; an odd count for the tail
  const shape = [x.length];

  it('drops the same elements on wasm and cpu, bit for bit, and scales the rest by 1/(1 − rate)', async () => {
    for (const [rate, seed] of [[0.02, 1], [0.25, 2 ** 32 - 5], [0.5, 123456789]] as const) {
      const compute = () => dropout(tf.tensor(x, shape), rate, seed);
      const wasm = await runOn('wasm', compute);
      const cpu = await runOn('cpu', compute);
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
      const dropped = wasm.filter((v) => v === 0).length / x.length;
      expect(Math.abs(dropped - rate)).toBeLessThan(0.05);
      wasm.forEach((v, i) => {
        if (v !== 0) expect(v).toBe(Math.fround((x[i] as number) * Math.fround(1 / (1 - rate))));
      });
    }
  });

  it('another seed, another mask', async () => {
    const a = await runOn('wasm', () => dropout(tf.tensor(x, shape), 0.5, 1));
    const b = await runOn('wasm', () => dropout(tf.tensor(x, shape), 0.5, 2));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('its gradient is dy through the same mask', async () => {
    const dy = seededRandom(4).normals(x.length);
    for (const backend of ['wasm', 'cpu'] as const) {
      const grad = await runOn(backend, () => tf.grad((input: tf.Tensor) => dropout(input, 0.3, 77).mul(tf.tensor(dy, shape)).sum())(tf.tensor(x, shape)));
      const forward = await runOn(backend, () => dropout(tf.tensor(x, shape), 0.3, 77));
      grad.forEach((g, i) => {
        expect(g === 0).toBe(forward[i] === 0);
        if (g !== 0) expect(g).toBeCloseTo((dy[i] as number) * (1 / 0.7), 5);
      });
    }
  });
});
