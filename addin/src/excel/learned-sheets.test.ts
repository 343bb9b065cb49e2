import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONFUSION_LAYOUT,
  CONFUSION_SHEET,
  kernelsLayout,
  MISTAKES_SHEET,
  mistakePanel,
  type EpochMetrics,
  type FirstLayerKernels,
  type RunAnalysis,
} from '@gradsheet/shared';
import { emptyWorkbook, fakeOffice, FakeRequestContext, type FakeSheet, type FakeWorkbookState } from '../../test/fake-excel/index.js';
import { learnedPlan, learnedSheetNames, writeLearnedSheets } from './learned-sheets.js';

/** What a finished run learned, written into the fake of Excel as the pane writes it. */

const RUN_ID = '1a2b3c4d-0000-4000-8000-00000000abcd';
const OTHER_ID = '9f8e7d6c-0000-4000-8000-00000000abcd';

/** 100 test images, 10 per digit; digit k is taken for k+1 once for odd k. */
const counts = Array.from({ length: 10 }, (_, k) => Array.from({ length: 10 }, (_, j) => (j === k ? (k % 2 === 1 ? 9 : 10) : k % 2 === 1 && j === (k + 1) % 10 ? 1 : 0)));
const pixels = (seed: number) => Array.from({ length: 784 }, (_, i) => ((i * 7 + seed) % 11 === 0 ? 1 : (i + seed) % 13 === 0 ? 0.5 : 0));
const kernels: FirstLayerKernels = {
  layerIndex: 0,
  kernelSize: 3,
  weights: [
    [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9],
    [1, 0, -1, 1, 0, -1, 1, 0, -1],
  ],
  digits: [{ index: 7, actual: 9, pixels: pixels(3), maps: [0, 1].map((f) => ({ height: 26, width: 26, values: Array.from({ length: 676 }, (_, i) => Math.sin(i + f)) })) }],
};
const analysis: RunAnalysis = {
  confusion: { counts, total: 100 },
  mistakes: [1, 3, 5, 7, 9].map((k, i) => ({ index: 40 + k, actual: k, predicted: (k + 1) % 10, probability: 0.9 - i / 10, pixels: pixels(k) })),
  kernels,
  seconds: 0.5,
};
const metrics: EpochMetrics[] = [1, 2].map((epoch) => ({ epoch, trainLoss: 1 / epoch, trainAcc: 0.8, testLoss: 0.5, testAcc: epoch === 2 ? 0.95 : 0.9, testCorrect: 95, testCount: 100, lr: 0.01, seconds: 2, imagesPerSecond: 128 }));

const sheetOf = (state: FakeWorkbookState, name: string): FakeSheet => {
  const sheet = state.sheets.find((s) => s.name === name);
  if (!sheet) throw new Error(`no sheet "${name}"; there are ${state.sheets.map((s) => s.name).join(', ')}`);
  return sheet;
};
const input = (sheet: FakeSheet, row: number, col: number) => sheet.cells[`${row},${col}`]?.input;

async function write(state: FakeWorkbookState, runId = RUN_ID, replaceExisting = false) {
  const context = new FakeRequestContext(state);
  return writeLearnedSheets(context as unknown as Excel.RequestContext, { id: runId, metrics }, analysis, { replaceExisting });
}

beforeEach(() => vi.stubGlobal('Office', fakeOffice('1.7')));
afterEach(() => vi.unstubAllGlobals());

describe('the sheets of what a run learned, in Excel', () => {
  it('are named after the run, within Excel’s 31 characters', () => {
    expect(learnedSheetNames(RUN_ID)).toEqual({ confusion: 'Confusion 1a2b3c4d', mistakes: 'Mistakes 1a2b3c4d', kernels: 'Kernels 1a2b3c4d' });
    for (const name of Object.values(learnedSheetNames(RUN_ID))) expect(name.length).toBeLessThanOrEqual(31);
    // Every range of the plan is on a sheet of the plan: none is left on the report's own names.
    const plan = learnedPlan({ id: RUN_ID, metrics }, analysis);
    const names = new Set(plan.sheets.map((s) => s.name));
    const ranges = plan.sheets.flatMap((s) => [...(s.merges ?? []), ...(s.conditionalFormats ?? []).map((f) => f.range), ...s.charts.flatMap((c) => [c.categories, ...c.series.map((x) => x.values)])]);
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.filter((r) => !names.has(r.sheet))).toEqual([]);
    const formulas = plan.sheets.flatMap((s) => s.blocks.flatMap((b) => b.rows.flatMap((row) => row.flatMap((cell) => (cell && 'formula' in cell ? [cell.formula] : [])))));
    expect(formulas.filter((f) => /Confusion|Mistakes|Kernels|Epochs/.test(f))).toEqual([]);
  });

  it('writes the Confusion sheet’s counts, live accuracies under a colour scale, the Mistakes pixels and the Kernels weights', async () => {
    const state = emptyWorkbook();
    await write(state);
    const names = learnedSheetNames(RUN_ID);
    expect(state.sheets.map((s) => s.name)).toEqual(['Sheet1', names.confusion, names.mistakes, names.kernels]);
    expect(state.activeSheet).toBe(names.confusion);

    const confusion = sheetOf(state, names.confusion);
    const L = CONFUSION_LAYOUT;
    const written = counts.map((row, k) => row.map((_, j) => input(confusion, L.firstRow + k, L.countsCol + j)));
    expect(written).toEqual(counts);
    expect(written.flat().reduce<number>((a, b) => a + Number(b), 0)).toBe(100);
    // Accuracies are formulas over the counts on this sheet, the recorded accuracy the last epoch's.
    expect(input(confusion, L.firstRow, L.accuracyCol)).toMatch(/^=IF\(/);
    expect(input(confusion, L.totalsRow, L.accuracyCol)).toBe(`=M${L.totalsRow + 1}/L${L.totalsRow + 1}`);
    expect(input(confusion, L.recordedRow, 1)).toBe(0.95);
    expect(confusion.conditionalFormats.filter((f) => f.type === 'ColorScale').map((f) => f.area.sheet)).toEqual([names.confusion, names.confusion, names.confusion]);

    const mistakes = sheetOf(state, names.mistakes);
    analysis.mistakes.forEach((m, i) => {
      const panel = mistakePanel(i);
      const drawn = Array.from({ length: 784 }, (_, p) => input(mistakes, panel.pixels.row + Math.floor(p / 28), panel.pixels.col + (p % 28)) ?? 0);
      expect(drawn, `mistake ${i}`).toEqual(m.pixels);
      expect(input(mistakes, panel.trueClass.row, panel.trueClass.col)).toBe(m.actual);
      expect(input(mistakes, panel.predictedClass.row, panel.predictedClass.col)).toBe(m.predicted);
    });
    expect(mistakes.conditionalFormats.length).toBeGreaterThan(0);

    const kernelSheet = sheetOf(state, names.kernels);
    const layout = kernelsLayout(kernels);
    expect(kernelSheet.conditionalFormats.every((f) => f.area.sheet === names.kernels)).toBe(true);
    // Panel 0 is the digit, panel f + 1 filter f: its feature map under its kernel.
    kernels.digits[0]?.maps.forEach((map, f) => {
      const at = layout.panel(f + 1).map;
      const drawn = map.values.map((_, i) => input(kernelSheet, at.row + Math.floor(i / map.width), at.col + (i % map.width)));
      expect(drawn, `map ${f + 1}`).toEqual(map.values);
    });
    // The report's own sheet names are not used.
    expect(state.sheets.some((s) => [CONFUSION_SHEET, MISTAKES_SHEET, 'Kernels'].includes(s.name))).toBe(false);
  });

  it('lets the sheets of two runs sit side by side, and refuses to write over a run’s sheets unless asked', async () => {
    const state = emptyWorkbook();
    await write(state);
    await write(state, OTHER_ID);
    expect(state.sheets).toHaveLength(7);
    await expect(write(state)).rejects.toMatchObject({ code: 'NAMES_TAKEN', details: { sheets: Object.values(learnedSheetNames(RUN_ID)) } });
    expect(state.sheets).toHaveLength(7);
    await write(state, RUN_ID, true);
    expect(state.sheets.map((s) => s.name).sort()).toEqual(['Sheet1', ...Object.values(learnedSheetNames(RUN_ID)), ...Object.values(learnedSheetNames(OTHER_ID))].sort());
  });

  it('leaves out the Kernels sheet for a model without a convolution', () => {
    const { kernels: _, ...withoutKernels } = analysis;
    expect(learnedPlan({ id: RUN_ID, metrics: [] }, withoutKernels).sheets.map((s) => s.name)).toEqual(['Confusion 1a2b3c4d', 'Mistakes 1a2b3c4d']);
  });
});
