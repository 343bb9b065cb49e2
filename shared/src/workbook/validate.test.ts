import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { columnLetters, quoteSheetName, rangeFormula } from './addresses.js';
import type { ColorScalePoint, ConditionalFormatPlan, ListValidationPlan, SheetPlan, WorkbookPlan } from './plan.js';
import { definedNameProblem, MAX_LIST_SOURCE_LENGTH, MAX_ROWS, sheetNameProblem, validatePlan } from './validate.js';

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
  it('accepts row heights Excel can set, and rejects a row that is not one or a height past 409 points', () => {
    const withHeights = (rowHeights: { row: number; height: number }[]) => ({ title: 't', styles: {}, names: [], sheets: [{ ...sheet, rowHeights }] });
    expect(() => validatePlan(withHeights([{ row: 0, height: 9 }, { row: 5, height: 409 }]))).not.toThrow();
    expect(() => validatePlan(withHeights([{ row: -1, height: 9 }]))).toThrow(/row -1/);
    expect(() => validatePlan(withHeights([{ row: 2, height: 0 }]))).toThrow(/409/);
    expect(() => validatePlan(withHeights([{ row: 2, height: 410 }]))).toThrow(/409/);
  });
});

describe('validatePlan: drop-down lists and conditional formats', () => {
  const on = (sheet: string, endRow = 9) => ({ sheet, start: { row: 0, col: 0 }, end: { row: endRow, col: 0 } });
  const planWith = (rules: Pick<SheetPlan, 'validations' | 'conditionalFormats'>): WorkbookPlan => ({
    title: 't',
    styles: {},
    names: [],
    sheets: [{ name: 'S', blocks: [], charts: [], ...rules }],
  });
  const list = (values: readonly string[], extra: Partial<ListValidationPlan> = {}) => planWith({ validations: [{ range: on('S'), values, ...extra }] });
  const format = (f: ConditionalFormatPlan) => planWith({ conditionalFormats: [f] });

  it('accepts lists and formats that every writer can apply', () => {
    expect(() => list(['ReLU', 'Sigmoid'])).not.toThrow();
    const plan = planWith({
      validations: [{ range: on('S'), values: ['a', 'b'], errorMessage: 'Pick one' }],
      conditionalFormats: [
        { kind: 'formula', range: on('S'), formula: 'A1>0', style: { fill: 'FFC7CE' } },
        { kind: 'colorScale', range: on('S'), min: { color: 'F8696B' }, mid: { value: 0.5, color: 'ffeb84' }, max: { value: 1, color: '63BE7B' } },
      ],
    });
    expect(validatePlan(plan)).toBe(plan);
  });

  it('rejects lists Excel cannot hold: empty, with an empty value, a comma, or a source over 255 characters', () => {
    expect(() => validatePlan(list([]))).toThrow(/no values/);
    expect(() => validatePlan(list(['a', ' ']))).toThrow(/an empty value/);
    expect(() => validatePlan(list(['a,b']))).toThrow(/comma or a double quote/);
    expect(() => validatePlan(list(['say "hi"']))).toThrow(/comma or a double quote/);
    const longest = Array.from({ length: 16 }, (_, i) => `value${String(i).padStart(10, '0')}`); // 16 × 15 + 15 commas = 255
    expect(longest.join(',')).toHaveLength(MAX_LIST_SOURCE_LENGTH);
    expect(() => validatePlan(list(longest))).not.toThrow();
    expect(() => validatePlan(list([...longest.slice(0, -1), `${longest.at(-1)}x`]))).toThrow(/256 characters/);
    expect(() => validatePlan(list(['a'], { errorMessage: 'x'.repeat(256) }))).toThrow(/error message/);
  });

  it('rejects ranges off the sheet, reversed or past the grid', () => {
    expect(() => validatePlan(planWith({ validations: [{ range: on('Other'), values: ['a'] }] }))).toThrow(/on sheet "Other"/);
    const reversed = { sheet: 'S', start: { row: 5, col: 0 }, end: { row: 4, col: 0 } };
    expect(() => validatePlan(format({ kind: 'formula', range: reversed, formula: 'A1', style: { fill: 'FFFFFF' } }))).toThrow(/ends above or left/);
    expect(() => validatePlan(list(['a'], { range: on('S', MAX_ROWS) }))).toThrow(/last row or column/);
  });

  it('rejects colours that are not 6 hex digits, formulas with "=", formats that change nothing, and falling scales', () => {
    const scale = (min: ColorScalePoint, max: ColorScalePoint): ConditionalFormatPlan => ({ kind: 'colorScale', range: on('S'), min, max });
    expect(() => validatePlan(format(scale({ color: '#FF0000' }, { color: '00FF00' })))).toThrow(/"#FF0000" is not 6 hex digits/);
    expect(() => validatePlan(format(scale({ value: 2, color: 'FF0000' }, { value: 1, color: '00FF00' })))).toThrow(/do not rise/);
    expect(() => validatePlan(format(scale({ value: Number.NaN, color: 'FF0000' }, { color: '00FF00' })))).toThrow(/finite/);
    expect(() => validatePlan(format({ kind: 'formula', range: on('S'), formula: '=A1>0', style: { fill: 'FFFFFF' } }))).toThrow(/leading "="/);
    expect(() => validatePlan(format({ kind: 'formula', range: on('S'), formula: 'A1>0', style: {} }))).toThrow(/neither/);
    expect(() => validatePlan(format({ kind: 'formula', range: on('S'), formula: 'A1>0', style: { fontColor: 'red' } }))).toThrow(/"red"/);
    expect(() => validatePlan({ title: 't', styles: { x: { fill: 'FFF' } }, names: [], sheets: [] })).toThrow(/style "x"/);
  });

  it('raises INVALID_PLAN', () => {
    expect(() => validatePlan(list([]))).toThrow(expect.objectContaining({ code: 'INVALID_PLAN' }));
  });
});
