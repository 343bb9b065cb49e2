/**
 * The request context: every call is recorded with its payload, syncs are counted,
 * and the errors Excel would report are raised at `sync()`, as Office.js does.
 */
import { FakeExcelError } from './errors.js';
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
}

/** A request context over a workbook state; every call is recorded into `recording`. */
export class FakeRequestContext {
  readonly workbook: FakeWorkbook;
  readonly application: { suspendApiCalculationUntilNextSync(): void; calculationMode: string };
  readonly excelApi: string;
  /** Errors Excel would report at the next sync. */
  private failures: FakeExcelError[] = [];
  /** Objects whose loaded properties become readable at the next sync. */
  private loading: Array<{ loaded: boolean }> = [];

  constructor(
    readonly state: FakeWorkbookState,
    readonly recording: FakeRecording = newRecording(),
    options: FakeExcelOptions = {},
  ) {
    this.excelApi = options.excelApi ?? LATEST_EXCEL_API;
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
