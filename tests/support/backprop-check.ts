import { expect } from 'vitest';
import { runBackprop, type BackpropWorkbookOptions, type StepRecord } from '@gradsheet/shared';
import { numberAt } from './libreoffice.js';

/** |a − b| ≤ 1e-9·|b| + 1e-20; the absolute floor covers LibreOffice's 20-decimal CSV output of tiny numbers. */
export function expectClose(actual: number, expected: number, where: string): void {
  const tolerance = 1e-9 * Math.abs(expected) + 1e-20;
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`${where}: LibreOffice computed ${actual}, the float64 engine ${expected} (relative error ${Math.abs(actual - expected) / Math.abs(expected)})`);
  }
}

/** Columns of the Backprop sheet: weights B..I, E_total T. */
const WEIGHT_COLS = [1, 2, 3, 4, 5, 6, 7, 8];
const E_TOTAL_COL = 19;

/**
 * Compares every E_total and weight of the Backprop sheet, and every E_total of
 * LR Comparison, as recalculated by LibreOffice, with the float64 engine.
 */
export function expectWorkbookMatchesEngine(sheets: Map<string, string[][]>, options: BackpropWorkbookOptions): void {
  const backprop = sheets.get('Backprop');
  const comparison = sheets.get('LR Comparison');
  if (!backprop || !comparison) throw new Error(`missing sheets; got ${[...sheets.keys()].join(', ')}`);

  const records = runBackprop(options.initialWeights, options.inputs, options.targets, options.learningRate, options.steps);
  expect(backprop.length - 1).toBeGreaterThanOrEqual(options.steps);
  records.forEach((record: StepRecord, index) => {
    const row = index + 1;
    expect(numberAt(backprop, row, 0)).toBe(index);
    expectClose(numberAt(backprop, row, E_TOTAL_COL), record.eTotal, `Backprop step ${index} E_total`);
    WEIGHT_COLS.forEach((col, k) => expectClose(numberAt(backprop, row, col), record.weights[k] as number, `Backprop step ${index} w${k + 1}`));
  });

  expect(comparison[0]?.[0]).toBe('Step');
  options.comparisonLearningRates.forEach((lr, j) => {
    expect(numberAt(comparison, 0, 1 + j)).toBe(lr);
    const run = runBackprop(options.initialWeights, options.inputs, options.targets, lr, options.steps);
    run.forEach((record, index) => {
      expect(numberAt(comparison, index + 1, 0)).toBe(index);
      expectClose(numberAt(comparison, index + 1, 1 + j), record.eTotal, `LR Comparison η=${lr} step ${index}`);
    });
  });
}
