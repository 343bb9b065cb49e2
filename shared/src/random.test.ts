import { describe, expect, it } from 'vitest';
import { seededRandom, shuffledIndices } from './random.js';

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
});
