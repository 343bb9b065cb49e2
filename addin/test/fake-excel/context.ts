/**
 * The request context: every call is recorded with its payload, syncs are counted,
 * and the errors Excel would report are raised at `sync()`, as Office.js does. While
 * the learner types in a cell, a sync fails with InvalidOperationInCellEditMode and
 * leaves the workbook as it was, unless the batch asked Excel to wait (`delayForCellEdit`).
 */
import { FakeExcelError, requireLoaded } from './errors.js';
import { excelApiAtLeast, LATEST_EXCEL_API } from './requirements.js';
import type { FakeSheet, FakeWorkbookState } from './state.js';
import { FakeWorkbook } from './workbook.js';

/** Excel on the web refuses a request over this size. */
export const FAKE_REQUEST_LIMIT = 5 * 1024 * 1024;
/** What one queued call costs besides its payload (object path, ids, method name). */
const CALL_BYTES = 200;

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

export function newRecording(): FakeRecording {
  return { syncs: 0, batches: [newBatch()] };
}

function newBatch(): FakeBatch {
  return { calls: [], bytes: 0, writesBeforeSuspend: 0, calculationSuspended: false };
}

export interface FakeExcelOptions {
  /** The newest ExcelApi requirement set this Excel supports, e.g. "1.7"; newer APIs fail with ApiNotFound. */
  readonly excelApi?: string;
  /**
   * Values, formulas and number formats must be 2-D arrays matching their range. Microsoft's
   * reference stopped promising that one value fills a whole range, so a strict fake refuses it.
   */
  readonly strict?: boolean;
  /** `Excel.run({ delayForCellEdit: true }, …)`: a sync made while the learner types in a cell waits until they leave it. */
  readonly delayForCellEdit?: boolean;
}

/** What Excel says when a batch reaches it while the learner is typing in a cell (Office.js' own message). */
export const CELL_EDIT_MESSAGE = 'Excel is in cell-editing mode. Please exit the edit mode by pressing ENTER or TAB or selecting another cell, and then try again.';

/** `application.calculate`'s types (Excel.CalculationType). */
const CALCULATION_TYPES = ['Recalculate', 'Full', 'FullRebuild'];

/** `context.application`: calculation, as far as GradSheet uses it. */
export class FakeApplication {
  private readonly loadState = { loaded: false };
  constructor(private readonly context: FakeRequestContext) {}

  suspendApiCalculationUntilNextSync(): void {
    this.context.batch.calculationSuspended = true;
    this.context.record('Application.suspendApiCalculationUntilNextSync', 0);
  }

  get calculationMode(): string {
    requireLoaded(this.loadState, 'Application.calculationMode');
    return this.context.state.calculationMode ?? 'Automatic';
  }

  calculate(type: string): void {
    this.context.record(`Application.calculate ${type}`, 0);
    if (!CALCULATION_TYPES.includes(type)) this.context.fail('InvalidArgument', `no calculation type "${type}"`);
    else (this.context.state.calculations ??= []).push(type);
  }

  load(_properties?: unknown): this {
    this.context.record('Application.load', 0);
    this.context.willLoad(this.loadState);
    return this;
  }
}

/** A request context over a workbook state; every call is recorded into `recording`. */
export class FakeRequestContext {
  readonly workbook: FakeWorkbook;
  readonly application: FakeApplication;
  readonly excelApi: string;
  readonly strict: boolean;
  private readonly delayForCellEdit: boolean;
  /** Errors Excel would report at the next sync. */
  private failures: FakeExcelError[] = [];
  /** Objects whose loaded properties become readable at the next sync. */
  private loading: Array<{ loaded: boolean }> = [];
  /** The workbook as it was when this batch began while a cell was being edited: Excel applies none of such a batch. */
  private beforeCellEdit: string | undefined;

  constructor(
    readonly state: FakeWorkbookState,
    readonly recording: FakeRecording = newRecording(),
    options: FakeExcelOptions = {},
  ) {
    this.excelApi = options.excelApi ?? LATEST_EXCEL_API;
    this.strict = options.strict ?? false;
    this.delayForCellEdit = options.delayForCellEdit ?? false;
    this.workbook = new FakeWorkbook(this);
    this.application = new FakeApplication(this);
  }

  get batch(): FakeBatch {
    return this.recording.batches[this.recording.batches.length - 1] as FakeBatch;
  }

  /** Records a call; `write` marks calls that change the workbook. */
  record(call: string, payload: number, write = false): void {
    if (this.batch.calls.length === 0 && this.state.cellEditing && !this.delayForCellEdit) this.beforeCellEdit = JSON.stringify(this.state);
    this.batch.calls.push(call);
    this.batch.bytes += CALL_BYTES + payload;
    if (write && !this.batch.calculationSuspended) this.batch.writesBeforeSuspend++;
  }

  fail(code: string, message: string): void {
    this.failures.push(new FakeExcelError(code, message));
  }

  /** An API of ExcelApi `version`: on an older Excel the request fails at sync, as Office.js does. Says whether it is there. */
  requires(version: string, api: string): boolean {
    if (excelApiAtLeast(this.excelApi, version)) return true;
    this.fail('ApiNotFound', `${api} needs ExcelApi ${version}; this Excel supports ${this.excelApi}`);
    return false;
  }

  willLoad(target: { loaded: boolean }): void {
    this.loading.push(target);
  }

  async sync(): Promise<void> {
    const batch = this.batch;
    const before = this.beforeCellEdit;
    this.beforeCellEdit = undefined;
    this.recording.syncs++;
    this.recording.batches.push(newBatch());
    if (batch.calls.length > 0 && this.state.cellEditing) {
      if (this.delayForCellEdit) {
        // Excel holds the batch until the learner leaves the cell.
        while (this.state.cellEditing) await new Promise((resolve) => setTimeout(resolve, 5));
      } else {
        this.loading = [];
        this.failures = [];
        if (before !== undefined) restore(this.state, JSON.parse(before) as FakeWorkbookState);
        throw new FakeExcelError('InvalidOperationInCellEditMode', CELL_EDIT_MESSAGE);
      }
    }
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

/** Puts the workbook back as it was, in place: tests and the stub hold the state object itself. */
function restore(state: FakeWorkbookState, saved: FakeWorkbookState): void {
  for (const key of Object.keys(state) as (keyof FakeWorkbookState)[]) delete state[key];
  Object.assign(state, saved);
}
