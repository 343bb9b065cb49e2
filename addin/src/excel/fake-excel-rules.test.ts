/**
 * The fake of Excel refuses what Excel refuses, so that the writers' tests can fail
 * where Excel would: protection, names, arrays in a strict Excel, and a learner typing
 * in a cell.
 */
import { describe, expect, it } from 'vitest';
import {
  CELL_EDIT_MESSAGE,
  definedNameProblem,
  emptyWorkbook,
  fakeExcelRun,
  FakeRequestContext,
  sheetNameProblem,
  type FakeRunRecord,
  type FakeWorkbookState,
} from '../../test/fake-excel/index.js';

function sheet1(state: FakeWorkbookState = emptyWorkbook(), options = {}) {
  const context = new FakeRequestContext(state, undefined, options);
  return { context, state, sheet: context.workbook.worksheets.getItem('Sheet1') };
}

describe('a protected sheet', () => {
  it('refuses formats, column widths, row heights, locking, merges, frozen panes and charts, and keeps none of them', async () => {
    const { context, sheet, state } = sheet1();
    sheet.getRange('A1:A3').values = [[1], [2], [3]];
    sheet.protection.protect();
    await context.sync();
    const refusals: Array<[string, () => void]> = [
      ['bold', () => (sheet.getRange('A1').format.font.bold = true)],
      ['fill', () => (sheet.getRange('A1').format.fill.color = '#FF0000')],
      ['border', () => Object.assign(sheet.getRange('A1').format.borders.getItem('EdgeTop'), { style: 'Continuous', weight: 'Thin' })],
      ['alignment', () => (sheet.getRange('A1').format.horizontalAlignment = 'Center')],
      ['column width', () => (sheet.getRange('A1').getEntireColumn().format.columnWidth = 40)],
      ['row height', () => (sheet.getRange('A1').format.rowHeight = 30)],
      ['locking', () => (sheet.getRange('A1').format.protection.locked = false)],
      ['merge', () => sheet.getRange('A1:B1').merge(false)],
      ['frozen panes', () => sheet.freezePanes.freezeRows(1)],
      ['chart', () => sheet.charts.add('Line', sheet.getRange('A1:A3'), 'Columns')],
    ];
    for (const [what, change] of refusals) {
      change();
      await expect(context.sync(), what).rejects.toMatchObject({ code: 'AccessDenied' });
    }
    const after = state.sheets[0];
    expect(after?.cells['0,0']).toEqual({ input: 1 });
    expect([after?.merges, after?.frozen, after?.charts, after?.columnWidths, after?.rowHeights]).toEqual([[], undefined, [], {}, {}]);
  });

  it('lets through what protect() allowed', async () => {
    const { context, sheet, state } = sheet1();
    sheet.getRange('A1:A3').values = [[1], [2], [3]];
    sheet.protection.protect({ allowFormatCells: true, allowFormatColumns: true, allowEditObjects: true });
    sheet.getRange('A1').format.font.bold = true;
    sheet.getRange('A1').getEntireColumn().format.columnWidth = 40;
    sheet.charts.add('Line', sheet.getRange('A1:A3'), 'Columns');
    await context.sync();
    expect(state.sheets[0]).toMatchObject({ cells: { '0,0': { bold: true } }, columnWidths: { '0': 40 } });
    expect(state.sheets[0]?.charts).toHaveLength(1);
  });
});

describe("Excel's rules for names", () => {
  it('a sheet name: at most 31 characters, none of : \\ / ? * [ ], no apostrophe at either end, never "History"', async () => {
    for (const bad of ['', 'x'.repeat(32), 'a:b', 'a\\b', 'a/b', 'a?b', 'a*b', 'a[b', 'a]b', "'quoted", "quoted'", 'History', 'HISTORY']) {
      expect(sheetNameProblem(bad), JSON.stringify(bad)).toBeDefined();
    }
    for (const good of ['Backprop', 'LR Comparison', 'Run 1a2b3c4d', 'x'.repeat(31), 'η = 0.5', "it's", 'History 2']) {
      expect(sheetNameProblem(good), good).toBeUndefined();
    }
    const { context, state } = sheet1();
    context.workbook.worksheets.add('Results [1]');
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });
    context.workbook.worksheets.getItem('Sheet1').name = 'History';
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });
    expect(state.sheets.map((s) => s.name)).toEqual(['Sheet1']);
  });

  it('a defined name: a letter, "_" or "\\" first, then letters, digits, "_" and "."; never a cell reference, R or C', async () => {
    for (const bad of ['', '1st', 'two words', 'a-b', 'A1', 'w1', 'XFD1048576', '$B$4', 'R1C1', 'RC', 'r2c3', 'R', 'c', 'x'.repeat(256)]) {
      expect(definedNameProblem(bad), JSON.stringify(bad)).toBeDefined();
    }
    for (const good of ['LearningRate', 'Initial_w1', '_x', '\\path', 'eta.0', 'XFE1', 'A1048577', 'Rate', 'η']) {
      expect(definedNameProblem(good), good).toBeUndefined();
    }
    const { context, sheet, state } = sheet1();
    context.workbook.names.add('w 1', sheet.getRange('A1'));
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });
    expect(state.names).toEqual({});
  });
});

describe('a strict Excel', () => {
  it('takes values, formulas and number formats only as 2-D arrays', async () => {
    const { context, sheet, state } = sheet1(emptyWorkbook(), { strict: true });
    for (const property of ['values', 'formulas', 'formulasR1C1', 'numberFormat'] as const) {
      (sheet.getRange('A1:A2') as unknown as Record<string, unknown>)[property] = property === 'numberFormat' ? '0.00' : '=1';
      await expect(context.sync(), property).rejects.toMatchObject({ code: 'InvalidArgument' });
    }
    sheet.getRange('A1:A2').formulasR1C1 = [['=R[1]C'], ['=1']];
    await context.sync();
    expect(state.sheets[0]?.cells).toEqual({ '0,0': { formulaR1C1: '=R[1]C' }, '1,0': { formulaR1C1: '=1' } });
  });

  it('copies a cell down a column with copyFrom, which needs ExcelApi 1.9', async () => {
    const { context, sheet, state } = sheet1();
    sheet.getRange('B1').formulasR1C1 = [['=RC[-1]*2']];
    sheet.getRange('B2:B4').copyFrom(sheet.getRange('B1'), 'Formulas');
    await context.sync();
    expect([0, 1, 2, 3, 4].map((r) => state.sheets[0]?.cells[`${r},1`]?.formulaR1C1)).toEqual(['=RC[-1]*2', '=RC[-1]*2', '=RC[-1]*2', '=RC[-1]*2', undefined]);
    const old = sheet1(emptyWorkbook(), { excelApi: '1.8' });
    old.sheet.getRange('B2:B4').copyFrom(old.sheet.getRange('B1'), 'Formulas');
    await expect(old.context.sync()).rejects.toMatchObject({ code: 'ApiNotFound' });
  });
});

describe('a learner typing in a cell', () => {
  it("fails every sync with Excel's code and message, and applies nothing of the batch", async () => {
    const state: FakeWorkbookState = { ...emptyWorkbook(), cellEditing: true };
    const { context, sheet } = sheet1(state);
    sheet.getRange('A1').values = [[1]];
    context.workbook.worksheets.add('New');
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidOperationInCellEditMode', message: CELL_EDIT_MESSAGE });
    expect(state.sheets.map((s) => [s.name, Object.keys(s.cells).length])).toEqual([['Sheet1', 0]]);
    state.cellEditing = false;
    sheet.getRange('A1').values = [[1]];
    await context.sync();
    expect(state.sheets[0]?.cells['0,0']).toEqual({ input: 1 });
  });

  it('holds a batch run with delayForCellEdit until the learner leaves the cell', async () => {
    let state: FakeWorkbookState = { ...emptyWorkbook(), cellEditing: true };
    const records: FakeRunRecord[] = [];
    const run = fakeExcelRun(
      () => state,
      {},
      (after, record) => ((state = after), records.push(record)),
    );
    let done = false;
    const batch = run({ delayForCellEdit: true }, async (context) => {
      context.workbook.worksheets.getItem('Sheet1').getRange('A1').values = [[7]];
      await context.sync();
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    state.cellEditing = false;
    await batch;
    expect(state.sheets[0]?.cells['0,0']).toEqual({ input: 7 });
    expect(records).toEqual([{ syncs: 1, bytes: [expect.any(Number)], unsynced: 0, options: { delayForCellEdit: true } }]);
  });
});
