import { describe, expect, it } from 'vitest';
import { fillDropoutMask, seededRandom, shuffledIndices } from './random.js';

describe('seeded randomness', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });

  it('shuffles into a permutation', () => {
    const order = [...shuffledIndices(1000, seededRandom(1))];
    expect([...order].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    expect(order.slice(0, 10)).not.toEqual([...Array(10).keys()]);
  });

  it('drops about `rate` of a mask and scales the rest', () => {
    const mask = new Float32Array(200_000);
    fillDropoutMask(mask, 0.1, 1 / 0.9, 7);
    const dropped = mask.filter((v) => v === 0).length / mask.length;
    expect(dropped).toBeGreaterThan(0.095);
    expect(dropped).toBeLessThan(0.105);
    expect(new Set(mask)).toEqual(new Set([0, Math.fround(1 / 0.9)]));
    const again = new Float32Array(200_000);
    fillDropoutMask(again, 0.1, 1 / 0.9, 7);
    expect(again).toEqual(mask);
  });
});
