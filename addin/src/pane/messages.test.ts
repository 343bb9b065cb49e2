import { describe, expect, it } from 'vitest';
import { ERROR_CODES, GradSheetError, invalidInput } from '@gradsheet/shared';
import { namesTaken, workbookProtected } from '../excel/plan-writer.js';
import { SERVICE_DOWN, serviceRefused } from '../service/client.js';
import { readBackpropForm } from './backprop-form.js';
import { PANE_SENTENCES, plainMessage } from './messages.js';

const fields = { steps: '100', lr: '0.5', lrs: '0.1, 0.2', inputs: '0.05, 0.1', targets: '0.5, 0.5', weights: '0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55' };

describe('the pane edge of the error table', () => {
  it('words every code as a sentence', () => {
    expect(Object.keys(PANE_SENTENCES).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(plainMessage(new GradSheetError(code, 'the reason')), code).toMatch(/^\S.{9,}/);
  });
});

describe('plainMessage', () => {
  it('names the taken sheets and defined names, and what to do', () => {
    expect(plainMessage(namesTaken(['Parameters'], ['LearningRate', 'Input_i1']))).toBe(
      'This workbook already has sheet named “Parameters” and the defined names “LearningRate”, “Input_i1”. Press “Replace them” to build over them, or open a blank workbook and build there.',
    );
  });

  it('says how to unprotect a workbook whose structure is locked', () => {
    expect(plainMessage(workbookProtected())).toMatch(/structure is protected.*Review > Protect Workbook/);
  });

  it('passes the service’s own sentence through, and says plainly when it is not running', () => {
    expect(plainMessage(serviceRefused('There is no model "x"; known models: a, b', 404, 'GS_ERR_UNKNOWN_MODEL'))).toBe('There is no model "x"; known models: a, b');
    expect(plainMessage(new GradSheetError('SERVICE_UNREACHABLE', SERVICE_DOWN))).toMatch(/not answering\. Start it with “npx gradsheet serve”/);
  });

  it('words Excel’s own errors and invalid input as sentences', () => {
    expect(plainMessage(Object.assign(new Error('The sheet is protected'), { name: 'RichApi.Error', code: 'AccessDenied' }))).toBe('Excel refused a change (AccessDenied): The sheet is protected');
    expect(plainMessage(invalidInput('steps must be a whole number'))).toBe('Steps must be a whole number.');
  });
});

describe('readBackpropForm (the pane’s fields)', () => {
  it('reads the same parameters as the CLI, and the request it sends the service', () => {
    const { request, options } = readBackpropForm(fields);
    expect(options).toMatchObject({ steps: 100, learningRate: 0.5, comparisonLearningRates: [0.1, 0.2], initialWeights: [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55] });
    expect(request).toEqual({ steps: 100, learningRate: 0.5, comparisonLearningRates: [0.1, 0.2], inputs: [0.05, 0.1], targets: [0.5, 0.5], initialWeights: [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55] });
  });

  it.each([
    [{ steps: '0' }, /^Steps must be a whole number from 1 to 10,000, got 0$/],
    [{ steps: '2.5' }, /Steps must be a whole number/],
    [{ lr: 'fast' }, /η: “fast” is not a number/],
    [{ lr: '-1' }, /^η must be a number greater than 0/],
    [{ inputs: '1' }, /^Inputs needs exactly 2 numbers, got 1$/],
    [{ weights: '1,2,3,4,5,6,7,x' }, /Starting weights: “x” is not a number/],
  ])('refuses %j in one sentence naming the field as the form does', (change, message) => {
    expect(() => readBackpropForm({ ...fields, ...change })).toThrow(message);
  });
});
