/**
 * `Excel.run` over the fake, for the unit tests and the browser's office.js stub alike:
 * each batch gets a fresh request context on the workbook, as each Excel.run does, and
 * takes Excel.run's options first when given (`delayForCellEdit`).
 */
import { FakeRequestContext, newRecording, type FakeExcelOptions } from './context.js';
import type { FakeWorkbookState } from './state.js';

/** What one Excel.run did: for tests to count syncs and request sizes. */
export interface FakeRunRecord {
  readonly syncs: number;
  readonly bytes: readonly number[];
  /** Calls queued but never synced when the batch returned. */
  readonly unsynced: number;
  /** Excel.run's options, when the batch was given any. */
  readonly options?: { readonly delayForCellEdit?: boolean };
  readonly error?: string;
}

type Batch<T> = (context: FakeRequestContext) => Promise<T>;

export interface FakeExcelRun {
  <T>(batch: Batch<T>): Promise<T>;
  <T>(options: { delayForCellEdit?: boolean }, batch: Batch<T>): Promise<T>;
}

/**
 * An Excel.run over the workbook `open()` gives; `close(state, record)` is called after
 * each batch, with the workbook as the batch left it (Excel keeps what synced).
 */
export function fakeExcelRun(
  open: () => FakeWorkbookState,
  options: FakeExcelOptions = {},
  close: (state: FakeWorkbookState, record: FakeRunRecord) => void = () => {},
): FakeExcelRun {
  return (async <T>(first: Batch<T> | { delayForCellEdit?: boolean }, second?: Batch<T>): Promise<T> => {
    const [runOptions, batch] = typeof first === 'function' ? [undefined, first] : [first, second as Batch<T>];
    const state = open();
    const recording = newRecording();
    const context = new FakeRequestContext(state, recording, { ...options, delayForCellEdit: runOptions?.delayForCellEdit === true });
    let error: string | undefined;
    try {
      return await batch(context);
    } catch (thrown) {
      error = String((thrown as { code?: string }).code ?? thrown);
      throw thrown;
    } finally {
      close(state, {
        syncs: recording.syncs,
        bytes: recording.batches.slice(0, recording.syncs).map((b) => b.bytes),
        unsynced: context.pendingCalls,
        ...(runOptions ? { options: runOptions } : {}),
        ...(error ? { error } : {}),
      });
    }
  }) as FakeExcelRun;
}
