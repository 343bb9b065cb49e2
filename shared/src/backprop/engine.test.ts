import { describe, expect, it } from 'vitest';
import { descend, forwardBackward, runBackprop, sigmoid } from './engine.js';
import { DEFAULT_BACKPROP_PARAMETERS as D, type Pair, type Weights } from './parameters.js';
import { seededRandom } from '../random.js';

/** Deterministic, so failures can be replayed. */
const random = seededRandom;

function eTotal(w: Weights, inputs: Pair, targets: Pair): number {
  return forwardBackward(w, inputs, targets).eTotal;
}

describe('forwardBackward', () => {
  it('computes the forward pass of the course example by its definitions', () => {
    const q = forwardBackward(D.initialWeights, D.inputs, D.targets);
    expect(q.h1).toBeCloseTo(0.15 * 0.05 + 0.2 * 0.1, 15);
    expect(q.h2).toBeCloseTo(0.25 * 0.05 + 0.3 * 0.1, 15);
    expect(q.aH1).toBe(sigmoid(q.h1));
    expect(q.o1).toBeCloseTo(0.4 * q.aH1 + 0.45 * q.aH2, 15);
    expect(q.o2).toBeCloseTo(0.5 * q.aH1 + 0.55 * q.aH2, 15);
    expect(q.e1).toBeCloseTo(0.5 * (0.5 - q.aO1) ** 2, 15);
    expect(q.eTotal).toBe(q.e1 + q.e2);
  });

  it('gives gradients equal to central finite differences of E_total, for random networks', () => {
    const next = random(7);
    for (let trial = 0; trial < 25; trial++) {
      const w = Array.from({ length: 8 }, () => next() * 4 - 2) as unknown as Weights;
      const inputs: Pair = [next() * 2 - 1, next() * 2 - 1];
      const targets: Pair = [next(), next()];
      const { gradients } = forwardBackward(w, inputs, targets);
      for (let k = 0; k < 8; k++) {
        const h = 1e-6;
        const plus = [...w] as unknown as number[];
        const minus = [...w] as unknown as number[];
        plus[k] = (plus[k] as number) + h;
        minus[k] = (minus[k] as number) - h;
        const numeric = (eTotal(plus as unknown as Weights, inputs, targets) - eTotal(minus as unknown as Weights, inputs, targets)) / (2 * h);
        expect(Math.abs((gradients[k] as number) - numeric)).toBeLessThan(1e-8 + 1e-6 * Math.abs(numeric));
      }
    }
  });
});

describe('runBackprop', () => {
  it('records the weights before each update and applies w − η·gradient between rows', () => {
    const records = runBackprop(D.initialWeights, D.inputs, D.targets, 0.7, 5);
    expect(records).toHaveLength(5);
    expect(records[0]?.weights).toEqual(D.initialWeights);
    for (let step = 1; step < records.length; step++) {
      const before = records[step - 1]!;
      expect(records[step]?.step).toBe(step);
      expect(records[step]?.weights).toEqual(descend(before.weights, before.gradients, 0.7));
    }
  });

  it('lowers E_total at every step for a small learning rate', () => {
    const records = runBackprop(D.initialWeights, D.inputs, D.targets, 0.1, 200);
    for (let step = 1; step < records.length; step++) {
      expect(records[step]!.eTotal).toBeLessThan(records[step - 1]!.eTotal);
    }
  });
});
