import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { checkDigitGrid } from './digit-grid.js';

const blank = () => Array.from({ length: 28 }, () => new Array<unknown>(28).fill(0));

function refusal(raw: unknown): string {
  try {
    checkDigitGrid(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(GradSheetError);
    expect((error as GradSheetError).code).toBe('INVALID_INPUT');
    return (error as GradSheetError).message;
  }
  throw new Error('the grid was accepted');
}

describe('checkDigitGrid', () => {
  it('gives the 784 values row by row; blank cells are paper', () => {
    const grid = blank();
    (grid[2] as unknown[])[5] = 0.5;
    (grid[27] as unknown[])[27] = 1;
    (grid[0] as unknown[])[0] = null;
    (grid[0] as unknown[])[1] = ' ';
    const values = checkDigitGrid(grid);
    expect(values).toHaveLength(784);
    expect(values[2 * 28 + 5]).toBe(0.5);
    expect(values[783]).toBe(1);
    expect(values.filter((v) => v !== 0)).toEqual([0.5, 1]);
  });

  it('names the first bad row or cell, counted from 1', () => {
    expect(refusal('7')).toBe('grid must be 28 rows of 28 values from 0 (paper) to 1 (ink)');
    expect(refusal(blank().slice(1))).toBe('grid must be 28 rows of 28 values from 0 (paper) to 1 (ink); it has 27 rows');
    const short = blank();
    short[3] = new Array(27).fill(0);
    expect(refusal(short)).toBe('grid row 4 has 27 values, not 28');
    const flat = blank();
    flat[0] = 0 as unknown as unknown[];
    expect(refusal(flat)).toBe('grid row 1 must be a list of 28 values');
    const text = blank();
    (text[2] as unknown[])[4] = 'ink';
    expect(refusal(text)).toBe('grid row 3, column 5 is "ink", not a number from 0 to 1');
    const high = blank();
    (high[27] as unknown[])[0] = 1.5;
    expect(refusal(high)).toBe('grid row 28, column 1 is 1.5, outside 0 (paper) to 1 (ink)');
    const boolean = blank();
    (boolean[0] as unknown[])[0] = true;
    expect(refusal(boolean)).toBe('grid row 1, column 1 is true, not a number from 0 to 1');
  });

  it('gives a bad cell’s row, column and problem, for a sheet to name the cell its own way', () => {
    const text = blank();
    (text[2] as unknown[])[4] = 'ink';
    try {
      checkDigitGrid(text, 'the grid');
      throw new Error('the grid was accepted');
    } catch (error) {
      expect((error as GradSheetError).details).toEqual({ row: 3, column: 5, problem: 'is "ink", not a number from 0 to 1' });
    }
  });
});
