import { describe, expect, it } from 'vitest';
import { forwardBackward } from '../backprop/engine.js';
import { parameterFingerprint, rosterParameters, stableHash, STUDENT_RANGES } from './student-parameters.js';

const ids = Array.from({ length: 30 }, (_, i) => `s${String(i + 1).padStart(3, '0')}`);

describe('rosterParameters', () => {
  it('derives the same parameters from the same seed and ids, whatever else is on the roster', () => {
    const a = rosterParameters(7, ids);
    const b = rosterParameters(7, [...ids].reverse());
    for (const id of ids) expect(b.get(id)).toEqual(a.get(id));
  });

  it('gives every student of a roster of 30 their own parameters, within the course-like ranges', () => {
    const all = rosterParameters(2024, ids);
    expect(new Set([...all.values()].map(parameterFingerprint)).size).toBe(30);
    for (const p of all.values()) {
      const inRange = (x: number, [low, high]: readonly [number, number]) => x >= low && x <= high && Math.round(x * 100) / 100 === x;
      expect(p.inputs.every((x) => inRange(x, STUDENT_RANGES.inputs))).toBe(true);
      expect(p.targets.every((x) => inRange(x, STUDENT_RANGES.targets))).toBe(true);
      expect(p.initialWeights.every((x) => inRange(x, STUDENT_RANGES.weights))).toBe(true);
      expect(p.learningRate).toBe(0.5);
      const start = forwardBackward(p.initialWeights, p.inputs, p.targets);
      expect(Math.abs(p.targets[0] - start.aO1)).toBeGreaterThanOrEqual(0.05);
      expect(Math.abs(p.targets[1] - start.aO2)).toBeGreaterThanOrEqual(0.05);
    }
  });

  it('changes with the seed', () => {
    const a = rosterParameters(1, ids);
    const b = rosterParameters(2, ids);
    expect(ids.filter((id) => parameterFingerprint(a.get(id)!) === parameterFingerprint(b.get(id)!))).toEqual([]);
  });

  it('refuses duplicate ids and bad seeds', () => {
    expect(() => rosterParameters(1, ['a', 'b', 'a'])).toThrow(/appears twice/);
    expect(() => rosterParameters(-1, ['a'])).toThrow(/seed/);
    expect(() => rosterParameters(1.5, ['a'])).toThrow(/seed/);
  });

  it('hashes ids stably', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c); // FNV-1a's published value for "a"
    expect(stableHash('s001')).not.toBe(stableHash('s002'));
  });
});
