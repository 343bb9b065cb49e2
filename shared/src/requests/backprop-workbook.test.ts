import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS as D } from '../backprop/parameters.js';
import { GradSheetError } from '../errors.js';
import { parseBackpropWorkbookRequest } from './backprop-workbook.js';
import { REQUEST_LIMITS } from './limits.js';

describe('parseBackpropWorkbookRequest', () => {
  it('takes the course defaults for what is left out', () => {
    expect(parseBackpropWorkbookRequest({})).toEqual(D);
    expect(parseBackpropWorkbookRequest(D)).toEqual(D);
    expect(parseBackpropWorkbookRequest({ steps: 7, inputs: [1, 2] })).toMatchObject({ steps: 7, inputs: [1, 2], targets: D.targets });
  });

  it.each([
    [{ steps: 0 }, /steps must be a whole number from 1 to 10,000, got 0/],
    [{ steps: REQUEST_LIMITS.backprop.steps.max + 1 }, /steps/],
    [{ steps: 2.5 }, /steps must be a whole number/],
    [{ learningRate: Number.NaN }, /learning rate must be a number greater than 0/],
    [{ learningRate: -1 }, /learning rate/],
    [{ initialWeights: [1, 2, 3] }, /weights needs exactly 8 numbers, got 3/],
    [{ inputs: [1] }, /inputs needs exactly 2/],
    [{ targets: [0.5, Number.POSITIVE_INFINITY] }, /targets: value 2 must be a number at least -1,000,000 and at most 1,000,000/],
    [{ comparisonLearningRates: [] }, /compared learning rates needs 1 to 12 numbers, got 0/],
    [{ comparisonLearningRates: [0.1, 0] }, /compared learning rates: value 2 must be a number greater than 0/],
  ])('refuses %o in one sentence naming the field', (change, message) => {
    const call = () => parseBackpropWorkbookRequest(change);
    expect(call).toThrow(GradSheetError);
    expect(call).toThrow(message);
  });

  it('names the field as the caller does', () => {
    expect(() => parseBackpropWorkbookRequest({ steps: 0 }, (field) => `body.${field}`)).toThrow(/^body\.steps must be/);
    expect(() => parseBackpropWorkbookRequest({ initialWeights: [1] }, (field) => `--${field}`)).toThrow(/^--initialWeights needs exactly 8/);
  });

  it('refuses values of the wrong type, as JSON may carry them', () => {
    expect(() => parseBackpropWorkbookRequest({ steps: '5' } as never)).toThrow(/steps must be a whole number from 1 to 10,000, got "5"/);
    expect(() => parseBackpropWorkbookRequest({ inputs: 'a' } as never)).toThrow(/inputs must be a list of numbers/);
  });
});
