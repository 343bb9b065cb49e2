import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError, runOn, seededRandom, startWasm } from '../../../test/kernel-testing.js';

interface PoolCase {
  readonly x: [number, number, number, number];
  readonly filterSize: number;
  readonly strides: number;
  readonly pad: 'same' | 'valid';
}

/** Runs MaxPoolGrad on both backends, with the forward pooled output each needs. */
async function maxPoolGradOnBoth(c: PoolCase, x: Float32Array, dy: Float32Array) {
  const compute = () => {
    const input = tf.tensor4d(x, c.x);
    const output = tf.maxPool(input, c.filterSize, c.strides, c.pad);
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
    return tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor(dy, output.shape), input, output }, attrs) as tf.Tensor;
  };
  return { wasm: await runOn('wasm', compute), cpu: await runOn('cpu', compute) };
}

function pooledSize(c: PoolCase): number {
  const out = (n: number) => (c.pad === 'same' ? Math.ceil(n / c.strides) : Math.floor((n - c.filterSize) / c.strides) + 1);
  return c.x[0] * out(c.x[1]) * out(c.x[2]) * c.x[3];
}

/** Pools as designs use them: sizes 1 to 4, strides 1 to 3 (above the size, pixels are skipped), odd sizes, channels 1/3/5/17. */
function designPoolCases(seed: number): PoolCase[] {
  const random = seededRandom(seed);
  const cases: PoolCase[] = [];
  for (const filterSize of [1, 2, 3, 4]) {
    for (const strides of [1, 2, 3]) {
      const side = random.int(Math.max(filterSize, 5), 15) | 1;
      cases.push({ x: [random.int(1, 3), side, side, [1, 3, 5, 17][random.int(0, 3)] as number], filterSize, strides, pad: 'valid' });
    }
  }
  cases.push(
    { x: [4, 1, 1, 17], filterSize: 1, strides: 1, pad: 'valid' },
    { x: [2, 7, 7, 5], filterSize: 7, strides: 7, pad: 'valid' },
    { x: [2, 28, 28, 3], filterSize: 28, strides: 1, pad: 'valid' },
    { x: [2, 28, 28, 4], filterSize: 5, strides: 9, pad: 'valid' },
  );
  return cases;
}

async function avgPoolGradOnBoth(c: PoolCase, x: Float32Array, dy: Float32Array) {
  const compute = () => {
    const input = tf.tensor4d(x, c.x);
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
    const output = tf.avgPool(input, c.filterSize, c.strides, c.pad);
    return tf.engine().runKernel('AvgPoolGrad', { dy: tf.tensor(dy, output.shape), input }, attrs) as tf.Tensor;
  };
  return { wasm: await runOn('wasm', compute), cpu: await runOn('cpu', compute) };
}

describe('MaxPoolGrad on wasm matches the cpu backend', () => {
  beforeAll(startWasm);

  it('60 random shapes with ties and all-negative windows, relative error ≤ 1e-5', async () => {
    const random = seededRandom(11);
    for (let i = 0; i < 60; i++) {
      const c: PoolCase = {
        x: [random.int(1, 4), random.int(5, 14), random.int(5, 14), random.int(1, 8)],
        filterSize: random.int(2, 3),
        strides: random.int(1, 2),
        pad: random.next() < 0.5 ? 'same' : 'valid',
      };
      const count = c.x.reduce((a, b) => a * b, 1);
      // Small integers below zero: many ties, many windows with no positive value.
      const x = random.normals(count).map((v) => Math.round(v * 1.5) - 1);
      const dy = random.normals(pooledSize(c));
      const { wasm, cpu } = await maxPoolGradOnBoth(c, x, dy);
      expect(relativeError(wasm, cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
    }
  });

  it.each([
    { x: [4, 24, 24, 8], filterSize: 2, strides: 2, pad: 'valid' },
    { x: [2, 9, 7, 12], filterSize: 3, strides: 2, pad: 'same' },
  ] satisfies PoolCase[])('four channels at a time, with ties and all-negative windows: %j', async (c) => {
    const random = seededRandom(13);
    const x = random.normals(c.x.reduce((a, b) => a * b, 1)).map((v) => Math.round(v * 1.5) - 1);
    const { wasm, cpu } = await maxPoolGradOnBoth(c, x, random.normals(pooledSize(c)));
    expect(relativeError(wasm, cpu)).toBeLessThanOrEqual(1e-5);
  });

  it("the designs' pools, relative error ≤ 1e-5", async () => {
    const random = seededRandom(14);
    for (const c of designPoolCases(15)) {
      const x = random.normals(c.x.reduce((a, b) => a * b, 1)).map((v) => Math.round(v * 1.5) - 1);
      const { wasm, cpu } = await maxPoolGradOnBoth(c, x, random.normals(pooledSize(c)));
      expect(relativeError(wasm, cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('sends the gradient of an all-negative window to its maximum, not to element 0', async () => {
    const c: PoolCase = { x: [1, 2, 4, 1], filterSize: 2, strides: 2, pad: 'valid' };
    const x = Float32Array.from([5, 1, -3, -1, 2, 0, -2, -4]);
    const { wasm } = await maxPoolGradOnBoth(c, x, Float32Array.from([10, 20]));
    expect(Array.from(wasm)).toEqual([10, 0, 0, 20, 0, 0, 0, 0]);
  });
});

describe('AvgPoolGrad on wasm matches the cpu backend', () => {
  beforeAll(startWasm);

  it('40 random shapes, relative error ≤ 1e-5', async () => {
    const random = seededRandom(12);
    for (let i = 0; i < 40; i++) {
      const c: PoolCase = {
        x: [random.int(1, 4), random.int(5, 14), random.int(5, 14), random.int(1, 8)],
        filterSize: random.int(2, 3),
        strides: random.int(1, 2),
        pad: random.next() < 0.5 ? 'same' : 'valid',
      };
      const { wasm, cpu } = await avgPoolGradOnBoth(c, random.normals(c.x.reduce((a, b) => a * b, 1)), random.normals(pooledSize(c)));
      expect(relativeError(wasm, cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
    }
  });

  it.each([
    { x: [4, 6, 6, 64], filterSize: 2, strides: 2, pad: 'valid' },
    { x: [3, 10, 10, 32], filterSize: 5, strides: 5, pad: 'valid' },
    { x: [2, 9, 7, 12], filterSize: 3, strides: 2, pad: 'same' },
  ] satisfies PoolCase[])('four channels at a time: %j', async (c) => {
    const random = seededRandom(18);
    const { wasm, cpu } = await avgPoolGradOnBoth(c, random.normals(c.x.reduce((a, b) => a * b, 1)), random.normals(pooledSize(c)));
    expect(relativeError(wasm, cpu)).toBeLessThanOrEqual(1e-5);
  });

  it("the designs' pools, relative error ≤ 1e-5", async () => {
    const random = seededRandom(16);
    for (const c of designPoolCases(17)) {
      const { wasm, cpu } = await avgPoolGradOnBoth(c, random.normals(c.x.reduce((a, b) => a * b, 1)), random.normals(pooledSize(c)));
      expect(relativeError(wasm, cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
    }
  });
});

