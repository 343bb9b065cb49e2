import { describe, expect, it } from 'vitest';
import {
  designerColumn,
  designerGeometry,
  designerPlan,
  DESIGNER_SHEET,
  getModel,
  GradSheetError,
  type DesignerColumnKey,
  type ModelSpec,
} from '@gradsheet/shared';
import { emptyWorkbook, FakeRequestContext, newRecording, type FakeWorkbookState } from '../../test/fake-excel/index.js';
import { applyWorkbookPlan } from './plan-writer.js';
import { readDesignSheet } from './read-design.js';

const SEED = getModel('seed-11154');

/** A workbook holding the designer sheet of `start`, written by the pane's own writer. */
async function designed(start?: ModelSpec): Promise<FakeWorkbookState> {
  const state = emptyWorkbook();
  await applyWorkbookPlan(new FakeRequestContext(state) as unknown as Excel.RequestContext, designerPlan(start));
  return state;
}

/** Types into the cell of `key` in layer row `index` (from 0), as a learner would: the cell's value, nothing else. */
function type(state: FakeWorkbookState, layers: number, index: number, key: DesignerColumnKey, value: string | number | boolean | undefined): void {
  const sheet = state.sheets.find((s) => s.name === DESIGNER_SHEET);
  const key2 = `${designerGeometry(layers).firstLayerRow + index},${designerColumn(key)}`;
  const cell = (sheet!.cells[key2] ??= {});
  if (value === undefined) delete cell.input;
  else cell.input = value;
}

/** Reads the design as the pane does, and what that asked of Excel. */
async function read(state: FakeWorkbookState): Promise<{ spec?: ModelSpec; error?: GradSheetError; syncs: number; calls: string[] }> {
  const recording = newRecording();
  const context = new FakeRequestContext(state, recording);
  const calls = () => recording.batches.flatMap((b) => b.calls);
  try {
    const spec = await readDesignSheet(context as unknown as Excel.RequestContext);
    return { spec, syncs: recording.syncs, calls: calls() };
  } catch (error) {
    if (!(error instanceof GradSheetError)) throw error;
    return { error, syncs: recording.syncs, calls: calls() };
  }
}

/** Excel's row number of layer row `index`. */
const excelRow = (layers: number, index: number) => designerGeometry(layers).firstLayerRow + index + 1;

describe('readDesignSheet', () => {
  it('reads back the design it wrote, in one sync and without writing anything', async () => {
    const state = await designed(SEED);
    const before = JSON.stringify(state);
    const { spec, syncs, calls } = await read(state);
    expect(spec?.layers).toEqual(SEED.layers);
    expect(syncs).toBe(1);
    expect(calls.filter((c) => !/^(Worksheets\.getItem|Worksheet\.getUsedRangeOrNullObject) /.test(c))).toEqual([]);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('reads the rows a learner changed: filters, a kernel, a type, a layer added in a blank row', async () => {
    const n = SEED.layers.length;
    const state = await designed(SEED);
    type(state, n, 3, 'filters', 6);
    type(state, n, 0, 'kernel', 3);
    type(state, n, 7, 'type', 'Dropout');
    type(state, n, 7, 'rate', 0.05);
    // A ReLU typed below the Linear layer, with a stray kernel the type does not use.
    type(state, n, n + 1, 'type', 'ReLU');
    type(state, n, n + 1, 'kernel', 5);
    const { spec } = await read(state);
    const layers = [...SEED.layers, { type: 'relu' }];
    layers[3] = { type: 'conv2d', filters: 6, kernel: 3 };
    layers[0] = { type: 'conv2d', filters: 4, kernel: 3 };
    layers[7] = { type: 'dropout', rate: 0.05 };
    expect(spec?.layers).toEqual(layers);
  });

  it('reads the input cells, never the formulas’ results', async () => {
    const n = SEED.layers.length;
    const state = await designed(SEED);
    for (let i = 0; i < designerGeometry(n).layerRows; i++) {
      for (const key of ['outC', 'outH', 'outW', 'params', 'rf', 'check', 'code'] as const) type(state, n, i, key, 'stale');
    }
    expect((await read(state)).spec?.layers).toEqual(SEED.layers);
  });

  it('names every bad row as Excel numbers it, one sentence each', async () => {
    const n = SEED.layers.length;
    const state = await designed(SEED);
    type(state, n, 0, 'kernel', undefined);
    type(state, n, 7, 'rate', 1.5);
    type(state, n, 9, 'type', 'Conv3d');
    const { error } = await read(state);
    expect(error?.code).toBe('INVALID_MODEL');
    const problems = error?.details?.problems as string[];
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(new RegExp(`^Row ${excelRow(n, 0)} \\(Conv2d\\): kernel must be a whole number`));
    expect(problems[1]).toMatch(new RegExp(`^Row ${excelRow(n, 7)} \\(Dropout\\): rate must be a number from 0 up to`));
    expect(problems[2]).toMatch(new RegExp(`^Row ${excelRow(n, 9)}: unknown type "Conv3d"`));
  });

  it('names the row of a kernel larger than its input', async () => {
    const n = SEED.layers.length;
    const state = await designed(SEED);
    // The fifth conv sees a 7×7 map.
    type(state, n, 15, 'kernel', 9);
    const { error } = await read(state);
    expect(error?.code).toBe('INVALID_MODEL');
    expect(error?.details?.problems).toEqual([expect.stringMatching(new RegExp(`^Row ${excelRow(n, 15)} \\(Conv2d\\): .*kernel 9`))]);
  });

  it('names rows as Excel does when the sheet’s first rows are empty', async () => {
    const n = SEED.layers.length;
    const state = await designed(SEED);
    const sheet = state.sheets.find((s) => s.name === DESIGNER_SHEET)!;
    // The title rows cleared: the used range starts lower, the row numbers stay Excel's.
    for (const key of Object.keys(sheet.cells)) if (Number(key.split(',')[0]) < designerGeometry(n).headerRow) delete sheet.cells[key];
    type(state, n, 2, 'type', 'Conv9d');
    expect((await read(state)).error?.details?.problems).toEqual([expect.stringMatching(new RegExp(`^Row ${excelRow(n, 2)}: unknown type`))]);
  });

  it('says so when the workbook has no Model sheet, or the sheet holds no design', async () => {
    const none = await read(emptyWorkbook());
    expect(none.error?.code).toBe('INVALID_MODEL');
    expect(none.error?.message).toMatch(/no sheet named “Model”: press Design a model/);
    const blank = await read(await designed());
    expect(blank.error?.details?.problems).toEqual(['The design has no layers: choose a Type in at least one row']);
    const empty = await read(emptyWorkbook(['Sheet1', DESIGNER_SHEET]));
    expect(empty.error?.message).toMatch(/^No designer table/);
  });
});
