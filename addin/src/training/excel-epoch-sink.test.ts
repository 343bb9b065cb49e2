import { afterEach, describe, expect, it, vi } from 'vitest';
import { EPOCH_COLUMNS, MODEL_SPEC_LABEL, parseModelSpec, resolveTrainConfig, getModel, type EpochMetrics, type RunView } from '@gradsheet/shared';
import { emptyWorkbook, fakeExcelRun, FakeRequestContext, newRecording, type FakeRunRecord, type FakeWorkbookState } from '../../test/fake-excel/index.js';
import { runInExcel } from '../excel/excel-run.js';
import { EpochBuffer } from './epoch-buffer.js';
import { ExcelEpochSink, modelSheetName, runSheetName, type ExcelRun } from './excel-epoch-sink.js';
import { WRITE_RETRY } from './run-follower.js';

const RUN_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const view: RunView = {
  id: RUN_ID,
  config: resolveTrainConfig({ model: 'gradsheet-7774', epochs: 6 }, getModel('gradsheet-7774')),
  state: 'running',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  metrics: [],
};

const epoch = (n: number): EpochMetrics => ({
  epoch: n,
  trainLoss: 1 / n,
  trainAcc: 1 - 0.5 / n,
  testLoss: 0.8 / n,
  testAcc: 1 - 0.4 / n,
  testCorrect: 100 - Math.round(40 / n),
  testCount: 100,
  lr: 0.05 / n,
  seconds: 10 + n,
  imagesPerSecond: 300 + n,
});

/** Excel.run over one fake workbook, keeping the syncs of each run. */
function excel(state: FakeWorkbookState): { run: ExcelRun; syncs: number[] } {
  const syncs: number[] = [];
  const run: ExcelRun = async (batch) => {
    const recording = newRecording();
    const context = new FakeRequestContext(state, recording);
    try {
      return await batch(context as unknown as Excel.RequestContext);
    } finally {
      expect(context.pendingCalls).toBe(0);
      syncs.push(recording.syncs);
    }
  };
  return { run, syncs };
}

function epochColumn(state: FakeWorkbookState): unknown[] {
  const sheet = state.sheets.find((s) => s.name === runSheetName(RUN_ID));
  return Array.from({ length: 8 }, (_, i) => sheet?.cells[`${i + 1},0`]?.input);
}

describe('ExcelEpochSink', () => {
  it('writes epochs at their own rows, one sync per write, with charts made once and grown', async () => {
    const state = emptyWorkbook();
    const { run, syncs } = excel(state);
    const sink = new ExcelEpochSink(run);
    expect(await sink.prepare(view, false)).toEqual([]);
    const sheet = () => state.sheets.find((s) => s.name === runSheetName(RUN_ID));
    expect(EPOCH_COLUMNS.map((_, col) => sheet()?.cells[`0,${col}`]?.input)).toEqual([...EPOCH_COLUMNS]);
    expect(sheet()?.frozen).toEqual({ rows: 1, columns: 0 });
    const model = state.sheets.find((s) => s.name === modelSheetName(RUN_ID));
    expect(Object.values(model?.cells ?? {}).some((c) => c.input === 'Total params')).toBe(true);
    expect(sheet()?.charts).toEqual([]);

    await sink.write([epoch(1), epoch(2)]);
    expect(epochColumn(state)).toEqual([1, 2, undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(sheet()?.cells['2,2']).toMatchObject({ input: epoch(2).trainAcc, numberFormat: '0.00%' });
    expect(sheet()?.charts.map((c) => c.series.map((s) => [s.name, s.values.rows, s.xValues?.rows]))).toEqual([
      [['Train loss', 2, 2], ['Test loss', 2, 2]],
      [['Train acc', 2, 2], ['Test acc', 2, 2]],
    ]);

    // A replayed epoch lands on its own row again.
    await sink.write([epoch(2), epoch(3)]);
    expect(epochColumn(state)).toEqual([1, 2, 3, undefined, undefined, undefined, undefined, undefined]);
    expect(sheet()?.charts).toHaveLength(2);
    expect(sheet()?.charts.every((c) => c.series.every((s) => s.values.rows === 3 && s.xValues?.rows === 3))).toBe(true);
    // prepare: one check, one write; the write that makes the charts: one more to delete the series Excel made by itself; each later write: one sync.
    expect(syncs).toEqual([2, 2, 1]);
  });

  it('after a reload, reads back the epochs the sheet holds and carries on without new charts', async () => {
    const state = emptyWorkbook();
    const first = new ExcelEpochSink(excel(state).run);
    await first.prepare(view, false);
    await first.write([epoch(1), epoch(2), epoch(4)]);

    const again = excel(state);
    const reloaded = new ExcelEpochSink(again.run);
    expect(await reloaded.prepare(view, true)).toEqual([1, 2, 4]);
    await reloaded.write([epoch(3), epoch(4), epoch(5)]);
    expect(epochColumn(state)).toEqual([1, 2, 3, 4, 5, undefined, undefined, undefined]);
    const sheet = state.sheets.find((s) => s.name === runSheetName(RUN_ID));
    expect(sheet?.charts).toHaveLength(2);
    expect(sheet?.charts.every((c) => c.series.every((s) => s.values.rows === 5))).toBe(true);
    expect(again.syncs).toEqual([2, 1]);
  });

  it('says what happened when the learner deletes the run sheet mid-run', async () => {
    const state = emptyWorkbook();
    const sink = new ExcelEpochSink(excel(state).run);
    await sink.prepare(view, false);
    await sink.write([epoch(1)]);
    state.sheets = state.sheets.filter((s) => s.name !== runSheetName(RUN_ID));
    await expect(sink.write([epoch(2)])).rejects.toThrow(/The sheet “Run 0f8fad5b” or one of its charts was deleted or renamed\. Reload the pane/);
  });

  it('refuses to start a new run on a sheet that is already there', async () => {
    const state = emptyWorkbook();
    await new ExcelEpochSink(excel(state).run).prepare(view, false);
    await expect(new ExcelEpochSink(excel(state).run).prepare(view, false)).rejects.toMatchObject({ code: 'NAMES_TAKEN' });
  });

  it('says so when the workbook structure is protected', async () => {
    const state = { ...emptyWorkbook(), structureLocked: true };
    await expect(new ExcelEpochSink(excel(state).run).prepare(view, false)).rejects.toMatchObject({ code: 'WORKBOOK_PROTECTED' });
    expect(state.sheets.map((s) => s.name)).toEqual(['Sheet1']);
  });

  it('writes a design run’s layers and its spec as JSON beside the run’s sheet', async () => {
    const design = parseModelSpec({ layers: [{ type: 'Conv2d', filters: 6, kernel: 3 }, { type: 'ReLU' }, { type: 'GAP' }, { type: 'Linear', units: 10 }] });
    const designView: RunView = { ...view, config: resolveTrainConfig({ epochs: 2 }, design) };
    const state = emptyWorkbook();
    await new ExcelEpochSink(excel(state).run, async (run) => (run.id === RUN_ID ? design : undefined)).prepare(designView, false);
    const inputs = Object.values(state.sheets.find((s) => s.name === modelSheetName(RUN_ID))?.cells ?? {}).map((c) => c.input);
    expect(inputs).toEqual(expect.arrayContaining(['Model design', 'Conv2d-1', 'Linear-4', MODEL_SPEC_LABEL]));
    const json = inputs.find((value): value is string => typeof value === 'string' && value.startsWith('{'));
    expect(parseModelSpec(JSON.parse(json ?? 'null'))).toEqual(design);
    // Without its design, a run of a model no id names cannot be summarised.
    await expect(new ExcelEpochSink(excel(emptyWorkbook()).run).prepare(designView, false)).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
  });

  it('after a reload, writes a design run’s deleted Model sheet again from the design the service keeps, and resumes into its sheet when the service cannot say', async () => {
    const design = parseModelSpec({ layers: [{ type: 'Conv2d', filters: 6, kernel: 3 }, { type: 'ReLU' }, { type: 'GAP' }, { type: 'Linear', units: 10 }] });
    const designView: RunView = { ...view, config: resolveTrainConfig({ epochs: 2 }, design) };
    const state = emptyWorkbook();
    const asked: string[] = [];
    // The pane's memory is empty after a reload; the service answers GET /api/runs/:id/model.
    const fromService = async (run: RunView) => (asked.push(run.id), design);
    await new ExcelEpochSink(excel(state).run, fromService).prepare(designView, false);
    state.sheets = state.sheets.filter((s) => s.name !== modelSheetName(RUN_ID));
    await new ExcelEpochSink(excel(state).run, fromService).prepare(designView, true);
    expect(asked).toEqual([RUN_ID, RUN_ID]);
    expect(state.sheets.map((s) => s.name)).toEqual(expect.arrayContaining([runSheetName(RUN_ID), modelSheetName(RUN_ID)]));
    // The service unreachable: the run still resumes into the sheet it has.
    const unreachable = async () => Promise.reject(new Error('offline'));
    await expect(new ExcelEpochSink(excel(state).run, unreachable).prepare(designView, true)).resolves.toEqual([]);
  });
});

describe('ExcelEpochSink while the learner types in a cell', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('loses no epoch: each refused write, the last one included, is tried again until Excel takes it', async () => {
    const state = emptyWorkbook();
    const sink = new ExcelEpochSink(excel(state).run);
    await sink.prepare(view, false);
    await sink.write([epoch(1)]);

    // An Excel that ignores delayForCellEdit: every batch fails while a cell is being edited.
    state.cellEditing = true;
    const refused: string[] = [];
    const buffer = new EpochBuffer(
      (rows) => sink.write(rows),
      (error) => {
        throw error;
      },
      1_000_000,
      {
        ...WRITE_RETRY,
        firstDelayMs: 1,
        onRetry: (error, attempt) => {
          refused.push((error as { code: string }).code);
          if (attempt === 3) state.cellEditing = false; // the learner presses Enter
        },
      },
    );
    for (const n of [2, 3, 4, 5, 6]) buffer.push(epoch(n));
    // The run's last flush: it resolves once every epoch is on the sheet.
    await buffer.flush();
    expect(refused).toEqual(['InvalidOperationInCellEditMode', 'InvalidOperationInCellEditMode', 'InvalidOperationInCellEditMode']);
    expect(epochColumn(state)).toEqual([1, 2, 3, 4, 5, 6, undefined, undefined]);
    const sheet = state.sheets.find((s) => s.name === runSheetName(RUN_ID));
    expect(sheet?.charts.every((c) => c.series.length === 2 && c.series.every((s) => s.values.rows === 6))).toBe(true);
    buffer.dispose();
  });

  it('asks Excel to hold each batch until the learner leaves the cell (delayForCellEdit)', async () => {
    const state: FakeWorkbookState = { ...emptyWorkbook(), cellEditing: true };
    const records: FakeRunRecord[] = [];
    vi.stubGlobal('Excel', { run: fakeExcelRun(() => state, {}, (_state, record) => records.push(record)) });
    const prepared = new ExcelEpochSink(runInExcel).prepare(view, false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(state.sheets.map((s) => s.name)).toEqual(['Sheet1']);
    state.cellEditing = false;
    expect(await prepared).toEqual([]);
    expect(state.sheets.map((s) => s.name)).toEqual(['Sheet1', runSheetName(RUN_ID), modelSheetName(RUN_ID)]);
    expect(records.map((r) => r.options)).toEqual([{ delayForCellEdit: true }]);
  });
});

describe('ExcelEpochSink in an Excel whose calculation is manual', () => {
  it('recalculates once after making the sheets, so the Model sheet shows its numbers', async () => {
    const state: FakeWorkbookState = { ...emptyWorkbook(), calculationMode: 'Manual' };
    const { run, syncs } = excel(state);
    await new ExcelEpochSink(run).prepare(view, false);
    expect(state.calculations).toEqual(['Full']);
    expect(syncs).toEqual([3]);
    const automatic = emptyWorkbook();
    await new ExcelEpochSink(excel(automatic).run).prepare(view, false);
    expect(automatic.calculations).toBeUndefined();
  });
});

