import { GradSheetError, invalidInput } from '../errors.js';
import { DIGIT_SIDE } from './analysis.types.js';

/** A digit's pixel count: 28×28. */
export const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;

/** What a grid must be, said once for every message. */
const GRID_RULE = `${DIGIT_SIDE} rows of ${DIGIT_SIDE} values from 0 (paper) to 1 (ink)`;

/**
 * A digit drawn in cells, from untrusted input (a request body, a CSV file, a
 * sheet's values): 28 rows of 28 numbers from 0 (paper) to 1 (ink), as the Try it
 * sheet holds them. A blank cell (null or an empty string) is paper, as in the
 * sheet. Returns the 784 values row by row; anything else is one INVALID_INPUT
 * that names the first bad row or cell, counted from 1 as a learner counts them.
 * A bad cell's error also gives its `row`, `column` (from 1) and `problem`, so that a
 * sheet can name the cell as its spreadsheet does.
 */
export function checkDigitGrid(raw: unknown, name = 'grid'): number[] {
  if (!Array.isArray(raw)) throw invalidInput(`${name} must be ${GRID_RULE}`);
  if (raw.length !== DIGIT_SIDE) throw invalidInput(`${name} must be ${GRID_RULE}; it has ${raw.length} row${raw.length === 1 ? '' : 's'}`);
  const values: number[] = [];
  raw.forEach((row: unknown, r) => {
    if (!Array.isArray(row)) throw invalidInput(`${name} row ${r + 1} must be a list of ${DIGIT_SIDE} values`);
    if (row.length !== DIGIT_SIDE) throw invalidInput(`${name} row ${r + 1} has ${row.length} value${row.length === 1 ? '' : 's'}, not ${DIGIT_SIDE}`);
    row.forEach((cell: unknown, c) => {
      const problem = cellProblem(cell);
      if (problem !== null) throw new GradSheetError('INVALID_INPUT', `${name} row ${r + 1}, column ${c + 1} ${problem}`, { row: r + 1, column: c + 1, problem });
      values.push(typeof cell === 'number' ? cell : 0);
    });
  });
  return values;
}

/** Why a cell is not a pixel ("is "x", not a number from 0 to 1"), or null for a number from 0 to 1 or a blank. */
function cellProblem(cell: unknown): string | null {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return null;
  if (typeof cell !== 'number' || !Number.isFinite(cell)) {
    const shown = typeof cell === 'string' ? `"${cell.length > 20 ? `${cell.slice(0, 20)}…` : cell}"` : String(JSON.stringify(cell) ?? cell);
    return `is ${shown}, not a number from 0 to 1`;
  }
  if (cell < 0 || cell > 1) return `is ${cell}, outside 0 (paper) to 1 (ink)`;
  return null;
}
