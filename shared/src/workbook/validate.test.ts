import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { columnLetters, quoteSheetName, rangeFormula } from './addresses.js';
import { definedNameProblem, sheetNameProblem, validatePlan } from './validate.js';

describe('defined names', () => {
  it.each(['w1', 'W1', 'i1', 't1', 'b1', 'XFD1', 'R1C1', 'r', 'C', 'RC'])('rejects %s, which reads as a cell address', (name) => {
    expect(definedNameProblem(name)).not.toBeNull();
  });
  it.each(['LearningRate', 'Input_i1', 'Target_t1', 'Initial_w8', '_x'])('accepts %s', (name) => {
    expect(definedNameProblem(name)).toBeNull();
  });
});

describe('sheet names and addresses', () => {
  it('knows what Excel refuses in a sheet name', () => {
    expect(sheetNameProblem('LR Comparison')).toBeNull();
    expect(sheetNameProblem('a/b')).not.toBeNull();
    expect(sheetNameProblem('x'.repeat(32))).not.toBeNull();
  });
  it('quotes sheet names that need it', () => {
    expect(quoteSheetName('Backprop')).toBe('Backprop');
    expect(quoteSheetName('LR Comparison')).toBe("'LR Comparison'");
    expect(quoteSheetName("it's")).toBe("'it''s'");
    expect(quoteSheetName('AB12')).toBe("'AB12'");
  });
  it('names columns past Z', () => {
    expect([0, 25, 26, 27, 701, 702, 16383].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA', 'XFD']);
    expect(rangeFormula({ sheet: 'LR Comparison', start: { row: 1, col: 1 }, end: { row: 100, col: 1 } })).toBe("'LR Comparison'!$B$2:$B$101");
  });
});

describe('validatePlan', () => {
  const sheet = { name: 'S', blocks: [], charts: [] };
  it('rejects a defined name that is a cell address', () => {
    const plan = { title: 't', styles: {}, sheets: [sheet], names: [{ name: 'w1', refersTo: { sheet: 'S', start: { row: 0, col: 0 }, end: { row: 0, col: 0 } } }] };
    expect(() => validatePlan(plan)).toThrow(GradSheetError);
  });
  it('rejects a formula stored with a leading "="', () => {
    const plan = { title: 't', styles: {}, names: [], sheets: [{ ...sheet, blocks: [{ origin: { row: 0, col: 0 }, rows: [[{ formula: '=A2', result: 0 }]] }] }] };
    expect(() => validatePlan(plan)).toThrow(/leading "="/);
  });
  it('rejects an undefined style and duplicate sheets', () => {
    const styled = { title: 't', styles: {}, names: [], sheets: [{ ...sheet, blocks: [{ origin: { row: 0, col: 0 }, rows: [[{ value: 1, style: 'nope' }]] }] }] };
    expect(() => validatePlan(styled)).toThrow(/style "nope"/);
    expect(() => validatePlan({ title: 't', styles: {}, names: [], sheets: [sheet, { ...sheet, name: 's' }] })).toThrow(/two sheets/);
  });
});
