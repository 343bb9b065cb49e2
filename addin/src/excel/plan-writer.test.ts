import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_BACKPROP_WORKBOOK_OPTIONS,
  LARGE_PIXEL,
  SMALL_PIXEL,
  TRY_IT,
  buildBackpropWorkbookPlan,
  compareRunsPlan,
  tryItPlan,
  type CellStyle,
  type GradSheetError,
  type RangeRef,
  type WorkbookPlan,
} from '@gradsheet/shared';
import {
  emptyWorkbook,
  fakeOffice,
  FakeRequestContext,
  newRecording,
  FAKE_REQUEST_LIMIT,
  type FakeArea,
  type FakeCell,
  type FakeSheet,
  type FakeWorkbookState,
} from '../../test/fake-excel/index.js';
import { forgetFillMode } from './fill-mode.js';
import { applyWorkbookPlan, columnWidthPoints, type ApplyPlanOptions } from './plan-writer.js';

const plan = (steps: number) => buildBackpropWorkbookPlan({ ...DEFAULT_BACKPROP_WORKBOOK_OPTIONS, steps });

async function build(workbook: WorkbookPlan, state: FakeWorkbookState = emptyWorkbook(), options: ApplyPlanOptions = {}) {
  const recording = newRecording();
  const context = new FakeRequestContext(state, recording);
  const result = await applyWorkbookPlan(context as unknown as Excel.RequestContext, workbook, options);
  return { state, recording, result, pending: context.pendingCalls };
}

const areaOf = (ref: RangeRef): FakeArea => ({
  sheet: ref.sheet,
  row: ref.start.row,
  col: ref.start.col,
  rows: ref.end.row - ref.start.row + 1,
  cols: ref.end.col - ref.start.col + 1,
});

/** What Excel should hold for a style: the fake's cell fields, derived from the plan's style independently of the writer. */
function expectedFormat(style: CellStyle): Partial<FakeCell> {
  const expected: Partial<FakeCell> = {};
  if (style.bold !== undefined) expected.bold = style.bold;
  if (style.italic !== undefined) expected.italic = style.italic;
  if (style.fontSize !== undefined) expected.fontSize = style.fontSize;
  if (style.fontColor !== undefined) expected.fontColor = `#${style.fontColor}`;
  if (style.fill !== undefined) expected.fill = `#${style.fill}`;
  if (style.numberFormat !== undefined) expected.numberFormat = style.numberFormat;
  if (style.horizontal !== undefined) expected.horizontal = style.horizontal[0]?.toUpperCase() + style.horizontal.slice(1);
  if (style.locked !== undefined) expected.locked = style.locked;
  return expected;
}

/** Compares everything the fake recorded with the plan: cells, fills, styles, names, charts, protection, panes. */
function expectPlanApplied(state: FakeWorkbookState, workbook: WorkbookPlan): void {
  expect(state.sheets.map((s) => s.name)).toEqual(['Sheet1', ...workbook.sheets.map((s) => s.name)]);
  for (const sheetPlan of workbook.sheets) {
    const sheet = state.sheets.find((s) => s.name === sheetPlan.name);
    if (!sheet) throw new Error(`sheet ${sheetPlan.name} missing`);
    const cell = (row: number, col: number): FakeCell => sheet.cells[`${row},${col}`] ?? {};
    for (const block of sheetPlan.blocks) {
      block.rows.forEach((row, r) =>
        row.forEach((planCell, c) => {
          const at = cell(block.origin.row + r, block.origin.col + c);
          if (planCell === null) expect(at.input).toBeUndefined();
          else if ('formula' in planCell) expect(at.input).toBe(`=${planCell.formula}`);
          else if (typeof planCell.value === 'string' && /^[=+-]/.test(planCell.value)) expect(at.input).toBe(`'${planCell.value}`);
          else expect(at.input).toBe(planCell.value);
          const styleId = planCell?.style ?? block.columnStyles?.[c];
          if (styleId !== undefined) {
            const style = workbook.styles[styleId] as CellStyle;
            expect(at, `${sheetPlan.name} ${block.origin.row + r},${block.origin.col + c}`).toMatchObject(expectedFormat(style));
            if (style.border === 'thin') expect(at.borders?.join(' ')).toMatch(/EdgeTop:Continuous:Thin/);
          }
        }),
      );
    }
    for (const fill of sheetPlan.fills ?? []) {
      for (let r = 0; r < fill.results.length; r++) expect(cell(fill.origin.row + r, fill.origin.col).formulaR1C1).toBe(`=${fill.formulaR1C1}`);
      // Nothing below the fill.
      expect(cell(fill.origin.row + fill.results.length, fill.origin.col).formulaR1C1).toBeUndefined();
    }
    expect(sheet.protected).toBe(sheetPlan.protect === true);
    expect(sheet.protectionOptions).toEqual(sheetPlan.protect && sheetPlan.allowInsertingRowsAndColumns ? { allowInsertRows: true, allowInsertColumns: true } : undefined);
    expect(sheet.frozen).toEqual(sheetPlan.frozen && (sheetPlan.frozen.rows > 0 || sheetPlan.frozen.columns > 0) ? sheetPlan.frozen : undefined);
    expect(sheet.tabColor).toBe(sheetPlan.tabColor === undefined ? undefined : `#${sheetPlan.tabColor}`);
    expect(Object.keys(sheet.columnWidths).map(Number).sort((a, b) => a - b)).toEqual((sheetPlan.columnWidths ?? []).map((w) => w.col).sort((a, b) => a - b));
    expect(sheet.rowHeights).toEqual(Object.fromEntries((sheetPlan.rowHeights ?? []).map(({ row, height }) => [String(row), height])));
    expect(sheet.charts.length).toBe(sheetPlan.charts.length);
    sheetPlan.charts.forEach((chartPlan, index) => {
      const chart = sheet.charts[index];
      expect(chart).toMatchObject({ type: chartPlan.kind === 'bar' ? 'ColumnClustered' : 'Line', title: chartPlan.title, name: chartPlan.title, xAxisTitle: chartPlan.xAxisTitle, yAxisTitle: chartPlan.yAxisTitle });
      expect(chart?.series.map((s) => s.values)).toEqual(chartPlan.series.map((s) => areaOf(s.values)));
      expect(chart?.series.map((s) => s.xValues)).toEqual(chartPlan.series.map(() => areaOf(chartPlan.categories)));
      expect(chart?.series.every((s) => s.name.length > 0)).toBe(true);
    });
  }
  expect(state.names).toEqual(Object.fromEntries(workbook.names.map((n) => [n.name, areaOf(n.refersTo)])));
  expect(state.activeSheet).toBe(workbook.sheets[0]?.name);
  expect(state.structureLocked === true).toBe(workbook.lockStructure === true);
}

// Each test stands for a fresh session of the pane: its first build asks how Excel fills a column.
beforeEach(() => forgetFillMode());

describe('applyWorkbookPlan against the recording fake of Excel', () => {
  it('applies the backprop plan fully: every cell, fill, style, name, chart, protection and pane', async () => {
    const workbook = plan(100);
    const { state, recording, pending } = await build(workbook);
    expectPlanApplied(state, workbook);
    expect(pending).toBe(0);
    // The input cells are the only unlocked ones, and they are orange.
    const parameters = state.sheets.find((s) => s.name === 'Parameters');
    const unlocked = Object.values(parameters?.cells ?? {}).filter((c) => c.locked === false);
    expect(unlocked.length).toBe(13);
    expect(unlocked.every((c) => c.fill === '#FFCC99')).toBe(true);
    // The LR Comparison legend names each series by its η.
    const comparison = state.sheets.find((s) => s.name === 'LR Comparison')?.charts[0];
    expect(comparison?.series.map((s) => s.name)).toEqual(['η = 0.1', 'η = 0.2', 'η = 0.5', 'η = 0.8', 'η = 1', 'η = 2']);
    // Check, make the sheets, ask how Excel fills a column, write, then charts' series and protection.
    expect(recording.syncs).toBe(5);
    // Every defined name exists before the first formula that uses it is entered.
    const calls = recording.batches.flatMap((b) => b.calls);
    const firstFormula = calls.findIndex((c) => c.startsWith('Range.formulas'));
    const lastName = calls.map((c) => c.startsWith('Names.add')).lastIndexOf(true);
    expect(lastName).toBeGreaterThan(0);
    expect(lastName).toBeLessThan(firstFormula);
  });

  it('keeps the number of syncs constant as the step count grows from 10 to 10,000, every request under 5 MB', async () => {
    await build(plan(10)); // the session's first build, which asks how Excel fills
    const results = [];
    for (const steps of [10, 1_000, 10_000]) {
      const { recording, result, state } = await build(plan(steps));
      const batches = recording.batches.slice(0, recording.syncs);
      expect(batches.every((b) => b.bytes < FAKE_REQUEST_LIMIT)).toBe(true);
      // Calculation is suspended before the first write of each write request (the last one only protects and tidies charts).
      expect(batches.slice(1, -1).every((b) => b.calculationSuspended && b.writesBeforeSuspend === 0)).toBe(true);
      // The fill reaches the last step row.
      const backprop = state.sheets.find((s) => s.name === 'Backprop');
      expect(backprop?.cells[`${steps},19`]?.formulaR1C1).toMatch(/^=/);
      expect(backprop?.cells[`${steps + 1},19`]).toBeUndefined();
      results.push({ steps, syncs: recording.syncs, bytes: result.requestBytes.reduce((a, b) => a + b, 0) });
    }
    expect(results.map((r) => r.syncs)).toEqual([3, 3, 3]);
    // The payload grows only with the plain step columns (two numbers per step), not with the formulas.
    expect((results[2]?.bytes ?? 0) - (results[0]?.bytes ?? 0)).toBeLessThan(10_000 * 2 * 8);
  });

  it('splits into more requests only when the payload outgrows the budget, and writes the same workbook', async () => {
    const workbook = plan(2_000);
    const whole = await build(workbook);
    const budget = 12_000;
    const split = await build(workbook, emptyWorkbook(), { maxRequestBytes: budget });
    const batches = split.recording.batches.slice(0, split.recording.syncs);
    expect(split.recording.syncs).toBeGreaterThan(3);
    expect(Math.max(...split.result.requestBytes)).toBeLessThanOrEqual(budget);
    // The fake's own measure of each request agrees with the writer's budget (within the per-call estimate).
    expect(Math.max(...batches.map((b) => b.bytes))).toBeLessThan(budget * 1.1);
    // Requests are filled, not one per row: at most about twice the payload over the budget.
    const total = split.result.requestBytes.reduce((a, b) => a + b, 0);
    expect(split.recording.syncs - 2).toBeLessThanOrEqual(Math.ceil((2 * total) / budget) + 1);
    expect(split.state).toEqual(whole.state);
    expectPlanApplied(split.state, workbook);
  });

  it('refuses to overwrite sheets or names that exist, then replaces them when asked', async () => {
    const first = await build(plan(20));
    let refused: unknown;
    try {
      await build(plan(30), first.state);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'NAMES_TAKEN', details: { sheets: ['Parameters', 'Backprop', 'Derivation', 'LR Comparison', 'LR Runs'] } });
    expect((refused as GradSheetError).details?.definedNames).toContain('LearningRate');

    const replaced = await build(plan(30), first.state, { replaceExisting: true });
    expectPlanApplied(replaced.state, plan(30));
    expect(replaced.recording.syncs).toBe(3);
  });

  it('locks the workbook structure last and lets rows and columns be inserted where the plan says', async () => {
    const base = plan(30);
    const workbook: WorkbookPlan = {
      ...base,
      lockStructure: true,
      sheets: base.sheets.map((s) => (s.name === 'Backprop' ? { ...s, allowInsertingRowsAndColumns: true } : s)),
    };
    const { state, recording } = await build(workbook);
    expectPlanApplied(state, workbook);
    const calls = recording.batches.flatMap((b) => b.calls);
    expect(calls.at(-1)).toBe('Workbook.protection.protect');
    // A second build into that workbook is refused before anything is written.
    await expect(build(plan(30), state, { replaceExisting: true })).rejects.toMatchObject({ code: 'WORKBOOK_PROTECTED' });
  });

  it('reports progress from checking to done, with the question of how Excel fills on the first build only', async () => {
    const seen: string[] = [];
    await build(plan(10), emptyWorkbook(), { onProgress: (p) => seen.push(`${p.phase} ${p.done}/${p.total}`) });
    expect(seen).toEqual(['checking 0/3', 'writing 3/5', 'writing 4/5', 'done 5/5']);
    seen.length = 0;
    await build(plan(10), emptyWorkbook(), { onProgress: (p) => seen.push(`${p.phase} ${p.done}/${p.total}`) });
    expect(seen).toEqual(['checking 0/3', 'writing 1/3', 'writing 2/3', 'done 3/3']);
  });
});

describe('what a run learned, in Excel', () => {
  it('writes the Try it sheet: square open grid cells under a colour scale, and a column chart of the probabilities', async () => {
    const workbook = tryItPlan();
    const { state, recording } = await build(workbook);
    expectPlanApplied(state, workbook);
    const sheet = state.sheets.find((s) => s.name === TRY_IT.sheet)!;
    expect(sheet.charts[0]).toMatchObject({ type: 'ColumnClustered' });
    expect(sheet.conditionalFormats).toHaveLength(1);
    expect(sheet.cells[`${TRY_IT.grid.start.row},${TRY_IT.grid.start.col}`]).toMatchObject({ locked: false });
    const probability = sheet.cells[`${TRY_IT.probabilities.end.row},${TRY_IT.probabilities.end.col}`];
    expect(probability).toMatchObject({ locked: false });
    expect(probability?.input).toBeUndefined();
    // The 28 grid rows take one call: they are one run of the same height.
    expect(recording.batches.flatMap((b) => b.calls).filter((c) => c.startsWith('Range.format.rowHeight'))).toHaveLength(1);
    // A grid column is as wide as its rows are tall.
    expect(sheet.columnWidths[String(TRY_IT.grid.start.col)]).toBe(LARGE_PIXEL.rowHeight);
  });

  it('writes the Runs and Epochs sheets of a comparison with one series per run', async () => {
    const metrics = [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 1, trainAcc: 0.9, testLoss: 0.5 / epoch, testAcc: 0.99, testCorrect: 9900, testCount: 10_000, lr: 0.1, seconds: 30, imagesPerSecond: 2000 }));
    const workbook = compareRunsPlan([
      { id: 'a', title: 'gradsheet-7774', params: 7774, metrics },
      { id: 'b', title: 'seed-19698', params: 19698, metrics: metrics.slice(0, 2) },
    ]);
    const { state } = await build(workbook);
    expectPlanApplied(state, workbook);
    expect(state.sheets.find((s) => s.name === 'Runs')?.charts.map((c) => c.series.map((s) => s.name))).toEqual([
      ['gradsheet-7774 (a)', 'seed-19698 (b)'],
      ['gradsheet-7774 (a)', 'seed-19698 (b)'],
    ]);
  });

  it('gives a column the pixels the .xlsx file gives it, so square cells stay square', () => {
    for (const size of [SMALL_PIXEL, LARGE_PIXEL]) expect(columnWidthPoints(size.columnWidth)).toBe(size.rowHeight);
    // ECMA-376: a width of 12 characters is 84 pixels, 63 points.
    expect(columnWidthPoints(12)).toBe(63);
  });
});

describe('the fake fails where Excel does', () => {
  it('refuses an array that does not match its range, a write to a protected sheet, and a request over 5 MB', async () => {
    const context = new FakeRequestContext(emptyWorkbook());
    const sheet = context.workbook.worksheets.getItem('Sheet1');
    sheet.getRangeByIndexes(0, 0, 2, 2).values = [[1, 2]];
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });

    sheet.protection.protect();
    sheet.getRangeByIndexes(0, 0, 1, 1).values = [[1]];
    await expect(context.sync()).rejects.toMatchObject({ code: 'AccessDenied' });

    const big = context.workbook.worksheets.add('Big');
    big.getRangeByIndexes(0, 0, 60_000, 1).values = Array.from({ length: 60_000 }, () => ['x'.repeat(100)]);
    await expect(context.sync()).rejects.toMatchObject({ code: 'RequestPayloadSizeLimitExceeded' });
  });

  it('hides isNullObject until a sync', async () => {
    const context = new FakeRequestContext(emptyWorkbook());
    const missing = context.workbook.worksheets.getItemOrNullObject('Nope');
    expect(() => missing.isNullObject).toThrow(/before context.sync/);
    await context.sync();
    expect(missing.isNullObject).toBe(true);
  });
});

describe('drop-down lists and conditional formats', () => {
  afterEach(() => vi.unstubAllGlobals());

  const ref = (sheet: string, top: number, col: number, bottom: number): RangeRef => ({ sheet, start: { row: top, col }, end: { row: bottom, col } });
  const TYPES = ['Conv2d', 'BatchNorm2d', 'ReLU', 'Dropout', 'MaxPool2d', 'GAP', 'Linear'];
  /** A protected sheet with a drop-down column, a formula rule and a three-colour scale. */
  const rulesPlan: WorkbookPlan = {
    title: 'Rules',
    styles: { input: { locked: false } },
    names: [],
    sheets: [
      {
        name: 'Model',
        blocks: [{ origin: { row: 0, col: 0 }, rows: [[{ value: 'Type' }, { value: 'Params' }, { value: 'RF' }], [{ value: 'Conv2d', style: 'input' }, { value: 80 }, { value: 3 }]] }],
        charts: [],
        protect: true,
        validations: [{ range: ref('Model', 1, 0, 64), values: TYPES, errorMessage: 'Choose a layer type from the list.' }],
        conditionalFormats: [
          { kind: 'formula', range: ref('Model', 1, 1, 64), formula: 'B2>20000', style: { fill: 'FFC7CE', fontColor: '9C0006' } },
          { kind: 'colorScale', range: ref('Model', 1, 2, 64), min: { color: 'F8696B' }, mid: { color: 'FFEB84' }, max: { value: 28, color: '63BE7B' } },
        ],
      },
    ],
  };

  /** Builds `workbook` in an Excel that supports ExcelApi up to `excelApi`, as Office.context.requirements and the fake both say. */
  async function buildIn(excelApi: string, workbook: WorkbookPlan = rulesPlan) {
    vi.stubGlobal('Office', fakeOffice(excelApi));
    const state = emptyWorkbook();
    const recording = newRecording();
    const context = new FakeRequestContext(state, recording, { excelApi });
    await applyWorkbookPlan(context as unknown as Excel.RequestContext, workbook);
    return { model: state.sheets.find((s) => s.name === 'Model') as FakeSheet, calls: recording.batches.flatMap((b) => b.calls) };
  }

  it('applies both, before the sheet is protected, and the fake records them as Excel would hold them', async () => {
    const { model, calls } = await buildIn('1.8');
    expect(model.validations).toEqual([
      {
        area: areaOf(ref('Model', 1, 0, 64)),
        list: { source: TYPES.join(','), inCellDropDown: true },
        errorAlert: { showAlert: true, style: 'Stop', title: '', message: 'Choose a layer type from the list.' },
      },
    ]);
    // By priority, as in the .xlsx: the plan's first format on top.
    expect(model.conditionalFormats).toEqual([
      { area: areaOf(ref('Model', 1, 1, 64)), type: 'Custom', formula: '=B2>20000', fill: '#FFC7CE', fontColor: '#9C0006' },
      {
        area: areaOf(ref('Model', 1, 2, 64)),
        type: 'ColorScale',
        criteria: {
          minimum: { type: 'LowestValue', color: '#F8696B' },
          midpoint: { type: 'Percentile', formula: '50', color: '#FFEB84' },
          maximum: { type: 'Number', formula: '28', color: '#63BE7B' },
        },
      },
    ]);
    expect(model.protected).toBe(true);
    const protect = calls.indexOf('Worksheet.protection.protect Model');
    expect(calls.map((c) => c.startsWith('DataValidation.') || c.startsWith('ConditionalFormat')).lastIndexOf(true)).toBeLessThan(protect);
  });

  it('skips the drop-downs without failing where ExcelApi 1.8 is missing, and still applies the formats (ExcelApi 1.6)', async () => {
    const { model, calls } = await buildIn('1.7');
    expect(model.validations).toEqual([]);
    expect(calls.some((c) => c.startsWith('DataValidation.'))).toBe(false);
    expect(model.conditionalFormats.map((f) => f.type)).toEqual(['Custom', 'ColorScale']);
    // The cells stay plain input: the learner can still type a type name.
    expect(model.cells['1,0']).toMatchObject({ input: 'Conv2d', locked: false });
  });
});

describe('the fake refuses drop-downs and conditional formats where Excel does', () => {
  const sheetOf = (excelApi?: string) => {
    const context = new FakeRequestContext(emptyWorkbook(), newRecording(), excelApi === undefined ? {} : { excelApi });
    return { context, sheet: context.workbook.worksheets.getItem('Sheet1') };
  };

  it('needs ExcelApi 1.8 for data validation: an older Excel fails the request', async () => {
    const { context, sheet } = sheetOf('1.7');
    sheet.getRange('A1:A3').dataValidation.rule = { list: { inCellDropDown: true, source: 'a,b' } };
    await expect(context.sync()).rejects.toMatchObject({ code: 'ApiNotFound' });
    expect(fakeOffice('1.7').context.requirements.isSetSupported('ExcelApi', '1.8')).toBe(false);
    expect(fakeOffice('1.10').context.requirements.isSetSupported('ExcelApi', '1.8')).toBe(true);
  });

  it('refuses a list source over 255 characters, and a rule with two kinds', async () => {
    const { context, sheet } = sheetOf();
    sheet.getRange('A1').dataValidation.rule = { list: { inCellDropDown: true, source: Array.from({ length: 64 }, (_, i) => `ab${i}`).join(',') } };
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument', message: expect.stringMatching(/at most 255/) });
    sheet.getRange('A1').dataValidation.rule = { list: { inCellDropDown: true, source: 'a' }, custom: { formula: '=TRUE' } } as never;
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('refuses drop-downs and conditional formats on a protected sheet', async () => {
    const { context, sheet } = sheetOf();
    sheet.protection.protect();
    sheet.getRange('A1:A3').dataValidation.rule = { list: { inCellDropDown: true, source: 'a,b' } };
    await expect(context.sync()).rejects.toMatchObject({ code: 'AccessDenied' });
    sheet.getRange('B1:B3').conditionalFormats.add('Custom').custom.rule.formula = '=B1>0';
    await expect(context.sync()).rejects.toMatchObject({ code: 'AccessDenied' });
    sheet.getRange('C1:C3').conditionalFormats.add('ColorScale');
    await expect(context.sync()).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(context.sheetState('Sheet1')).toMatchObject({ validations: [], conditionalFormats: [] });
  });

  it("refuses a rule formula without its '=', a colour scale without its ends, and another type's part", async () => {
    const { context, sheet } = sheetOf();
    sheet.getRange('A1').conditionalFormats.add('Custom').custom.rule.formula = 'A1>0';
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });
    sheet.getRange('A1').conditionalFormats.add('ColorScale').colorScale.criteria = { minimum: { type: 'Number', color: '#000000' }, maximum: { type: 'HighestValue' } };
    await expect(context.sync()).rejects.toMatchObject({ code: 'InvalidArgument', message: expect.stringMatching(/needs a formula/) });
    void sheet.getRange('A1').conditionalFormats.add('ColorScale').custom;
    await expect(context.sync()).rejects.toMatchObject({ code: 'ItemNotFound' });
  });
});
