import { a1, GradSheetError, type CellBlock, type CellStyle, type ChartPlan, type FormulaFill, type PlanCell, type RangeRef, type SheetPlan, type WorkbookPlan } from '@gradsheet/shared';
import { loadCalculationMode, recalculateIfManual, type CalculationOutcome } from './calculation.js';
import { detectFillMode, fallbackFillMode, rememberedFillMode, type FillMode } from './fill-mode.js';
import { excelApiSupported } from './requirements.js';
import { applyConditionalFormat, applyListValidation, DATA_VALIDATION_API, listSource } from './sheet-rules.js';
import { blockStyleAreas, type StyleArea } from './style-areas.js';

/**
 * Applies a WorkbookPlan to the open workbook with Excel's JavaScript API.
 *
 * Office.js queues every call and sends the queue to Excel at `context.sync()`, so
 * the number of syncs, not the number of cells, sets the cost. This writer syncs once
 * to check the sheet and defined names it needs (and Excel's calculation mode), then
 * once per request of at most `maxRequestBytes` of payload (Excel on the web refuses
 * requests over 5 MB), and once more to leave each chart with exactly the plan's series
 * and to protect the sheets. A filled column is one R1C1 formula, given to Excel in the
 * way this Excel takes it (fill-mode.ts): where one value fills a range, its payload
 * does not grow with its height, and the backprop workbook takes the same three syncs
 * at 10 steps and at 10,000. The first build of a session asks Excel how it fills, in
 * two more syncs.
 */

/** Excel on the web refuses a request (one sync) whose payload is larger than this. */
export const EXCEL_WEB_REQUEST_LIMIT = 5 * 1024 * 1024;
/** The budget per sync, with room for the request's own envelope. */
export const DEFAULT_MAX_REQUEST_BYTES = 4_000_000;
/** What one queued call costs in the request besides its arguments (object path, ids, method name). */
const CALL_OVERHEAD_BYTES = 200;

export interface PlanWriteProgress {
  /** Syncs done and planned; `total` is known once the sheets have been checked. */
  readonly done: number;
  readonly total: number;
  readonly phase: 'checking' | 'writing' | 'done';
}

export interface ApplyPlanOptions {
  /** Replace sheets and defined names of the plan that the workbook already has, instead of refusing. */
  readonly replaceExisting?: boolean;
  readonly maxRequestBytes?: number;
  readonly onProgress?: (progress: PlanWriteProgress) => void;
}

export interface ApplyPlanResult {
  readonly syncs: number;
  /** Estimated payload of each write request, in bytes. */
  readonly requestBytes: readonly number[];
  /** How the filled columns went in. */
  readonly fillMode: FillMode;
  /** Whether Excel recalculates by itself, or was asked to once because its calculation is manual. */
  readonly calculation: CalculationOutcome;
}

/** Review > Protect Workbook is on: no sheet can be added. */
export function workbookProtected(): GradSheetError {
  return new GradSheetError('WORKBOOK_PROTECTED', 'the workbook structure is protected');
}

/** The workbook already holds sheets or names the plan would create; `details` lists them for the pane. */
export function namesTaken(sheets: readonly string[], definedNames: readonly string[]): GradSheetError {
  const taken = [...sheets.map((s) => `sheet "${s}"`), ...definedNames.map((n) => `name "${n}"`)].join(', ');
  return new GradSheetError('NAMES_TAKEN', `already taken: ${taken}`, { sheets, definedNames });
}

/** The worksheets being written, by plan name. */
export type SheetTable = Map<string, Excel.Worksheet>;

/** One queued call (or a few that belong together), with the payload it adds to a request. */
export interface WriteCall {
  readonly bytes: number;
  run(context: Excel.RequestContext, sheets: SheetTable): void;
}

export async function applyWorkbookPlan(context: Excel.RequestContext, plan: WorkbookPlan, options: ApplyPlanOptions = {}): Promise<ApplyPlanResult> {
  const budget = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const report = options.onProgress ?? (() => {});
  report({ done: 0, total: 3, phase: 'checking' });
  let syncs = 0;
  const sync = async () => {
    await context.sync();
    syncs++;
  };

  // Sync 1: which of the plan's sheets and names exist already, and how Excel calculates.
  const existingSheets = plan.sheets.map((sheet) => ({ name: sheet.name, item: context.workbook.worksheets.getItemOrNullObject(sheet.name) }));
  const existingNames = plan.names.map((n) => ({ name: n.name, item: context.workbook.names.getItemOrNullObject(n.name) }));
  const structure = context.workbook.protection.load('protected');
  const application = loadCalculationMode(context);
  await sync();
  if (structure.protected) throw workbookProtected();
  const takenSheets = existingSheets.filter((s) => !s.item.isNullObject);
  const takenNames = existingNames.filter((n) => !n.item.isNullObject);
  if ((takenSheets.length > 0 || takenNames.length > 0) && !options.replaceExisting) {
    throw namesTaken(
      takenSheets.map((s) => s.name),
      takenNames.map((n) => n.name),
    );
  }

  // Old sheets are renamed first and deleted last: a workbook must keep one sheet at all times.
  const retired = takenSheets.map((s, index) => ({ item: s.item, temporaryName: `gradsheet-old-${Date.now() % 100000}-${index}` }));
  const setup: WriteCall = {
    bytes: CALL_OVERHEAD_BYTES * (1 + retired.length + takenNames.length + plan.sheets.length),
    run(ctx, sheets) {
      for (const { item, temporaryName } of retired) item.name = temporaryName;
      for (const { item } of takenNames) item.delete();
      for (const sheet of plan.sheets) sheets.set(sheet.name, ctx.workbook.worksheets.add(sheet.name));
    },
  };
  const sheets: SheetTable = new Map();
  const writeRequest = async (request: readonly WriteCall[]) => {
    // Recalculating after every write would cost more than the writes; Excel recalculates once at the sync.
    context.application.suspendApiCalculationUntilNextSync();
    for (const call of request) call.run(context, sheets);
    await sync();
  };

  // Names before formulas, so that no formula is ever entered with a name Excel does not know yet.
  const names = plan.names.map(nameCall);
  // The first build of a session asks Excel how it fills a column, on the plan's own new cells.
  let fillMode = rememberedFillMode();
  const probe = fillMode === undefined ? plan.sheets.flatMap((sheet) => (sheet.fills ?? []).filter((f) => f.results.length > 1).map((fill) => ({ sheet, fill })))[0] : undefined;
  if (probe) {
    await writeRequest([setup, ...names]);
    const { sheet, fill } = probe;
    fillMode = await detectFillMode(context, sheetOf(sheets, sheet.name).getRangeByIndexes(fill.origin.row, fill.origin.col, 2, 1), `=${fill.formulaR1C1}`);
    syncs++;
  }
  const mode = fillMode ?? fallbackFillMode();

  const charts: AddedChart[] = [];
  const calls: WriteCall[] = [
    ...(probe ? [] : [setup, ...names]),
    ...plan.sheets.flatMap((sheet) => sheetCalls(sheet, plan, budget, mode)),
    ...plan.sheets.flatMap((sheet) => sheetRuleCalls(sheet, { dropDowns: excelApiSupported(DATA_VALIDATION_API) })),
    ...plan.sheets.flatMap((sheet) => sheet.charts.map((chart) => chartCall(sheet.name, chart, plan, charts))),
  ];
  const requests = packRequests(calls, budget);
  const total = syncs + requests.length + 1;
  report({ done: syncs, total, phase: 'writing' });
  for (const request of requests) {
    await writeRequest(request);
    report({ done: syncs, total, phase: 'writing' });
  }

  const calculation = finishBuild(context, plan, sheets, { retired: retired.map((r) => r.item), charts, application });
  await sync();
  report({ done: syncs, total: syncs, phase: 'done' });
  return { syncs, requestBytes: requests.map((request) => request.reduce((sum, call) => sum + call.bytes, 0)), fillMode: mode, calculation };
}

/**
 * The last request of a build: each chart keeps only the plan's series; the sheets are
 * protected (a protected sheet refuses every change before); replaced sheets go; the
 * first sheet is shown; the structure is locked; and Excel recalculates once if it will
 * not by itself. Says which it did.
 */
function finishBuild(
  context: Excel.RequestContext,
  plan: WorkbookPlan,
  sheets: SheetTable,
  made: { readonly retired: readonly Excel.Worksheet[]; readonly charts: readonly AddedChart[]; readonly application: Excel.Application },
): CalculationOutcome {
  for (const chart of made.charts) removeInferredSeries(chart);
  for (const sheet of plan.sheets) {
    if (!sheet.protect) continue;
    const protection = sheetOf(sheets, sheet.name).protection;
    if (sheet.allowInsertingRowsAndColumns) protection.protect({ allowInsertRows: true, allowInsertColumns: true });
    else protection.protect();
  }
  for (const item of made.retired) item.delete();
  const first = plan.sheets[0];
  if (first) sheetOf(sheets, first.name).activate();
  // Last of all: once the structure is locked, no sheet can be added, deleted or renamed.
  if (plan.lockStructure) context.workbook.protection.protect();
  return recalculateIfManual(context, made.application);
}

/** Greedy packing, in order, into requests of at most `budget` bytes each. */
export function packRequests(calls: readonly WriteCall[], budget: number): WriteCall[][] {
  const requests: WriteCall[][] = [];
  let current: WriteCall[] = [];
  let bytes = 0;
  for (const call of calls) {
    if (call.bytes > budget) throw new GradSheetError('INVALID_PLAN', `one call needs ${call.bytes} bytes, more than the request budget of ${budget}`);
    if (bytes + call.bytes > budget && current.length > 0) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(call);
    bytes += call.bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

export function sheetOf(sheets: SheetTable, name: string): Excel.Worksheet {
  const sheet = sheets.get(name);
  if (!sheet) throw new GradSheetError('INVALID_PLAN', `the plan refers to a sheet "${name}" it does not create`);
  return sheet;
}

export function rangeOf(sheets: SheetTable, ref: RangeRef): Excel.Range {
  return sheetOf(sheets, ref.sheet).getRangeByIndexes(ref.start.row, ref.start.col, ref.end.row - ref.start.row + 1, ref.end.col - ref.start.col + 1);
}

/**
 * Everything one sheet holds except its charts and protection, as write calls. Filled
 * columns go in as `fillMode` says; `arrays`, the default, works in every Excel.
 */
export function sheetCalls(sheet: SheetPlan, plan: Pick<WorkbookPlan, 'styles'>, budget: number, fillMode: FillMode = 'arrays'): WriteCall[] {
  const name = sheet.name;
  const calls: WriteCall[] = [];
  const small = (queued: number, run: (s: Excel.Worksheet) => void): WriteCall => ({ bytes: CALL_OVERHEAD_BYTES * queued, run: (_ctx, sheets) => run(sheetOf(sheets, name)) });
  if (sheet.tabColor) calls.push(small(1, (s) => (s.tabColor = `#${sheet.tabColor}`)));
  for (const { col, width } of sheet.columnWidths ?? []) {
    calls.push(small(3, (s) => (s.getRangeByIndexes(0, col, 1, 1).getEntireColumn().format.columnWidth = columnWidthPoints(width))));
  }
  for (const run of rowHeightRuns(sheet.rowHeights ?? [])) {
    calls.push(small(2, (s) => (s.getRangeByIndexes(run.row, 0, run.rows, 1).format.rowHeight = run.height)));
  }
  for (const block of sheet.blocks) {
    calls.push(...blockCalls(name, block, budget));
    for (const area of blockStyleAreas(block)) calls.push(styleCall(name, area, plan));
  }
  for (const fill of sheet.fills ?? []) {
    calls.push(...fillCalls(name, fill, fillMode, budget));
    if (fill.style !== undefined) calls.push(styleCall(name, { style: fill.style, row: fill.origin.row, col: fill.origin.col, rows: fill.results.length, cols: 1 }, plan));
  }
  for (const merge of sheet.merges ?? []) calls.push({ bytes: CALL_OVERHEAD_BYTES * 2, run: (_ctx, sheets) => rangeOf(sheets, merge).merge(false) });
  const frozen = sheet.frozen;
  if (frozen && (frozen.rows > 0 || frozen.columns > 0)) {
    calls.push(
      small(2, (s) => {
        if (frozen.rows > 0 && frozen.columns > 0) s.freezePanes.freezeAt(s.getRangeByIndexes(0, 0, frozen.rows, frozen.columns));
        else if (frozen.rows > 0) s.freezePanes.freezeRows(frozen.rows);
        else s.freezePanes.freezeColumns(frozen.columns);
      }),
    );
  }
  return calls;
}

/**
 * A sheet's drop-down lists and conditional formats, as write calls (before protection, which refuses them).
 * Drop-downs need ExcelApi 1.8: without `dropDowns` the cells stay plain input, and the sheet's own formulas say
 * when a typed value is wrong. Excel puts each new format at the top priority, so they are added last to first:
 * the plan's first format ends on top, as in the .xlsx.
 */
export function sheetRuleCalls(sheet: SheetPlan, options: { readonly dropDowns: boolean }): WriteCall[] {
  const validations = options.dropDowns ? (sheet.validations ?? []) : [];
  const formats = [...(sheet.conditionalFormats ?? [])].reverse();
  return [
    ...validations.map(
      (validation): WriteCall => ({
        bytes: CALL_OVERHEAD_BYTES * 3 + listSource(validation).length + (validation.errorMessage?.length ?? 0),
        run: (_ctx, sheets) => applyListValidation(rangeOf(sheets, validation.range), validation),
      }),
    ),
    ...formats.map(
      (format): WriteCall => ({
        bytes: CALL_OVERHEAD_BYTES * 5 + JSON.stringify(format).length,
        run: (_ctx, sheets) => applyConditionalFormat(rangeOf(sheets, format.range), format),
      }),
    ),
  ];
}

/**
 * Excel measures column widths in points through the API and in characters of the
 * default font in files. The plan's width is the file's (the .xlsx writer stores it
 * as is), which already counts the cell's padding: ECMA-376 turns it into pixels
 * with a character of Calibri 11 as 7 pixels, at 96 pixels per 72 points. Both
 * writers then give a column the same pixels, which square pixel cells rely on.
 */
export function columnWidthPoints(characters: number): number {
  const pixels = Math.trunc(((256 * characters + Math.trunc(128 / 7)) / 256) * 7);
  return pixels * 0.75;
}

/** Consecutive rows of the same height, so that each run takes one call. */
export function rowHeightRuns(heights: readonly { readonly row: number; readonly height: number }[]): { row: number; rows: number; height: number }[] {
  const runs: { row: number; rows: number; height: number }[] = [];
  for (const { row, height } of [...heights].sort((a, b) => a.row - b.row)) {
    const last = runs.at(-1);
    if (last && last.height === height && last.row + last.rows === row) last.rows++;
    else runs.push({ row, rows: 1, height });
  }
  return runs;
}

/** What a plan cell becomes in a `formulas` array: `=` before formulas, and text kept as text. */
export function cellInput(cell: PlanCell | undefined): string | number | boolean | null {
  if (cell === null || cell === undefined) return null; // null leaves the cell as it is
  if ('formula' in cell) return `=${cell.formula}`;
  const value = cell.value;
  // Excel reads text starting with =, + or - as a formula; the apostrophe keeps it text, as typing it would.
  if (typeof value === 'string' && /^[=+-]/.test(value)) return `'${value}`;
  return value;
}

/** A block as row slices small enough for one request each (a 10,000-row step column is one slice of ~60 KB). */
export function blockCalls(sheetName: string, block: CellBlock, budget: number): WriteCall[] {
  const width = Math.max(0, ...block.rows.map((r) => r.length));
  if (width === 0 || block.rows.length === 0) return [];
  const matrix = block.rows.map((row) => Array.from({ length: width }, (_, c) => cellInput(row[c])));
  const hasFormula = block.rows.some((row) => row.some((cell) => cell !== null && 'formula' in cell));
  const calls: WriteCall[] = [];
  const limit = Math.floor(budget / 2);
  let start = 0;
  while (start < matrix.length) {
    let end = start;
    let bytes = CALL_OVERHEAD_BYTES * 2;
    while (end < matrix.length) {
      const rowBytes = JSON.stringify(matrix[end]).length + 1;
      if (end > start && bytes + rowBytes > limit) break;
      bytes += rowBytes;
      end++;
    }
    const rows = matrix.slice(start, end);
    const row = block.origin.row + start;
    calls.push({
      bytes,
      run: (_ctx, sheets) => {
        const range = sheetOf(sheets, sheetName).getRangeByIndexes(row, block.origin.col, rows.length, width);
        // Plain values go in as values; a slice with formulas goes in as formulas (constants there stay constants).
        if (hasFormula) range.formulas = rows;
        else range.values = rows;
      },
    });
    start = end;
  }
  return calls;
}

/** One filled column as write calls: one value, the top cell copied down, or slices of a 2-D array (fill-mode.ts). */
export function fillCalls(sheetName: string, fill: FormulaFill, mode: FillMode, budget: number): WriteCall[] {
  const formula = `=${fill.formulaR1C1}`;
  const rows = fill.results.length;
  const column = (sheets: SheetTable, from: number, count: number) => sheetOf(sheets, sheetName).getRangeByIndexes(fill.origin.row + from, fill.origin.col, count, 1);
  if (rows === 0) return [];
  if (mode === 'one-value') {
    // One formula for the whole column: Excel fills it into every cell, as the fill handle does.
    return [{ bytes: CALL_OVERHEAD_BYTES * 2 + formula.length, run: (_ctx, sheets) => ((column(sheets, 0, rows) as unknown as { formulasR1C1: string }).formulasR1C1 = formula) }];
  }
  if (mode === 'copy-down') {
    return [
      {
        bytes: CALL_OVERHEAD_BYTES * 4 + formula.length,
        run: (_ctx, sheets) => {
          const top = column(sheets, 0, 1);
          top.formulasR1C1 = [[formula]];
          // An R1C1 formula reads the same in every cell, so pasting the top cell down fills the column.
          if (rows > 1) column(sheets, 1, rows - 1).copyFrom(top, 'Formulas');
        },
      },
    ];
  }
  const rowBytes = JSON.stringify([formula]).length + 1;
  const perCall = Math.max(1, Math.floor((Math.floor(budget / 2) - CALL_OVERHEAD_BYTES * 2) / rowBytes));
  const calls: WriteCall[] = [];
  for (let from = 0; from < rows; from += perCall) {
    const count = Math.min(perCall, rows - from);
    calls.push({
      bytes: CALL_OVERHEAD_BYTES * 2 + count * rowBytes,
      run: (_ctx, sheets) => (column(sheets, from, count).formulasR1C1 = Array.from({ length: count }, () => [formula])),
    });
  }
  return calls;
}

export function styleCall(sheetName: string, area: StyleArea, plan: Pick<WorkbookPlan, 'styles'>): WriteCall {
  const style = plan.styles[area.style];
  if (!style) throw new GradSheetError('INVALID_PLAN', `style "${area.style}" is not defined`);
  const numberFormats = style.numberFormat === undefined ? undefined : Array.from({ length: area.rows }, () => Array.from({ length: area.cols }, () => style.numberFormat as string));
  const properties = (['bold', 'italic', 'fontSize', 'fontColor', 'fill', 'horizontal', 'wrapText', 'numberFormat', 'locked'] as const).filter((key) => style[key] !== undefined).length;
  const borderCalls = style.border === 'thin' ? 3 * (4 + (area.rows > 1 ? 1 : 0) + (area.cols > 1 ? 1 : 0)) : 0;
  return {
    bytes: CALL_OVERHEAD_BYTES * (1 + properties + borderCalls) + (numberFormats ? JSON.stringify(numberFormats).length : 0),
    run: (_ctx, sheets) => applyStyle(sheetOf(sheets, sheetName).getRangeByIndexes(area.row, area.col, area.rows, area.cols), style, area, numberFormats),
  };
}

const BORDER_EDGES = ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight'] as const;

export function applyStyle(range: Excel.Range, style: CellStyle, size: { rows: number; cols: number }, numberFormats?: string[][]): void {
  const format = range.format;
  if (style.bold !== undefined) format.font.bold = style.bold;
  if (style.italic !== undefined) format.font.italic = style.italic;
  if (style.fontSize !== undefined) format.font.size = style.fontSize;
  if (style.fontColor !== undefined) format.font.color = `#${style.fontColor}`;
  if (style.fill !== undefined) format.fill.color = `#${style.fill}`;
  if (style.horizontal !== undefined) format.horizontalAlignment = ({ left: 'Left', center: 'Center', right: 'Right' } as const)[style.horizontal];
  if (style.wrapText !== undefined) format.wrapText = style.wrapText;
  if (numberFormats) range.numberFormat = numberFormats;
  if (style.border === 'thin') {
    const edges: string[] = [...BORDER_EDGES];
    if (size.rows > 1) edges.push('InsideHorizontal');
    if (size.cols > 1) edges.push('InsideVertical');
    for (const edge of edges) {
      const border = format.borders.getItem(edge as Excel.BorderIndex);
      border.style = 'Continuous';
      border.weight = 'Thin';
    }
  }
  // Cells are locked by default; only input cells are opened for the learner.
  if (style.locked !== undefined) format.protection.locked = style.locked;
}

function nameCall(definedName: WorkbookPlan['names'][number]): WriteCall {
  return {
    bytes: CALL_OVERHEAD_BYTES * 2 + definedName.name.length,
    run: (ctx, sheets) => {
      ctx.workbook.names.add(definedName.name, rangeOf(sheets, definedName.refersTo));
    },
  };
}

/** The text a series is named by: a literal, or the plan's content of the cell it names. */
export function seriesName(name: RangeRef | string, plan: Pick<WorkbookPlan, 'sheets'>): string {
  if (typeof name === 'string') return name;
  const sheet = plan.sheets.find((s) => s.name === name.sheet);
  for (const block of sheet?.blocks ?? []) {
    const cell = block.rows[name.start.row - block.origin.row]?.[name.start.col - block.origin.col];
    if (cell) return String('formula' in cell ? cell.result : cell.value);
  }
  return `${name.sheet}!${a1(name.start)}`;
}

/** A chart of the plan, as one write call; the chart is added to `made`, for its inferred series to be removed after the sync. */
export function chartCall(sheetName: string, chart: ChartPlan, plan: Pick<WorkbookPlan, 'sheets'>, made: AddedChart[]): WriteCall {
  const names = chart.series.map((s) => seriesName(s.name, plan));
  return {
    bytes: CALL_OVERHEAD_BYTES * (10 + chart.series.length * 5) + JSON.stringify(names).length,
    run: (_ctx, sheets) => made.push(addChart(sheetOf(sheets, sheetName), chart, names, (ref) => rangeOf(sheets, ref))),
  };
}

/** Excel's chart type for each kind of chart the plan has. */
const CHART_TYPES = { line: 'Line', bar: 'ColumnClustered' } as const satisfies Record<ChartPlan['kind'], string>;

/** A chart just added, and how many series Excel made for it by itself. */
export interface AddedChart {
  readonly chart: Excel.Chart;
  readonly inferred: OfficeExtension.ClientResult<number>;
}

/**
 * A chart with every planned series set explicitly: name, values and categories. Excel
 * makes series of its own from the source range given to `charts.add` (none from empty
 * cells, a name taken from a first cell that is not a number, more from a wider range);
 * they come first and are counted here, for `removeInferredSeries` to delete after the sync.
 */
export function addChart(sheet: Excel.Worksheet, chart: ChartPlan, seriesNames: readonly string[], range: (ref: RangeRef) => Excel.Range): AddedChart {
  const [first] = chart.series;
  if (!first) throw new GradSheetError('INVALID_PLAN', `chart "${chart.title}" has no series`);
  const added = sheet.charts.add(CHART_TYPES[chart.kind], range(first.values), 'Columns');
  const inferred = added.series.getCount();
  added.name = chart.title;
  added.title.text = chart.title;
  added.axes.categoryAxis.title.text = chart.xAxisTitle;
  added.axes.valueAxis.title.text = chart.yAxisTitle;
  added.setPosition(a1(chart.anchor.from), a1(chart.anchor.to));
  chart.series.forEach((plan, index) => {
    const series = added.series.add(seriesNames[index] ?? '');
    series.setValues(range(plan.values));
    series.setXAxisValues(range(chart.categories));
  });
  return { chart: added, inferred };
}

/** After the sync that added the chart: queues the deletion of the series Excel made by itself, leaving the plan's. */
export function removeInferredSeries({ chart, inferred }: AddedChart): void {
  for (let index = inferred.value - 1; index >= 0; index--) chart.series.getItemAt(index).delete();
}
