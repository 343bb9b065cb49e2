import { describe, expect, it } from 'vitest';
import { invalidInput } from '@gradsheet/shared';
import { NamesTakenError, WorkbookProtectedError } from '../excel/plan-writer.js';
import { SERVICE_DOWN, ServiceError } from '../service/client.js';
import { backpropOptions } from './backprop-form.js';
import { plainMessage } from './messages.js';

const fields = { steps: '100', lr: '0.5', lrs: '0.1, 0.2', inputs: '0.05, 0.1', targets: '0.5, 0.5', weights: '0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55' };

describe('plainMessage', () => {
  it('names the taken sheets and defined names, and what to do', () => {
    expect(plainMessage(new NamesTakenError(['Parameters'], ['LearningRate', 'Input_i1']))).toBe(
      'This workbook already has sheet named “Parameters” and the defined names “LearningRate”, “Input_i1”. Press “Replace them” to build over them, or open a blank workbook and build there.',
    );
  });

  it('says how to unprotect a workbook whose structure is locked', () => {
    expect(plainMessage(new WorkbookProtectedError())).toMatch(/structure is protected.*Review > Protect Workbook/);
  });

  it('passes the service’s own sentence through, and says plainly when it is not running', () => {
    expect(plainMessage(new ServiceError('There is no model "x"; known models: a, b', 404, 'GS_ERR_UNKNOWN_MODEL'))).toBe('There is no model "x"; known models: a, b');
    expect(plainMessage(new ServiceError(SERVICE_DOWN, 0))).toMatch(/not answering\. Start it with “npx gradsheet serve”/);
  });

  it('words Excel’s own errors and invalid input as sentences', () => {
    expect(plainMessage(Object.assign(new Error('The sheet is protected'), { name: 'RichApi.Error', code: 'AccessDenied' }))).toBe('Excel refused a change (AccessDenied): The sheet is protected');
    expect(plainMessage(invalidInput('steps must be a whole number'))).toBe('Steps must be a whole number.');
  });
});

describe('backpropOptions (the pane’s fields)', () => {
  it('reads the same parameters as the CLI', () => {
    expect(backpropOptions(fields)).toMatchObject({ steps: 100, learningRate: 0.5, comparisonLearningRates: [0.1, 0.2], initialWeights: [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55] });
  });

  it.each([
    [{ steps: '0' }, /Steps must be a whole number from 1 to 10,000/],
    [{ steps: '2.5' }, /Steps must be a whole number/],
    [{ lr: 'fast' }, /η: “fast” is not a number/],
    [{ lr: '-1' }, /learning rate must be a number greater than 0/],
    [{ inputs: '1' }, /Inputs needs exactly 2 comma-separated numbers, got 1/],
    [{ weights: '1,2,3,4,5,6,7,x' }, /Starting weights: “x” is not a number/],
  ])('refuses %j in one sentence naming the field', (change, message) => {
    expect(() => backpropOptions({ ...fields, ...change })).toThrow(message);
  });
});
