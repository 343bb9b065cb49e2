/**
 * The writer against the ways real Excel may differ from what the writer once assumed:
 * an Excel that takes values only as 2-D arrays, one whose calculation is manual, and
 * charts that get the series Excel infers from their source range.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS, TRY_IT, buildBackpropWorkbookPlan, tryItPlan, validatePlan, type RangeRef, type WorkbookPlan } from '@gradsheet/shared';
import { emptyWorkbook, fakeOffice, FakeRequestContext, inferSeries, newRecording, type FakeArea, type FakeExcelOptions, type FakeWorkbookState } from '../../test/fake-excel/index.js';
import { calculationNote, MANUAL_CALCULATION_NOTE } from './calculation.js';
import { forgetFillMode, rememberedFillMode } from './fill-mode.js';
import { applyWorkbookPlan, type ApplyPlanOptions } from './plan-writer.js';

const plan = (steps: number) => buildBackpropWorkbookPlan({ ...DEFAULT_BACKPROP_WORKBOOK_OPTIONS, steps });

/** Builds `workbook` in a fake Excel with `fake`'s options; `Office.context.requirements` answers for the same Excel. */
async function build(workbook: WorkbookPlan, fake: FakeExcelOptions = {}, options: ApplyPlanOptions = {}, state: FakeWorkbookState = emptyWorkbook()) {
  vi.stubGlobal('Office', fakeOffice(fake.excelApi));
  const recording = newRecording();
  const context = new FakeRequestContext(state, recording, fake);
  const result = await applyWorkbookPlan(context as unknown as Excel.RequestContext, workbook, options);
  return { state, recording, result, calls: recording.batches.flatMap((b) => b.calls) };
}

const areaOf = (ref: RangeRef): FakeArea => ({ sheet: ref.sheet, row: ref.start.row, col: ref.start.col, rows: ref.end.row - ref.start.row + 1, cols: ref.end.col - ref.start.col + 1 });

/** Every filled cell holds its column's R1C1 formula, and nothing is below a fill. */
function expectFilled(state: FakeWorkbookState, workbook: WorkbookPlan): void {
  for (const sheetPlan of workbook.sheets) {
    const cells = state.sheets.find((s) => s.name === sheetPlan.name)?.cells ?? {};
    for (const fill of sheetPlan.fills ?? []) {
      const column = Array.from({ length: fill.results.length + 1 }, (_, r) => cells[`${fill.origin.row + r},${fill.origin.col}`]?.formulaR1C1);
      expect(column).toEqual([...fill.results.map(() => `=${fill.formulaR1C1}`), undefined]);
    }
  }
}

beforeEach(() => forgetFillMode());
afterEach(() => vi.unstubAllGlobals());

describe('one formula for a whole column', () => {
  it('asks Excel once per session whether one value fills a range: where it does, each column is one call', async () => {
    const workbook = plan(300);
    const first = await build(workbook);
    expect(first.result.fillMode).toBe('one-value');
    expect(rememberedFillMode()).toBe('one-value');
    expectFilled(first.state, workbook);
    // The question: one formula written to the first fill's top two cells, then read back.
    const fills = workbook.sheets.reduce((n, s) => n + (s.fills?.length ?? 0), 0);
    expect(first.calls.filter((c) => c.startsWith('Range.formulasR1C1')).length).toBe(fills + 1);
    expect(first.recording.syncs).toBe(5);
    // The second build of the session does not ask again.
    const second = await build(workbook);
    expect(second.recording.syncs).toBe(3);
    expect(second.calls.filter((c) => c.startsWith('Range.formulasR1C1')).length).toBe(fills);
  });

  it('in an Excel that takes only arrays, fills from the top cell with copyFrom (ExcelApi 1.9): the same workbook', async () => {
    const workbook = plan(300);
    const lenient = await build(workbook);
    forgetFillMode();
    const strict = await build(workbook, { strict: true, excelApi: '1.9' });
    expect(strict.result.fillMode).toBe('copy-down');
    expect(strict.calls.some((c) => c.startsWith('Range.copyFrom'))).toBe(true);
    expectFilled(strict.state, workbook);
    expect(strict.state).toEqual(lenient.state);
  });

  it('in an Excel that takes only arrays and has no copyFrom (before ExcelApi 1.9), writes 2-D arrays cut to the request budget', async () => {
    const workbook = plan(2_000);
    const lenient = await build(workbook);
    forgetFillMode();
    const budget = 40_000;
    const strict = await build(workbook, { strict: true, excelApi: '1.8' }, { maxRequestBytes: budget });
    expect(strict.result.fillMode).toBe('arrays');
    expect(strict.calls.some((c) => c.startsWith('Range.copyFrom'))).toBe(false);
    expectFilled(strict.state, workbook);
    expect(strict.state).toEqual(lenient.state);
    expect(Math.max(...strict.result.requestBytes)).toBeLessThanOrEqual(budget);
    // The fake's own measure of each request stays near the writer's budget.
    expect(Math.max(...strict.recording.batches.map((b) => b.bytes))).toBeLessThan(budget * 1.1);
  });

  it('passes on a refusal for the learner typing in a cell instead of taking it for an answer', async () => {
    const state = { ...emptyWorkbook(), cellEditing: true };
    await expect(build(plan(20), { strict: true }, {}, state)).rejects.toMatchObject({ code: 'InvalidOperationInCellEditMode' });
    expect(rememberedFillMode()).toBeUndefined();
  });
});

describe('manual calculation', () => {
  it('recalculates once, last, when Excel calculates by hand, and says so', async () => {
    const state: FakeWorkbookState = { ...emptyWorkbook(), calculationMode: 'Manual' };
    const { result, recording } = await build(plan(50), {}, {}, state);
    expect(result.calculation).toBe('recalculated');
    expect(state.calculations).toEqual(['Full']);
    // After every write and the protection, in the last request.
    expect(recording.batches[recording.syncs - 1]?.calls.at(-1)).toBe('Application.calculate Full');
    expect(calculationNote(result.calculation)).toBe(MANUAL_CALCULATION_NOTE);
    expect(MANUAL_CALCULATION_NOTE).toMatch(/press F9/);
  });

  it('leaves an Excel that calculates by itself alone', async () => {
    const { result, state } = await build(plan(50));
    expect(result.calculation).toBe('automatic');
    expect(state.calculations).toBeUndefined();
    expect(calculationNote(result.calculation)).toBe('');
  });
});

describe('charts get exactly the planned series', () => {
  const sheet = 'Curve';
  const ref = (col: number, top: number, bottom: number): RangeRef => ({ sheet, start: { row: top, col }, end: { row: bottom, col } });
  /** A chart over a column whose first cell is `firstValue` (blank or text), as a learner might leave it. */
  const curvePlan = (firstValue: string | null): WorkbookPlan =>
    validatePlan({
      title: 'Curve',
      styles: {},
      names: [],
      sheets: [
        {
          name: sheet,
          blocks: [{ origin: { row: 0, col: 0 }, rows: [1, 2, 3, 4].map((step, r) => [{ value: step }, r === 0 ? (firstValue === null ? null : { value: firstValue }) : { value: 1 / step }, { value: 2 / step }]) }],
          charts: [
            {
              kind: 'line',
              title: 'Loss',
              xAxisTitle: 'Step',
              yAxisTitle: 'Loss',
              anchor: { from: { row: 0, col: 4 }, to: { row: 15, col: 10 } },
              categories: ref(0, 0, 3),
              series: [
                { name: 'Train', values: ref(1, 0, 3) },
                { name: 'Test', values: ref(2, 0, 3) },
              ],
            },
          ],
        },
      ],
    });

  for (const [what, firstValue] of [
    ['a blank first cell', null],
    ['text in the first cell', 'n/a'],
  ] as const) {
    it(`where Excel would take ${what} for the series' name`, async () => {
      const workbook = curvePlan(firstValue);
      const { state } = await build(workbook);
      const chart = state.sheets.find((s) => s.name === sheet)?.charts[0];
      const planned = workbook.sheets[0]?.charts[0];
      expect(chart?.series).toEqual(planned?.series.map((s) => ({ name: s.name, values: areaOf(s.values), xValues: areaOf(planned.categories) })));
    });
  }

  it('where the source is still empty (the Try it sheet waits for Predict): Excel makes no series of its own', async () => {
    const workbook = tryItPlan();
    const { state } = await build(workbook);
    const chart = state.sheets.find((s) => s.name === TRY_IT.sheet)?.charts[0];
    expect(chart?.series.map((s) => s.values)).toEqual([areaOf(TRY_IT.probabilities)]);
  });
});

describe('the series Excel infers from a source range, in the fake', () => {
  const area = (rows: number, cols: number): FakeArea => ({ sheet: 'S', row: 0, col: 0, rows, cols });
  const cells = (grid: (string | number | null)[][]) =>
    Object.fromEntries(grid.flatMap((row, r) => row.flatMap((input, c) => (input === null ? [] : [[`${r},${c}`, { input }]]))));

  it('one numeric column is one series; a text first row names the series; a text first column holds the categories', () => {
    expect(inferSeries(cells([[1], [2], [3]]), area(3, 1), 'Columns')).toEqual([{ name: 'Series1', values: area(3, 1) }]);
    expect(inferSeries(cells([['Loss'], [2], [3]]), area(3, 1), 'Columns')).toEqual([{ name: 'Loss', values: { ...area(2, 1), row: 1 } }]);
    const table = cells([
      [null, 'Train', 'Test'],
      ['a', 1, 2],
      ['b', 3, 4],
    ]);
    const series = inferSeries(table, area(3, 3), 'Columns');
    expect(series.map((s) => [s.name, s.values.col, s.values.row, s.values.rows, s.xValues?.col])).toEqual([
      ['Train', 1, 1, 2, 0],
      ['Test', 2, 1, 2, 0],
    ]);
  });

  it('a blank range gives no series; "Auto" puts series in rows when the range is wider than tall', () => {
    expect(inferSeries({}, area(4, 1), 'Columns')).toEqual([]);
    expect(inferSeries(cells([[1, 2, 3]]), area(1, 3), 'Auto')).toEqual([{ name: 'Series1', values: area(1, 3) }]);
    expect(inferSeries(cells([[1, 2, 3]]), area(1, 3), 'Columns')).toHaveLength(3);
  });
});
