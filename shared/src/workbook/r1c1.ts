import { a1, columnLetters } from './addresses.js';
import type { CellPosition } from './plan.js';
import { GradSheetError } from '../errors.js';

/**
 * R1C1 references, the notation in which a filled-down formula is the same text
 * in every cell. `R[-1]C[2]` is one row up and two columns right of the cell that
 * holds the formula; `R1C2` is the absolute cell B1.
 */

/** Relative reference from a cell in column `fromCol` to column `toCol`, `rowOffset` rows away. */
export function relativeRef(fromCol: number, toCol: number, rowOffset = 0): string {
  const row = rowOffset === 0 ? 'R' : `R[${rowOffset}]`;
  const colOffset = toCol - fromCol;
  const col = colOffset === 0 ? 'C' : `C[${colOffset}]`;
  return row + col;
}

/** Absolute R1C1 reference to a zero-based position. */
export function absoluteRef(pos: CellPosition): string {
  return `R${pos.row + 1}C${pos.col + 1}`;
}

// A reference token, not preceded by a name character, so that names such as
// "LearningRate" or "Target_t1" are left alone.
const R1C1_TOKEN = /(?<![A-Za-z0-9_.])R(\[-?\d+\]|\d+)?C(\[-?\d+\]|\d+)?(?![A-Za-z0-9_.(])/g;

/** Rewrites an R1C1 formula as the A1 formula it becomes in the cell at `at`. String literals are left untouched. */
export function r1c1ToA1(formula: string, at: CellPosition): string {
  return formula
    .split(/("(?:[^"]|"")*")/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(R1C1_TOKEN, (_m, row?: string, col?: string) => toA1(row, col, at))))
    .join('');
}

function toA1(row: string | undefined, col: string | undefined, at: CellPosition): string {
  const resolve = (part: string | undefined, base: number): { index: number; absolute: boolean } => {
    if (part === undefined) return { index: base, absolute: false };
    if (part.startsWith('[')) return { index: base + Number(part.slice(1, -1)), absolute: false };
    return { index: Number(part) - 1, absolute: true };
  };
  const r = resolve(row, at.row);
  const c = resolve(col, at.col);
  if (r.index < 0 || c.index < 0) throw new GradSheetError('INVALID_PLAN', `R1C1 reference leaves the sheet from ${columnLetters(at.col)}${at.row + 1}`);
  return a1({ row: r.index, col: c.index }, { row: r.absolute, col: c.absolute });
}
