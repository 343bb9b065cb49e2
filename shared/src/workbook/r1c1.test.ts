import { describe, expect, it } from 'vitest';
import { absoluteRef, r1c1ToA1, relativeRef } from './r1c1.js';

describe('R1C1 references', () => {
  it('writes relative and absolute references', () => {
    expect(relativeRef(3, 3)).toBe('RC');
    expect(relativeRef(1, 20, -1)).toBe('R[-1]C[19]');
    expect(relativeRef(10, 9)).toBe('RC[-1]');
    expect(absoluteRef({ row: 0, col: 1 })).toBe('R1C2');
  });

  it('turns an R1C1 formula into the A1 formula of a given cell', () => {
    expect(r1c1ToA1('R[-1]C-LearningRate*R[-1]C[19]', { row: 2, col: 1 })).toBe('B2-LearningRate*U2');
    expect(r1c1ToA1('1/(1+EXP(-RC[-1]))', { row: 1, col: 10 })).toBe('1/(1+EXP(-J2))');
    expect(r1c1ToA1("'LR Runs'!R[1]C[11]", { row: 1, col: 1 })).toBe("'LR Runs'!M3");
    expect(r1c1ToA1("A!R[-1]C-'LR Comparison'!R1C2*RC", { row: 5, col: 27 })).toBe("A!AB5-'LR Comparison'!$B$1*AB6");
  });

  it('leaves defined names and string literals alone', () => {
    expect(r1c1ToA1('RC[1]*Target_t1+Initial_w1+LearningRate', { row: 0, col: 0 })).toBe('B1*Target_t1+Initial_w1+LearningRate');
    expect(r1c1ToA1('"RC[1] stays"&RC[1]', { row: 0, col: 0 })).toBe('"RC[1] stays"&B1');
  });

  it('refuses a reference that leaves the sheet', () => {
    expect(() => r1c1ToA1('R[-1]C', { row: 0, col: 0 })).toThrow(/leaves the sheet/);
  });
});
