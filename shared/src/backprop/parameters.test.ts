import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS as D, MAX_STEPS, validateBackpropOptions } from './parameters.js';

describe('validateBackpropOptions', () => {
  it('accepts the course defaults', () => {
    expect(validateBackpropOptions(D)).toEqual(D);
  });

  it.each([
    [{ steps: 0 }, /steps/],
    [{ steps: MAX_STEPS + 1 }, /steps/],
    [{ steps: 2.5 }, /steps/],
    [{ learningRate: Number.NaN }, /learning rate/],
    [{ learningRate: -1 }, /learning rate/],
    [{ initialWeights: [1, 2, 3] }, /weights needs exactly 8/],
    [{ inputs: [1] }, /inputs needs exactly 2/],
    [{ targets: [0.5, Number.POSITIVE_INFINITY] }, /targets/],
    [{ comparisonLearningRates: [] }, /learning-rate list/],
    [{ comparisonLearningRates: [0.1, 0] }, /compared learning rate/],
  ])('rejects %o with one clear message', (change, message) => {
    const call = () => validateBackpropOptions({ ...D, ...change } as typeof D);
    expect(call).toThrow(GradSheetError);
    expect(call).toThrow(message);
  });
});
