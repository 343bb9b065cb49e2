import { describe, expect, it } from 'vitest';
import { learningRateAt } from './schedule.js';

const base = { lr: 0.05, epochs: 20, stepsPerEpoch: 100, stepSize: 10, gamma: 0.1 };

describe('learningRateAt', () => {
  it("follows the course's StepLR: 0.05 for epochs 1–10, 0.005 from epoch 11", () => {
    const step = { ...base, schedule: 'step' as const };
    expect(learningRateAt(step, 0, 0)).toBe(0.05);
    expect(learningRateAt(step, 9, 99)).toBe(0.05);
    expect(learningRateAt(step, 10, 0)).toBeCloseTo(0.005, 12);
  });

  it('rises to the peak over the first 30% of OneCycle and anneals far below it', () => {
    const one = { ...base, schedule: 'onecycle' as const };
    const total = base.epochs * base.stepsPerEpoch;
    expect(learningRateAt(one, 0, 0)).toBeCloseTo(0.05 / 25, 10);
    const peakStep = Math.floor(0.3 * total) - 1;
    expect(learningRateAt(one, Math.floor(peakStep / 100), peakStep % 100)).toBeCloseTo(0.05, 10);
    expect(learningRateAt(one, 19, 99)).toBeLessThan(1e-6);
    let previous = 0;
    for (let t = 0; t <= peakStep; t += 50) {
      const lr = learningRateAt(one, Math.floor(t / 100), t % 100);
      expect(lr).toBeGreaterThanOrEqual(previous);
      previous = lr;
    }
  });

  it('keeps a constant rate with none', () => {
    expect(learningRateAt({ ...base, schedule: 'none' }, 13, 42)).toBe(0.05);
  });
});
