/**
 * `Excel.run` as the pane uses it, and the refusals worth trying again.
 *
 * By default Excel refuses a batch that reaches it while the learner is typing in a
 * cell. With `delayForCellEdit` Excel holds the batch until they leave the cell; an
 * Excel too old to know the option ignores it and refuses as before, which is why the
 * writes of a run are also tried again (epoch-buffer.ts).
 */

/** `Excel.run`, passed in so that tests and the browser stub can give their own. */
export type ExcelRun = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

export const runInExcel: ExcelRun = (batch) => Excel.run({ delayForCellEdit: true }, batch);

/**
 * Excel's codes for a batch that may go through if sent again: the learner is typing in
 * a cell, or Excel on the web is throttling the add-in.
 */
const TRANSIENT_CODES: readonly string[] = ['InvalidOperationInCellEditMode', 'ActivityLimitReached'];

export function isTransientExcelError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.includes(code);
}
