import { a1, assertState, checkDigitGrid, DIGIT_SIDE, errorCodeOf, GradSheetError, TRY_IT, tryItPlan, type Prediction } from '@gradsheet/shared';
import type { ExcelRun } from './excel-run.js';
import { applyWorkbookPlan } from './plan-writer.js';

/**
 * The Try it sheet in the open workbook: added once, its 28×28 grid read back in one
 * sync and checked as every digit grid is, and a prediction's ten probabilities
 * written into the cells beside it (its bar chart and "Predicted digit" follow them).
 */

/** Adds the Try it sheet when the workbook has none, and shows it; answers whether it was added. */
export async function addTryItSheet(context: Excel.RequestContext): Promise<boolean> {
  try {
    await applyWorkbookPlan(context, tryItPlan());
    return true;
  } catch (error) {
    if (errorCodeOf(error) !== 'NAMES_TAKEN') throw error;
    // Already there, with whatever the learner drew: keep it.
    context.workbook.worksheets.getItem(TRY_IT.sheet).activate();
    await context.sync();
    return false;
  }
}

const gridRange = (context: Excel.RequestContext) =>
  context.workbook.worksheets.getItem(TRY_IT.sheet).getRangeByIndexes(TRY_IT.grid.start.row, TRY_IT.grid.start.col, DIGIT_SIDE, DIGIT_SIDE);

/** No Try it sheet to read: the learner deleted or renamed it, or never added it. */
export function noTryItSheet(): GradSheetError {
  return new GradSheetError('SHEET_GONE', `This workbook has no sheet “${TRY_IT.sheet}”. Press Try it to add it, draw a digit in its grid, then press Predict.`);
}

/**
 * The drawn digit, 28 rows of 28 values from 0 to 1 (a blank cell is 0), read in one sync.
 * A cell that is not such a number is one INVALID_INPUT naming it as Excel does (E7).
 */
export async function readTryItGrid(context: Excel.RequestContext): Promise<number[][]> {
  const range = gridRange(context).load('values');
  try {
    await context.sync();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ItemNotFound') throw noTryItSheet();
    throw error;
  }
  let pixels: number[];
  try {
    pixels = checkDigitGrid(range.values, 'the Try it grid');
  } catch (error) {
    const details = (error as GradSheetError).details as { row?: unknown; column?: unknown; problem?: unknown } | undefined;
    if (typeof details?.row !== 'number' || typeof details.column !== 'number') throw error;
    const cell = a1({ row: TRY_IT.grid.start.row + details.row - 1, col: TRY_IT.grid.start.col + details.column - 1 });
    throw new GradSheetError(
      'INVALID_INPUT',
      `Cell ${cell} on the ${TRY_IT.sheet} sheet ${String(details.problem)}, so nothing was sent: type a number from 0 (paper) to 1 (ink) there, or clear it`,
      { cell },
    );
  }
  return Array.from({ length: DIGIT_SIDE }, (_, r) => pixels.slice(r * DIGIT_SIDE, (r + 1) * DIGIT_SIDE));
}

/** Writes the ten probabilities, digit 0 on top, into the sheet's probability cells (open to the pane on the protected sheet). */
export async function writeTryItProbabilities(context: Excel.RequestContext, probabilities: readonly number[]): Promise<void> {
  assertState(probabilities.length === 10 && probabilities.every((p) => Number.isFinite(p)), `a prediction has ten probabilities, not ${JSON.stringify(probabilities).slice(0, 80)}`);
  const { start } = TRY_IT.probabilities;
  context.workbook.worksheets.getItem(TRY_IT.sheet).getRangeByIndexes(start.row, start.col, 10, 1).values = probabilities.map((p) => [p]);
  try {
    await context.sync();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ItemNotFound') throw noTryItSheet();
    throw error;
  }
}

/**
 * Predict: the drawn digit read (one sync), sent to `ask` only when every cell is a
 * number from 0 to 1, and the answer's probabilities written beside the grid (one sync).
 */
export async function predictDrawnDigit(excel: ExcelRun, ask: (grid: number[][]) => Promise<Prediction>): Promise<Prediction> {
  const grid = await excel(readTryItGrid);
  const prediction = await ask(grid);
  await excel((context) => writeTryItProbabilities(context, prediction.probabilities));
  return prediction;
}
