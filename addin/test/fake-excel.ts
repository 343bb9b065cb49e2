/**
 * A recording fake of the part of Excel's JavaScript object model that GradSheet uses.
 *
 * It keeps a workbook's state as plain JSON (so a browser test can keep it across page
 * reloads, as Excel keeps the document while the pane reloads), records every call with
 * its payload, counts syncs, and fails at `sync()` the way Excel does: a missing item,
 * an array whose shape does not match its range, a write to a protected sheet, a name
 * taken twice, or a request over Excel on the web's 5 MB limit. Properties that must be
 * loaded (isNullObject, values, items) throw until a sync has happened.
 *
 * office-addin-mock models single objects, not collections, which is why this exists.
 * No Node imports: the browser tests bundle it into their office.js stub.
 */

export const FAKE_REQUEST_LIMIT = 5 * 1024 * 1024;
const CALL_BYTES = 200;

export type CellInput = string | number | boolean | null;

export interface FakeCell {
  /** What was written through `values` or `formulas` (formulas keep their "="). */
  input?: string | number | boolean;
  /** What was written through `formulasR1C1`. */
  formulaR1C1?: string;
  numberFormat?: string;
  bold?: boolean;
  italic?: boolean;
  fontSize?: number;
  fontColor?: string;
  fill?: string;
  horizontal?: string;
  wrapText?: boolean;
  /** Border edges set on the ranges that covered this cell, e.g. "EdgeTop:Continuous:Thin". */
  borders?: string[];
  locked?: boolean;
}

export interface FakeArea {
  readonly sheet: string;
  readonly row: number;
  readonly col: number;
  readonly rows: number;
  readonly cols: number;
}

export interface FakeSeries {
  name: string;
  values: FakeArea;
  xValues?: FakeArea;
}

export interface FakeChart {
  name: string;
  type: string;
  seriesBy: string;
  title?: string;
  xAxisTitle?: string;
  yAxisTitle?: string;
  from?: string;
  to?: string;
  series: FakeSeries[];
}

export interface FakeSheet {
  name: string;
  tabColor?: string;
  /** "row,col" → cell. */
  cells: Record<string, FakeCell>;
  columnWidths: Record<string, number>;
  frozen?: { rows: number; columns: number };
  merges: FakeArea[];
  charts: FakeChart[];
  protected: boolean;
  /** What protect() was given, when it was given anything. */
  protectionOptions?: Record<string, boolean>;
}

export interface FakeWorkbookState {
  sheets: FakeSheet[];
  /** Defined name → the area it refers to. */
  names: Record<string, FakeArea>;
  activeSheet?: string;
  /** Review > Protect Workbook: sheets cannot be added, removed or renamed. */
  structureLocked?: boolean;
}

export interface FakeBatch {
  /** Calls queued in this request, e.g. "Range.formulas Backprop!R2C1:R101C1". */
  readonly calls: string[];
  bytes: number;
  /** Calls that changed the workbook before suspendApiCalculationUntilNextSync() was called in this request. */
  writesBeforeSuspend: number;
  calculationSuspended: boolean;
}

export interface FakeRecording {
  syncs: number;
  readonly batches: FakeBatch[];
}

export class FakeExcelError extends Error {
  override readonly name = 'RichApi.Error';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function emptyWorkbook(sheetNames: readonly string[] = ['Sheet1']): FakeWorkbookState {
  const state: FakeWorkbookState = { sheets: sheetNames.map(newSheet), names: {} };
  if (sheetNames[0] !== undefined) state.activeSheet = sheetNames[0];
  return state;
}

function newSheet(name: string): FakeSheet {
  return { name, cells: {}, columnWidths: {}, merges: [], charts: [], protected: false };
}

export function newRecording(): FakeRecording {
  return { syncs: 0, batches: [newBatch()] };
}

function newBatch(): FakeBatch {
  return { calls: [], bytes: 0, writesBeforeSuspend: 0, calculationSuspended: false };
}

const size = (value: unknown): number => JSON.stringify(value ?? null).length;

export function areaText(area: FakeArea): string {
  return `${area.sheet}!R${area.row + 1}C${area.col + 1}:R${area.row + area.rows}C${area.col + area.cols}`;
}

/** "B4" → zero-based row and column. */
function parseA1(address: string): { row: number; col: number } {
  const match = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(address.toUpperCase());
  if (!match) throw new FakeExcelError('InvalidArgument', `the fake understands A1 addresses only, got "${address}"`);
  let col = 0;
  for (const letter of match[1] as string) col = col * 26 + (letter.charCodeAt(0) - 64);
  return { row: Number(match[2]) - 1, col: col - 1 };
}

/** A request context over a workbook state; every call is recorded into `recording`. */
export class FakeRequestContext {
  readonly workbook: FakeWorkbook;
  readonly application: { suspendApiCalculationUntilNextSync(): void; calculationMode: string };
  /** Errors Excel would report at the next sync. */
  private failures: FakeExcelError[] = [];
  /** Objects whose loaded properties become readable at the next sync. */
  private loading: Array<{ loaded: boolean }> = [];

  constructor(
    readonly state: FakeWorkbookState,
    readonly recording: FakeRecording = newRecording(),
  ) {
    this.workbook = new FakeWorkbook(this);
    const context = this;
    this.application = {
      calculationMode: 'Automatic',
      suspendApiCalculationUntilNextSync() {
        context.batch.calculationSuspended = true;
        context.record('Application.suspendApiCalculationUntilNextSync', 0);
      },
    };
  }

  get batch(): FakeBatch {
    return this.recording.batches[this.recording.batches.length - 1] as FakeBatch;
  }

  /** Records a call; `write` marks calls that change the workbook. */
  record(call: string, payload: number, write = false): void {
    this.batch.calls.push(call);
    this.batch.bytes += CALL_BYTES + payload;
    if (write && !this.batch.calculationSuspended) this.batch.writesBeforeSuspend++;
  }

  fail(code: string, message: string): void {
    this.failures.push(new FakeExcelError(code, message));
  }

  willLoad(target: { loaded: boolean }): void {
    this.loading.push(target);
  }

  async sync(): Promise<void> {
    const batch = this.batch;
    this.recording.syncs++;
    this.recording.batches.push(newBatch());
    for (const target of this.loading.splice(0)) target.loaded = true;
    await Promise.resolve();
    if (batch.bytes > FAKE_REQUEST_LIMIT) {
      throw new FakeExcelError('RequestPayloadSizeLimitExceeded', `the request is ${batch.bytes} bytes; Excel on the web takes at most ${FAKE_REQUEST_LIMIT}`);
    }
    const failure = this.failures.shift();
    this.failures = [];
    if (failure) throw failure;
  }

  /** Calls queued since the last sync. */
  get pendingCalls(): number {
    return this.batch.calls.length;
  }

  sheetState(name: string): FakeSheet | undefined {
    return this.state.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }
}

function requireLoaded(target: { loaded: boolean }, what: string): void {
  if (!target.loaded) throw new FakeExcelError('PropertyNotLoaded', `${what} was read before context.sync()`);
}

export class FakeWorkbook {
  readonly worksheets: FakeWorksheetCollection;
  readonly names: FakeNamedItemCollection;
  readonly protection: { protect(password?: string): void; unprotect(password?: string): void; readonly protected: boolean; load(properties?: unknown): unknown };
  constructor(private readonly context: FakeRequestContext) {
    this.worksheets = new FakeWorksheetCollection(context);
    this.names = new FakeNamedItemCollection(context);
    const loadState = { loaded: false };
    this.protection = {
      protect() {
        context.record('Workbook.protection.protect', 0, true);
        if (context.state.structureLocked) context.fail('InvalidOperation', 'the workbook is protected already');
        context.state.structureLocked = true;
      },
      unprotect() {
        context.record('Workbook.protection.unprotect', 0, true);
        context.state.structureLocked = false;
      },
      get protected() {
        requireLoaded(loadState, 'WorkbookProtection.protected');
        return context.state.structureLocked === true;
      },
      load() {
        context.willLoad(loadState);
        return this;
      },
    };
  }
}

/** Changing the set of sheets in a workbook whose structure is protected fails, as in Excel. */
function checkStructure(context: FakeRequestContext, what: string): boolean {
  if (!context.state.structureLocked) return true;
  context.fail('AccessDenied', `the workbook's structure is protected: cannot ${what}`);
  return false;
}

export class FakeWorksheetCollection {
  items: FakeWorksheet[] = [];
  private readonly loadState = { loaded: false };
  constructor(private readonly context: FakeRequestContext) {}

  add(name: string): FakeWorksheet {
    this.context.record(`Worksheets.add ${name}`, size(name), true);
    if (!checkStructure(this.context, `add sheet "${name}"`)) return new FakeWorksheet(this.context, name);
    if (this.context.sheetState(name)) this.context.fail('ItemAlreadyExists', `a sheet named "${name}" exists`);
    else this.context.state.sheets.push(newSheet(name));
    return new FakeWorksheet(this.context, name);
  }

  getItem(name: string): FakeWorksheet {
    this.context.record(`Worksheets.getItem ${name}`, size(name));
    if (!this.context.sheetState(name)) this.context.fail('ItemNotFound', `there is no sheet "${name}"`);
    return new FakeWorksheet(this.context, name);
  }

  getItemOrNullObject(name: string): FakeWorksheet {
    this.context.record(`Worksheets.getItemOrNullObject ${name}`, size(name));
    const sheet = new FakeWorksheet(this.context, name, !this.context.sheetState(name));
    this.context.willLoad(sheet.loadState);
    return sheet;
  }

  getActiveWorksheet(): FakeWorksheet {
    const name = this.context.state.activeSheet ?? this.context.state.sheets[0]?.name ?? '';
    return new FakeWorksheet(this.context, name);
  }

  load(_properties?: unknown): this {
    this.items = this.context.state.sheets.map((s) => new FakeWorksheet(this.context, s.name));
    this.loadState.loaded = false;
    this.context.willLoad(this.loadState);
    return this;
  }
}

export class FakeWorksheet {
  readonly loadState = { loaded: false };
  readonly charts: FakeChartCollection;
  readonly protection: { protect(options?: Record<string, boolean>): void; unprotect(): void; readonly protected: boolean };
  readonly freezePanes: { freezeAt(range: FakeRange | string): void; freezeRows(count?: number): void; freezeColumns(count?: number): void };
  /** The sheet's name when this object was made; renaming follows the state. */
  private current: string;

  constructor(
    private readonly context: FakeRequestContext,
    name: string,
    private readonly nullObject = false,
  ) {
    this.current = name;
    this.charts = new FakeChartCollection(context, () => this.state());
    const sheet = this;
    this.protection = {
      protect(options?: Record<string, boolean>) {
        context.record(`Worksheet.protection.protect ${sheet.current}`, size(options), true);
        const state = sheet.state();
        if (state.protected) context.fail('InvalidOperation', `sheet "${state.name}" is protected already`);
        state.protected = true;
        if (options !== undefined) state.protectionOptions = options;
      },
      unprotect() {
        context.record(`Worksheet.protection.unprotect ${sheet.current}`, 0, true);
        sheet.state().protected = false;
      },
      get protected() {
        return sheet.state().protected;
      },
    };
    this.freezePanes = {
      freezeAt(range) {
        const area = typeof range === 'string' ? sheet.getRange(range).area : range.area;
        context.record(`Worksheet.freezePanes.freezeAt ${areaText(area)}`, 0, true);
        sheet.state().frozen = { rows: area.row + area.rows, columns: area.col + area.cols };
      },
      freezeRows(count = 1) {
        context.record(`Worksheet.freezePanes.freezeRows ${count}`, 0, true);
        sheet.state().frozen = { rows: count, columns: 0 };
      },
      freezeColumns(count = 1) {
        context.record(`Worksheet.freezePanes.freezeColumns ${count}`, 0, true);
        sheet.state().frozen = { rows: 0, columns: count };
      },
    };
  }

  /** The sheet's state; a missing sheet gets a detached state so calls keep recording (Excel fails them at sync). */
  state(): FakeSheet {
    const found = this.context.sheetState(this.current);
    if (found) return found;
    this.context.fail('ItemNotFound', `there is no sheet "${this.current}"`);
    return newSheet(this.current);
  }

  get isNullObject(): boolean {
    requireLoaded(this.loadState, 'Worksheet.isNullObject');
    return this.nullObject;
  }

  get name(): string {
    return this.current;
  }

  set name(value: string) {
    this.context.record(`Worksheet.name ${this.current} → ${value}`, size(value), true);
    if (!checkStructure(this.context, `rename sheet "${this.current}"`)) return;
    if (this.context.sheetState(value)) this.context.fail('ItemAlreadyExists', `a sheet named "${value}" exists`);
    this.state().name = value;
    this.current = value;
  }

  get tabColor(): string {
    return this.state().tabColor ?? '';
  }

  set tabColor(color: string) {
    this.context.record(`Worksheet.tabColor ${this.current}`, size(color), true);
    this.state().tabColor = color;
  }

  getRangeByIndexes(row: number, col: number, rows: number, cols: number): FakeRange {
    this.context.record(`Worksheet.getRangeByIndexes ${this.current}`, 40);
    if (rows < 1 || cols < 1 || row < 0 || col < 0) this.context.fail('InvalidArgument', `bad range ${row},${col} ${rows}×${cols}`);
    return new FakeRange(this.context, this, { sheet: this.current, row, col, rows, cols });
  }

  getRange(address: string): FakeRange {
    this.context.record(`Worksheet.getRange ${this.current}!${address}`, size(address));
    const [start, end = start] = address.split(':') as [string, string?];
    const a = parseA1(start);
    const b = parseA1(end as string);
    return new FakeRange(this.context, this, { sheet: this.current, row: a.row, col: a.col, rows: b.row - a.row + 1, cols: b.col - a.col + 1 });
  }

  /** The smallest range holding every cell with content; a null object on an empty sheet. */
  getUsedRangeOrNullObject(_valuesOnly?: boolean): FakeRange {
    this.context.record(`Worksheet.getUsedRangeOrNullObject ${this.current}`, 0);
    const keys = Object.entries(this.state().cells).filter(([, c]) => c.input !== undefined || c.formulaR1C1 !== undefined).map(([k]) => k.split(',').map(Number) as [number, number]);
    if (keys.length === 0) {
      const range = new FakeRange(this.context, this, { sheet: this.current, row: 0, col: 0, rows: 1, cols: 1 }, true);
      this.context.willLoad(range.loadState);
      return range;
    }
    const rows = keys.map(([r]) => r);
    const cols = keys.map(([, c]) => c);
    const row = Math.min(...rows);
    const col = Math.min(...cols);
    const range = new FakeRange(this.context, this, { sheet: this.current, row, col, rows: Math.max(...rows) - row + 1, cols: Math.max(...cols) - col + 1 });
    this.context.willLoad(range.loadState);
    return range;
  }

  activate(): void {
    this.context.record(`Worksheet.activate ${this.current}`, 0);
    this.context.state.activeSheet = this.current;
  }

  delete(): void {
    this.context.record(`Worksheet.delete ${this.current}`, 0, true);
    if (!checkStructure(this.context, `delete sheet "${this.current}"`)) return;
    const sheets = this.context.state.sheets;
    if (sheets.length <= 1) {
      this.context.fail('InvalidOperation', 'a workbook must keep at least one sheet');
      return;
    }
    const index = sheets.findIndex((s) => s.name.toLowerCase() === this.current.toLowerCase());
    if (index < 0) this.context.fail('ItemNotFound', `there is no sheet "${this.current}"`);
    else sheets.splice(index, 1);
  }

  load(_properties?: unknown): this {
    this.context.willLoad(this.loadState);
    return this;
  }
}

export class FakeRange {
  readonly loadState = { loaded: false };
  readonly format: FakeRangeFormat;

  constructor(
    private readonly context: FakeRequestContext,
    readonly worksheet: FakeWorksheet,
    readonly area: FakeArea,
    private readonly nullObject = false,
  ) {
    this.format = new FakeRangeFormat(context, this);
  }

  get isNullObject(): boolean {
    requireLoaded(this.loadState, 'Range.isNullObject');
    return this.nullObject;
  }

  get address(): string {
    return areaText(this.area);
  }

  /** Every cell of the range, creating missing ones. */
  eachCell(visit: (cell: FakeCell, r: number, c: number) => void): void {
    const sheet = this.worksheet.state();
    for (let r = 0; r < this.area.rows; r++) {
      for (let c = 0; c < this.area.cols; c++) {
        const key = `${this.area.row + r},${this.area.col + c}`;
        visit((sheet.cells[key] ??= {}), r, c);
      }
    }
  }

  /** A write: checks protection, then applies `value` (one value for every cell, or a matching 2-D array). */
  write(property: string, value: unknown, apply: (cell: FakeCell, input: CellInput) => void): void {
    this.context.record(`Range.${property} ${this.address}`, size(value), true);
    const sheet = this.worksheet.state();
    if (sheet.protected) {
      this.context.fail('AccessDenied', `sheet "${sheet.name}" is protected`);
      return;
    }
    if (Array.isArray(value)) {
      const rows = value as unknown[][];
      if (rows.length !== this.area.rows || rows.some((row) => !Array.isArray(row) || row.length !== this.area.cols)) {
        this.context.fail('InvalidArgument', `${property}: the array does not match ${this.address}`);
        return;
      }
      // null leaves a cell as it is, as Excel does.
      this.eachCell((cell, r, c) => {
        const input = rows[r]?.[c] as CellInput;
        if (input !== null) apply(cell, input);
      });
    } else {
      this.eachCell((cell) => apply(cell, value as CellInput));
    }
  }

  set values(value: unknown) {
    this.write('values', value, (cell, input) => {
      cell.input = input as string | number | boolean;
      delete cell.formulaR1C1;
    });
  }

  get values(): CellInput[][] {
    requireLoaded(this.loadState, 'Range.values');
    return this.read((cell) => (cell.input === undefined ? '' : typeof cell.input === 'string' && cell.input.startsWith('=') ? 0 : cell.input));
  }

  set formulas(value: unknown) {
    this.write('formulas', value, (cell, input) => {
      cell.input = input as string | number | boolean;
      delete cell.formulaR1C1;
    });
  }

  get formulas(): CellInput[][] {
    requireLoaded(this.loadState, 'Range.formulas');
    return this.read((cell) => cell.input ?? cell.formulaR1C1 ?? '');
  }

  set formulasR1C1(value: unknown) {
    this.write('formulasR1C1', value, (cell, input) => {
      cell.formulaR1C1 = String(input);
      delete cell.input;
    });
  }

  set numberFormat(value: unknown) {
    this.write('numberFormat', value, (cell, input) => (cell.numberFormat = String(input)));
  }

  private read(pick: (cell: FakeCell) => CellInput): CellInput[][] {
    const sheet = this.worksheet.state();
    return Array.from({ length: this.area.rows }, (_, r) =>
      Array.from({ length: this.area.cols }, (_, c) => {
        const cell = sheet.cells[`${this.area.row + r},${this.area.col + c}`];
        return cell ? pick(cell) : '';
      }),
    );
  }

  getEntireColumn(): FakeRange {
    this.context.record(`Range.getEntireColumn ${this.address}`, 0);
    return new FakeColumnRange(this.context, this.worksheet, { ...this.area, row: 0, rows: 1_048_576 });
  }

  merge(across = false): void {
    this.context.record(`Range.merge ${this.address} ${across}`, 0, true);
    this.worksheet.state().merges.push(this.area);
  }

  load(_properties?: unknown): this {
    this.context.willLoad(this.loadState);
    return this;
  }
}

/** A whole column: only its width may be set (formatting a million cells is not what the writer does). */
class FakeColumnRange extends FakeRange {
  override eachCell(): void {
    throw new FakeExcelError('InvalidOperation', 'the fake does not format entire columns cell by cell');
  }
}

class FakeRangeFormat {
  readonly font: { bold?: boolean; italic?: boolean; size?: number; color?: string };
  readonly fill: { color?: string };
  readonly protection: { locked?: boolean };
  readonly borders: { getItem(edge: string): { style?: string; weight?: string } };

  constructor(
    private readonly context: FakeRequestContext,
    private readonly range: FakeRange,
  ) {
    const set = <K extends keyof FakeCell>(property: string, key: K) => (value: FakeCell[K]) => {
      context.record(`Range.format.${property} ${range.address}`, size(value), true);
      range.eachCell((cell) => (cell[key] = value));
    };
    this.font = setters({ bold: set('font.bold', 'bold'), italic: set('font.italic', 'italic'), size: set('font.size', 'fontSize'), color: set('font.color', 'fontColor') });
    this.fill = setters({ color: set('fill.color', 'fill') });
    this.protection = setters({ locked: set('protection.locked', 'locked') });
    this.borders = {
      getItem(edge: string) {
        const border: { style?: string; weight?: string } = {};
        const update = () => {
          if (border.style === undefined || border.weight === undefined) return;
          context.record(`Range.format.borders ${edge} ${range.address}`, 0, true);
          const text = `${edge}:${border.style}:${border.weight}`;
          range.eachCell((cell) => (cell.borders = [...(cell.borders ?? []).filter((b) => !b.startsWith(`${edge}:`)), text]));
        };
        return setters({
          style: (v: string) => ((border.style = v), update()),
          weight: (v: string) => ((border.weight = v), update()),
        });
      },
    };
  }

  set columnWidth(points: number) {
    this.context.record(`Range.format.columnWidth ${this.range.address}`, size(points), true);
    const sheet = this.range.worksheet.state();
    for (let c = 0; c < this.range.area.cols; c++) sheet.columnWidths[String(this.range.area.col + c)] = points;
  }

  set horizontalAlignment(value: string) {
    this.context.record(`Range.format.horizontalAlignment ${this.range.address}`, size(value), true);
    this.range.eachCell((cell) => (cell.horizontal = value));
  }

  set wrapText(value: boolean) {
    this.context.record(`Range.format.wrapText ${this.range.address}`, 0, true);
    this.range.eachCell((cell) => (cell.wrapText = value));
  }
}

/** An object whose properties may only be set, each through its own function. */
function setters<T extends Record<string, (value: never) => unknown>>(table: T): { [K in keyof T]?: Parameters<T[K]>[0] } {
  const target = {};
  for (const [key, set] of Object.entries(table)) {
    Object.defineProperty(target, key, { set, get: () => undefined, enumerable: true });
  }
  return target as { [K in keyof T]?: Parameters<T[K]>[0] };
}

export class FakeChartCollection {
  items: FakeChartObject[] = [];
  private readonly loadState = { loaded: false };
  constructor(
    private readonly context: FakeRequestContext,
    private readonly sheet: () => FakeSheet,
  ) {}

  add(type: string, source: FakeRange, seriesBy: string): FakeChartObject {
    this.context.record(`Charts.add ${type} ${source.address}`, 60, true);
    const chart: FakeChart = { name: `Chart ${this.sheet().charts.length + 1}`, type, seriesBy, series: [{ name: 'Series1', values: source.area }] };
    if (source.area.cols !== 1 && seriesBy === 'Columns') this.context.fail('InvalidArgument', 'the fake expects one column per series');
    this.sheet().charts.push(chart);
    return new FakeChartObject(this.context, chart);
  }

  getItem(name: string): FakeChartObject {
    this.context.record(`Charts.getItem ${name}`, size(name));
    const chart = this.sheet().charts.find((c) => c.name === name);
    if (!chart) {
      this.context.fail('ItemNotFound', `there is no chart "${name}"`);
      return new FakeChartObject(this.context, { name, type: 'Line', seriesBy: 'Columns', series: [] });
    }
    return new FakeChartObject(this.context, chart);
  }

  getItemOrNullObject(name: string): FakeChartObject {
    this.context.record(`Charts.getItemOrNullObject ${name}`, size(name));
    const chart = this.sheet().charts.find((c) => c.name === name);
    const object = new FakeChartObject(this.context, chart ?? { name, type: 'Line', seriesBy: 'Columns', series: [] }, !chart);
    this.context.willLoad(object.loadState);
    return object;
  }

  load(_properties?: unknown): this {
    this.items = this.sheet().charts.map((c) => new FakeChartObject(this.context, c));
    this.context.willLoad(this.loadState);
    return this;
  }
}

export class FakeChartObject {
  readonly loadState = { loaded: false };
  readonly title: { text?: string };
  readonly axes: { categoryAxis: { title: { text?: string } }; valueAxis: { title: { text?: string } } };
  readonly series: { getItemAt(index: number): FakeSeriesObject; add(name?: string): FakeSeriesObject };

  constructor(
    private readonly context: FakeRequestContext,
    readonly chart: FakeChart,
    private readonly nullObject = false,
  ) {
    const record = (what: string, value: unknown) => context.record(`Chart.${what} ${chart.name}`, size(value), true);
    this.title = setters({ text: (v: string) => (record('title.text', v), (chart.title = v)) });
    this.axes = {
      categoryAxis: { title: setters({ text: (v: string) => (record('axes.categoryAxis.title.text', v), (chart.xAxisTitle = v)) }) },
      valueAxis: { title: setters({ text: (v: string) => (record('axes.valueAxis.title.text', v), (chart.yAxisTitle = v)) }) },
    };
    this.series = {
      getItemAt(index: number) {
        context.record(`Chart.series.getItemAt ${index}`, 0);
        const series = chart.series[index];
        if (!series) {
          context.fail('ItemNotFound', `chart "${chart.name}" has no series ${index}`);
          return new FakeSeriesObject(context, { name: '', values: { sheet: '', row: 0, col: 0, rows: 1, cols: 1 } });
        }
        return new FakeSeriesObject(context, series);
      },
      add(name = '') {
        context.record(`Chart.series.add ${name}`, size(name), true);
        const series: FakeSeries = { name, values: { sheet: '', row: 0, col: 0, rows: 0, cols: 0 } };
        chart.series.push(series);
        return new FakeSeriesObject(context, series);
      },
    };
  }

  get isNullObject(): boolean {
    requireLoaded(this.loadState, 'Chart.isNullObject');
    return this.nullObject;
  }

  get name(): string {
    return this.chart.name;
  }

  set name(value: string) {
    this.context.record(`Chart.name ${value}`, size(value), true);
    this.chart.name = value;
  }

  setPosition(from: string, to?: string): void {
    this.context.record(`Chart.setPosition ${from}:${to ?? ''}`, 20, true);
    parseA1(from);
    if (to !== undefined) parseA1(to);
    this.chart.from = from;
    if (to !== undefined) this.chart.to = to;
  }
}

export class FakeSeriesObject {
  constructor(
    private readonly context: FakeRequestContext,
    readonly series: FakeSeries,
  ) {}

  set name(value: string) {
    this.context.record(`ChartSeries.name ${value}`, size(value), true);
    this.series.name = value;
  }

  get name(): string {
    return this.series.name;
  }

  setValues(range: FakeRange): void {
    this.context.record(`ChartSeries.setValues ${range.address}`, 40, true);
    this.series.values = range.area;
  }

  setXAxisValues(range: FakeRange): void {
    this.context.record(`ChartSeries.setXAxisValues ${range.address}`, 40, true);
    this.series.xValues = range.area;
  }
}

export class FakeNamedItemCollection {
  constructor(private readonly context: FakeRequestContext) {}

  add(name: string, reference: FakeRange | string): { name: string } {
    this.context.record(`Names.add ${name}`, size(name), true);
    if (typeof reference === 'string') throw new FakeExcelError('InvalidArgument', 'the fake takes names of ranges only');
    const taken = Object.keys(this.context.state.names).some((n) => n.toLowerCase() === name.toLowerCase());
    if (taken) this.context.fail('ItemAlreadyExists', `the name "${name}" exists`);
    else this.context.state.names[name] = reference.area;
    return { name };
  }

  getItemOrNullObject(name: string): { readonly isNullObject: boolean; delete(): void } {
    this.context.record(`Names.getItemOrNullObject ${name}`, size(name));
    const context = this.context;
    const key = Object.keys(context.state.names).find((n) => n.toLowerCase() === name.toLowerCase());
    const loadState = { loaded: false };
    context.willLoad(loadState);
    return {
      get isNullObject() {
        requireLoaded(loadState, 'NamedItem.isNullObject');
        return key === undefined;
      },
      delete() {
        context.record(`NamedItem.delete ${name}`, 0, true);
        if (key === undefined) context.fail('ItemNotFound', `there is no name "${name}"`);
        else delete context.state.names[key];
      },
    };
  }
}

/** `Excel.run` over a workbook state: what the browser stub installs as the global `Excel`. */
export function fakeExcelRun(state: () => FakeWorkbookState, recording: FakeRecording, onDone?: (context: FakeRequestContext) => void) {
  return async <T>(batch: (context: FakeRequestContext) => Promise<T>): Promise<T> => {
    const context = new FakeRequestContext(state(), recording);
    try {
      return await batch(context);
    } finally {
      onDone?.(context);
    }
  };
}
