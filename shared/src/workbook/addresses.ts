import type { CellPosition, RangeRef } from './plan.js';
import { GradSheetError } from '../errors.js';

/** Zero-based column index → letters: 0 → "A", 25 → "Z", 26 → "AA". */
export function columnLetters(col: number): string {
  if (!Number.isInteger(col) || col < 0) throw new GradSheetError('INVALID_PLAN', `column index must be a non-negative integer, got ${col}`);
  let letters = '';
  let rest = col + 1;
  while (rest > 0) {
    const digit = (rest - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    rest = Math.floor((rest - 1) / 26);
  }
  return letters;
}

/** "A1"-style address of a zero-based position, optionally with `$` anchors. */
export function a1(pos: CellPosition, absolute: { row?: boolean; col?: boolean } = {}): string {
  return `${absolute.col ? '$' : ''}${columnLetters(pos.col)}${absolute.row ? '$' : ''}${pos.row + 1}`;
}

/**
 * Sheet name as it must appear in a formula: quoted unless it is a plain identifier
 * that cannot be mistaken for a cell address (a sheet named "AB12" or "R1C1" needs quotes).
 */
export function quoteSheetName(sheet: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(sheet);
  const looksLikeCell = /^[A-Za-z]{1,3}[0-9]+$/.test(sheet) || /^[Rr][0-9]*[Cc][0-9]*$/.test(sheet);
  return plain && !looksLikeCell ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

/** Absolute, sheet-qualified reference, e.g. `'LR Comparison'!$B$2:$B$101`. */
export function rangeFormula(range: RangeRef): string {
  const start = a1(range.start, { row: true, col: true });
  const end = a1(range.end, { row: true, col: true });
  const cells = start === end ? start : `${start}:${end}`;
  return `${quoteSheetName(range.sheet)}!${cells}`;
}

/** A range covering one cell. */
export function cellRange(sheet: string, row: number, col: number): RangeRef {
  return { sheet, start: { row, col }, end: { row, col } };
}

/** A vertical range of `length` cells starting at (row, col). */
export function columnRange(sheet: string, row: number, col: number, length: number): RangeRef {
  return { sheet, start: { row, col }, end: { row: row + length - 1, col } };
}
