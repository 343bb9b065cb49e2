import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRY_IT } from '@gradsheet/shared';
import { emptyWorkbook, fakeExcelRun, fakeOffice, FakeRequestContext, type FakeSheet, type FakeWorkbookState } from '../../test/fake-excel/index.js';
import type { ExcelRun } from './excel-run.js';
import { addTryItSheet, predictDrawnDigit, readTryItGrid, writeTryItProbabilities } from './try-it.js';

/** The Try it sheet in the fake of Excel: added once, its grid read back and checked, the probabilities written beside it. */

const context = (state: FakeWorkbookState) => new FakeRequestContext(state) as unknown as Excel.RequestContext;
const sheetOf = (state: FakeWorkbookState): FakeSheet => state.sheets.find((s) => s.name === TRY_IT.sheet) as FakeSheet;
const G = TRY_IT.grid.start;

/** Types into the grid's cell (r, c), as a learner does: only an unlocked cell of the protected sheet takes it. */
function typeInGrid(state: FakeWorkbookState, r: number, c: number, value: string | number) {
  const cell = (sheetOf(state).cells[`${G.row + r},${G.col + c}`] ??= {});
  expect(cell.locked).toBe(false);
  cell.input = value;
}

async function withTryIt(): Promise<FakeWorkbookState> {
  const state = emptyWorkbook();
  expect(await addTryItSheet(context(state))).toBe(true);
  return state;
}

beforeEach(() => vi.stubGlobal('Office', fakeOffice('1.7')));
afterEach(() => vi.unstubAllGlobals());

describe('the Try it sheet in Excel', () => {
  it('is added once, protected, and kept with what was drawn when asked again', async () => {
    const state = await withTryIt();
    expect(sheetOf(state).protected).toBe(true);
    expect(sheetOf(state).charts.map((c) => c.type)).toEqual(['ColumnClustered']);
    typeInGrid(state, 5, 5, 1);
    state.activeSheet = 'Sheet1';
    expect(await addTryItSheet(context(state))).toBe(false);
    expect(state.sheets.filter((s) => s.name === TRY_IT.sheet)).toHaveLength(1);
    expect(sheetOf(state).cells[`${G.row + 5},${G.col + 5}`]?.input).toBe(1);
    expect(state.activeSheet).toBe(TRY_IT.sheet);
  });

  it('reads the drawn digit in one sync, a blank cell as 0', async () => {
    const state = await withTryIt();
    typeInGrid(state, 0, 0, 0.25);
    typeInGrid(state, 27, 27, 1);
    typeInGrid(state, 10, 3, 0);
    const records: unknown[] = [];
    const run = fakeExcelRun(() => state, {}, (_, record) => records.push(record));
    const grid = await run((c) => readTryItGrid(c as unknown as Excel.RequestContext));
    expect(records).toEqual([expect.objectContaining({ syncs: 1 })]);
    expect(grid).toHaveLength(28);
    expect(grid.every((row) => row.length === 28)).toBe(true);
    expect(grid[0]?.[0]).toBe(0.25);
    expect(grid[27]?.[27]).toBe(1);
    expect(grid.flat().filter((v) => v !== 0)).toEqual([0.25, 1]);
  });

  it('refuses a grid with text or a value past 1 with one sentence naming the cell as Excel does', async () => {
    const state = await withTryIt();
    typeInGrid(state, 2, 4, 'ink');
    await expect(readTryItGrid(context(state))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `Cell E${G.row + 3} on the Try it sheet is "ink", not a number from 0 to 1, so nothing was sent: type a number from 0 (paper) to 1 (ink) there, or clear it`,
    });
    typeInGrid(state, 2, 4, 0.5);
    typeInGrid(state, 27, 0, 3);
    await expect(readTryItGrid(context(state))).rejects.toMatchObject({ message: expect.stringMatching(new RegExp(`^Cell A${G.row + 28} on the Try it sheet is 3, outside 0 \\(paper\\) to 1 \\(ink\\), so nothing was sent`)) });
  });

  it('says so when the workbook has no Try it sheet', async () => {
    await expect(readTryItGrid(context(emptyWorkbook()))).rejects.toMatchObject({ code: 'SHEET_GONE', message: expect.stringMatching(/no sheet “Try it”\. Press Try it/) });
    await expect(writeTryItProbabilities(context(emptyWorkbook()), new Array(10).fill(0.1))).rejects.toMatchObject({ code: 'SHEET_GONE' });
  });

  it('writes the ten probabilities into the probability cells, digit 0 on top, which the protected sheet leaves open', async () => {
    const state = await withTryIt();
    const probabilities = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.5, 0.1, 0.12];
    await writeTryItProbabilities(context(state), probabilities);
    const { start, end } = TRY_IT.probabilities;
    expect(end.row - start.row + 1).toBe(10);
    const written = probabilities.map((_, d) => sheetOf(state).cells[`${start.row + d},${start.col}`]?.input);
    expect(written).toEqual(probabilities);
    // The bar chart reads exactly these cells.
    const [chart] = sheetOf(state).charts;
    expect(chart?.series.map((s) => s.values)).toEqual([{ sheet: TRY_IT.sheet, row: start.row, col: start.col, rows: 10, cols: 1 }]);
    // A locked cell of the protected sheet still refuses a write, as in Excel.
    const ctx = new FakeRequestContext(state);
    ctx.workbook.worksheets.getItem(TRY_IT.sheet).getRangeByIndexes(start.row, start.col - 1, 1, 1).values = [['x']];
    await expect(ctx.sync()).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  describe('Predict', () => {
    const answer = { class: 7, probabilities: [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.9, 0.02, 0.01] };
    const excelOver = (state: FakeWorkbookState) => fakeExcelRun(() => state) as unknown as ExcelRun;
    const probabilitiesIn = (state: FakeWorkbookState) =>
      Array.from({ length: 10 }, (_, d) => sheetOf(state).cells[`${TRY_IT.probabilities.start.row + d},${TRY_IT.probabilities.start.col}`]?.input);

    it('sends the drawn grid once and writes the answer’s probabilities beside it', async () => {
      const state = await withTryIt();
      typeInGrid(state, 14, 14, 1);
      const ask = vi.fn(async (_grid: number[][]) => answer);
      expect(await predictDrawnDigit(excelOver(state), ask)).toEqual(answer);
      expect(ask).toHaveBeenCalledTimes(1);
      const sent = ask.mock.calls[0]?.[0] as number[][];
      expect(sent.flat().filter((v) => v !== 0)).toEqual([1]);
      expect(sent[14]?.[14]).toBe(1);
      expect(probabilitiesIn(state)).toEqual(answer.probabilities);
    });

    it('sends nothing and writes nothing for a grid with text', async () => {
      const state = await withTryIt();
      typeInGrid(state, 0, 1, 'x');
      const ask = vi.fn(async (_grid: number[][]) => answer);
      await expect(predictDrawnDigit(excelOver(state), ask)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(new RegExp(`^Cell B${G.row + 1} on the Try it sheet is "x"`)) });
      expect(ask).not.toHaveBeenCalled();
      expect(probabilitiesIn(state)).toEqual(new Array(10).fill(undefined));
    });
  });
});
