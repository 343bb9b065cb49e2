import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../training/config.js';
import type { PlanCell, SheetPlan } from '../workbook/plan.js';
import { compareRunsPlan, MAX_COMPARED_RUNS, RUN_EPOCHS_LAYOUT as E, RUNS_COL, RUNS_LAYOUT as R, runEpochsColumn, runFigures, type CompareRunInput } from './runs-plan.js';

function metrics(accuracies: number[], seconds = 40): EpochMetrics[] {
  return accuracies.map((testAcc, i) => ({
    epoch: i + 1,
    trainLoss: 0.5 / (i + 1),
    trainAcc: testAcc - 0.01,
    testLoss: 0.2 / (i + 1),
    testAcc,
    testCorrect: Math.round(testAcc * 10_000),
    testCount: 10_000,
    lr: 0.01,
    seconds: seconds + i,
    imagesPerSecond: 60_000 / (seconds + i),
  }));
}

const runs: CompareRunInput[] = [
  { id: 'run-a', title: 'gradsheet-7774', params: 7774, metrics: metrics([0.981, 0.989, 0.9925, 0.994, 0.9938, 0.9946]) },
  { id: 'run-b', title: 'seed-19698', params: 19698, metrics: metrics([0.985, 0.991, 0.9931], 55) },
  { id: 'run-c', title: 'my design', params: 12000, metrics: [] },
];

const cellsOf = (sheet: SheetPlan) => {
  const cells = new Map<string, Exclude<PlanCell, null>>();
  sheet.blocks.forEach((b) => b.rows.forEach((row, r) => row.forEach((cell, c) => cell && cells.set(`${b.origin.row + r},${b.origin.col + c}`, cell))));
  return (row: number, col: number) => cells.get(`${row},${col}`);
};

describe('compareRunsPlan', () => {
  const plan = compareRunsPlan(runs);
  const [runsSheet, epochsSheet] = plan.sheets as [SheetPlan, SheetPlan];
  const table = cellsOf(runsSheet);
  const epochs = cellsOf(epochsSheet);

  it('writes a Runs sheet and an Epochs sheet, every run’s epochs side by side', () => {
    expect(plan.sheets.map((s) => s.name)).toEqual(['Runs', 'Epochs']);
    expect(epochs(E.firstRow + 5, E.epochCol)).toMatchObject({ value: 6 });
    expect(epochs(E.firstRow + 6, E.epochCol)).toBeUndefined();
    expect(epochs(E.titleRow, runEpochsColumn(1))).toMatchObject({ value: 'seed-19698 (run-b)' });
    expect(epochs(E.firstRow + 2, runEpochsColumn(1))).toMatchObject({ value: 0.9931 });
    expect(epochs(E.firstRow + 3, runEpochsColumn(1))).toBeUndefined();
    expect(epochs(E.firstRow + 3, runEpochsColumn(0) + 4)).toMatchObject({ formula: "IF(AND(ISNUMBER(B6),B6>=Runs!$B$3),$A6,\"\")", result: 4 });
    expect(epochs(E.firstRow + 2, runEpochsColumn(0) + 4)).toMatchObject({ result: '' });
  });

  it('gives each run one row of formulas over its own epochs, with the results they give', () => {
    const row = (r: number) => R.columns.map((_, c) => table(R.firstRow + r, c));
    const a = row(0);
    expect(a[RUNS_COL.run]).toMatchObject({ value: 'run-a' });
    expect(a[RUNS_COL.model]).toMatchObject({ value: 'gradsheet-7774' });
    expect(a[RUNS_COL.params]).toMatchObject({ value: 7774 });
    expect(a[RUNS_COL.epochs]).toMatchObject({ formula: 'COUNTA(Epochs!$B$3:$B$8)', result: 6 });
    expect(a[RUNS_COL.best]).toMatchObject({ formula: 'MAX(Epochs!$B$3:$B$8)', result: 0.9946 });
    expect(a[RUNS_COL.lastThree]).toMatchObject({ formula: 'AVERAGE(Epochs!$B$6:$B$8)', result: (0.994 + 0.9938 + 0.9946) / 3 });
    expect(a[RUNS_COL.firstAtTarget]).toMatchObject({ formula: 'IF(COUNT(Epochs!$F$3:$F$8)=0,"",MIN(Epochs!$F$3:$F$8))', result: 4 });
    expect(a[RUNS_COL.minutes]).toMatchObject({ formula: 'SUM(Epochs!$D$3:$D$8)/60', result: (40 + 41 + 42 + 43 + 44 + 45) / 60 });
    const b = row(1);
    expect(b[RUNS_COL.epochs]).toMatchObject({ formula: 'COUNTA(Epochs!$G$3:$G$5)', result: 3 });
    expect(b[RUNS_COL.firstAtTarget]).toMatchObject({ result: '' });
    expect(b[RUNS_COL.imagesPerSecond]).toMatchObject({ result: (60_000 / 55 + 60_000 / 56 + 60_000 / 57) / 3 });
    const c = row(2);
    expect(c[RUNS_COL.epochs]).toMatchObject({ value: 0 });
    expect(c[RUNS_COL.best]).toMatchObject({ value: 'no epoch finished yet' });
    expect(table(R.target.row, R.target.col)).toMatchObject({ value: 0.994 });
  });

  it('charts test accuracy and test loss against epoch, one series per run named by its header', () => {
    const [accuracy, loss] = runsSheet.charts;
    expect(runsSheet.charts).toHaveLength(2);
    for (const [chart, offset] of [[accuracy, 0], [loss, 1]] as const) {
      expect(chart?.kind).toBe('line');
      expect(chart?.series).toHaveLength(runs.length);
      expect(chart?.categories).toEqual({ sheet: 'Epochs', start: { row: 2, col: 0 }, end: { row: 7, col: 0 } });
      chart?.series.forEach((series, r) => {
        expect(series.name).toEqual({ sheet: 'Epochs', start: { row: 0, col: runEpochsColumn(r) }, end: { row: 0, col: runEpochsColumn(r) } });
        expect(series.values).toEqual({ sheet: 'Epochs', start: { row: 2, col: runEpochsColumn(r) + offset }, end: { row: 7, col: runEpochsColumn(r) + offset } });
      });
    }
    expect(accuracy?.title).toMatch(/accuracy/);
    expect(loss?.title).toMatch(/loss/);
    expect(compareRunsPlan([runs[2]!]).sheets[0]?.charts).toEqual([]);
  });

  it('computes the figures as the formulas do: text (a diverged value) is skipped, a short run averages what it has', () => {
    const diverged = metrics([0.5, Number.NaN]);
    expect(runFigures(diverged)).toMatchObject({ epochs: 2, best: 0.5, lastThree: 0.5, firstAtTarget: '' });
    expect(runFigures(metrics([0.995]))).toMatchObject({ lastThree: 0.995, firstAtTarget: 1 });
    const cells = cellsOf(compareRunsPlan([{ id: 'x', title: 'x', params: 1, metrics: diverged }]).sheets[1]!);
    expect(cells(E.firstRow + 1, runEpochsColumn(0))).toEqual({ value: 'NaN' });
  });

  it('refuses no runs, too many, and the same run twice', () => {
    expect(() => compareRunsPlan([])).toThrow(/at least one/);
    expect(() => compareRunsPlan(Array.from({ length: MAX_COMPARED_RUNS + 1 }, (_, i) => ({ ...runs[0]!, id: `r${i}` })))).toThrow(/at most/);
    expect(() => compareRunsPlan([runs[0]!, runs[0]!])).toThrow(/twice/);
  });
});
