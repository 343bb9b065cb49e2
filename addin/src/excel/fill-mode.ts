/**
 * How this Excel takes one formula for a whole column.
 *
 * Setting a multi-cell range's `formulasR1C1` to one string fills every cell with it in
 * the Excels GradSheet has been written against, but Microsoft took that promise out
 * of the Range reference in 2020 after a product bug, and the typings declare a 2-D
 * array. So the pane asks Excel once per session: it writes one formula to two cells,
 * reads them back and compares. Where one value does not fill the range, the top cell
 * gets the formula and `copyFrom` pastes it down (ExcelApi 1.9, checked at run time);
 * on an older Excel the column goes in as 2-D arrays, cut to fit the request budget.
 */
import { excelApiSupported } from './requirements.js';

export type FillMode = 'one-value' | 'copy-down' | 'arrays';

/** Range.copyFrom arrived in ExcelApi 1.9. */
export const COPY_FROM_API = '1.9';

let sessionFillMode: FillMode | undefined;

/** What the probe found in this session, if it has run. */
export function rememberedFillMode(): FillMode | undefined {
  return sessionFillMode;
}

/** Forgets the answer, as a reloaded pane would: for tests that change the Excel they stand for. */
export function forgetFillMode(): void {
  sessionFillMode = undefined;
}

/** The way to fill when one value does not fill a range. */
export function fallbackFillMode(): FillMode {
  return excelApiSupported(COPY_FROM_API) ? 'copy-down' : 'arrays';
}

/**
 * Writes `formulaR1C1` as one value to `probe` (two or more cells that are the writer's
 * to overwrite), reads the cells back in the same sync and remembers the answer. A
 * refusal (Excel raises InvalidArgument for a value where it wants an array) means no;
 * a refusal because the learner is typing in a cell is passed on.
 */
export async function detectFillMode(context: Excel.RequestContext, probe: Excel.Range, formulaR1C1: string): Promise<FillMode> {
  (probe as unknown as { formulasR1C1: string }).formulasR1C1 = formulaR1C1;
  probe.load('formulasR1C1');
  let filled: boolean;
  try {
    await context.sync();
    const cells = probe.formulasR1C1.flat();
    const first = cells[0];
    filled = cells.length > 1 && typeof first === 'string' && first.startsWith('=') && cells.every((cell) => cell === first);
  } catch (error) {
    if ((error as { code?: string }).code === 'InvalidOperationInCellEditMode') throw error;
    filled = false;
  }
  sessionFillMode = filled ? 'one-value' : fallbackFillMode();
  return sessionFillMode;
}
