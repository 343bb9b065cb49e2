import { invalidInput } from '../errors.js';
import type { EpochMetrics } from '../training/config.js';
import { a1, quoteSheetName } from '../workbook/addresses.js';
import type { CellBlock, ChartPlan, PlanCell, RangeRef, SheetPlan, WorkbookPlan } from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';
import { ANALYSIS_STYLE as S, ANALYSIS_STYLES, indices, rectangle } from './cell-pictures.js';

/**
 * The compare workbook: "Runs" holds one row per run, its figures live formulas over
 * "Epochs", and charts of test accuracy and test loss against epoch with one series
 * per run; "Epochs" holds every run's epochs side by side, epoch n on row n.
 */

export interface CompareRunInput {
  readonly id: string;
  /** The model's or design's name, as the learner knows it. */
  readonly title: string;
  /** Parameters of the model. */
  readonly params: number;
  /** One entry per finished epoch, in order. */
  readonly metrics: readonly EpochMetrics[];
}

export const RUNS_SHEET = 'Runs';
export const RUN_EPOCHS_SHEET = 'Epochs';
/** Runs one workbook compares at most: past this the charts' legends stop being readable. */
export const MAX_COMPARED_RUNS = 24;
/** The course's target, the Runs sheet's starting value for "first epoch at target". */
export const TARGET_TEST_ACCURACY = 0.994;

/** Runs sheet geometry (zero-based). */
export const RUNS_LAYOUT = {
  /** The target accuracy, an input cell the "first epoch" formulas read. */
  target: { row: 2, col: 1 },
  headerRow: 4,
  firstRow: 5,
  columns: ['Run', 'Model', 'Parameters', 'Epochs', 'Best test acc', 'Mean of last 3', 'First epoch at target', 'Minutes', 'Images/s'],
} as const;

/** Wide enough for each header in one line. */
const RUNS_COLUMN_WIDTHS = [24, 26, 12, 9, 14, 15, 21, 10, 10] as const;

/** The Runs table's columns, by name. */
export const RUNS_COL = { run: 0, model: 1, params: 2, epochs: 3, best: 4, lastThree: 5, firstAtTarget: 6, minutes: 7, imagesPerSecond: 8 } as const;

/** Epochs sheet geometry: run r's columns start at 1 + r × runColumns.length; epoch n is row firstRow + n − 1. */
export const RUN_EPOCHS_LAYOUT = {
  titleRow: 0,
  headerRow: 1,
  firstRow: 2,
  epochCol: 0,
  runColumns: ['Test acc', 'Test loss', 'Seconds', 'Images/s', 'Epoch if at target'],
} as const;

const E = RUN_EPOCHS_LAYOUT;
const R = RUNS_LAYOUT;
const RUN_COL = { testAcc: 0, testLoss: 1, seconds: 2, imagesPerSecond: 3, atTarget: 4 } as const;
const CHART_COL = R.columns.length + 1;

/** The first column of run `r` on the Epochs sheet. */
export function runEpochsColumn(r: number): number {
  return E.epochCol + 1 + r * E.runColumns.length;
}

/** What the Runs row's formulas give, computed the same way in float64. */
export interface RunFigures {
  readonly epochs: number;
  readonly best: number | '';
  readonly lastThree: number | '';
  readonly firstAtTarget: number | '';
  readonly minutes: number;
  readonly imagesPerSecond: number | '';
}

export function runFigures(metrics: readonly EpochMetrics[], target = TARGET_TEST_ACCURACY): RunFigures {
  const finite = (values: number[]) => values.filter(Number.isFinite);
  const mean = (values: number[]) => (values.length === 0 ? '' : values.reduce((a, b) => a + b, 0) / values.length);
  const accuracies = finite(metrics.map((m) => m.testAcc));
  const first = metrics.findIndex((m) => Number.isFinite(m.testAcc) && m.testAcc >= target);
  return {
    epochs: metrics.length,
    best: accuracies.length === 0 ? '' : Math.max(...accuracies),
    lastThree: mean(finite(metrics.slice(-3).map((m) => m.testAcc))),
    firstAtTarget: first < 0 ? '' : first + 1,
    minutes: finite(metrics.map((m) => m.seconds)).reduce((a, b) => a + b, 0) / 60,
    imagesPerSecond: mean(finite(metrics.map((m) => m.imagesPerSecond))),
  };
}

function checkRuns(runs: readonly CompareRunInput[]): void {
  if (runs.length === 0) throw invalidInput('comparing runs needs at least one run');
  if (runs.length > MAX_COMPARED_RUNS) throw invalidInput(`at most ${MAX_COMPARED_RUNS} runs can be compared at once, not ${runs.length}`);
  const ids = new Set<string>();
  for (const run of runs) {
    if (ids.has(run.id)) throw invalidInput(`run ${run.id} is given twice`);
    ids.add(run.id);
    if (!Number.isInteger(run.params) || run.params < 0) throw invalidInput(`run ${run.id} has ${run.params} parameters`);
  }
}

export function compareRunsPlan(runs: readonly CompareRunInput[]): WorkbookPlan {
  checkRuns(runs);
  const maxEpochs = Math.max(0, ...runs.map((r) => r.metrics.length));
  return validatePlan({
    title: 'GradSheet: runs compared',
    styles: ANALYSIS_STYLES,
    names: [],
    sheets: [runsSheet(runs, maxEpochs), epochsSheet(runs, maxEpochs)],
  });
}

/** A number cell; NaN or ±Infinity (a diverged loss) become text, which no spreadsheet holds as a number. */
function numberCell(value: number, style?: string): PlanCell {
  const cell = { value: Number.isFinite(value) ? value : String(value) };
  return style === undefined ? cell : { ...cell, style };
}

function epochsSheet(runs: readonly CompareRunInput[], maxEpochs: number): SheetPlan {
  const target = `${quoteSheetName(RUNS_SHEET)}!${a1(R.target, { row: true, col: true })}`;
  const styles = [S.percent, S.loss, S.minutes, S.rate, S.integer];
  const blocks: CellBlock[] = [
    { origin: { row: E.titleRow, col: E.epochCol }, rows: [[{ value: 'Run', style: S.header }], [{ value: 'Epoch', style: S.header }]] },
    { origin: { row: E.firstRow, col: E.epochCol }, rows: indices(maxEpochs, 1).map((n) => [{ value: n, style: S.integer }]) },
  ];
  const merges: RangeRef[] = [];
  runs.forEach((run, r) => {
    const col = runEpochsColumn(r);
    const acc = (row: number) => a1({ row, col: col + RUN_COL.testAcc });
    blocks.push({
      origin: { row: E.titleRow, col },
      rows: [[{ value: runName(run), style: S.header }], E.runColumns.map((h): PlanCell => ({ value: h, style: S.header }))],
    });
    merges.push(rectangle(RUN_EPOCHS_SHEET, { row: E.titleRow, col }, 1, E.runColumns.length));
    const rows = run.metrics.map((m, i): PlanCell[] => {
      const row = E.firstRow + i;
      const reached = Number.isFinite(m.testAcc) && m.testAcc >= TARGET_TEST_ACCURACY;
      return [
        numberCell(m.testAcc),
        numberCell(m.testLoss),
        numberCell(m.seconds),
        numberCell(m.imagesPerSecond),
        // ISNUMBER first: a spreadsheet ranks text above every number, so "NaN" would pass the test.
        { formula: `IF(AND(ISNUMBER(${acc(row)}),${acc(row)}>=${target}),$${a1({ row, col: E.epochCol })},"")`, result: reached ? i + 1 : '' },
      ];
    });
    if (rows.length > 0) blocks.push({ origin: { row: E.firstRow, col }, rows, columnStyles: styles });
  });
  return {
    name: RUN_EPOCHS_SHEET,
    frozen: { rows: E.firstRow, columns: E.epochCol + 1 },
    columnWidths: [{ col: E.epochCol, width: 8 }, ...runs.flatMap((_, r) => E.runColumns.map((__, c) => ({ col: runEpochsColumn(r) + c, width: c === RUN_COL.atTarget ? 10 : 11 })))],
    blocks,
    merges,
    charts: [],
  };
}

/** The run as its legend entry and its header: its title and its id. */
function runName(run: CompareRunInput): string {
  return run.title === run.id ? run.id : `${run.title} (${run.id})`;
}

function runsSheet(runs: readonly CompareRunInput[], maxEpochs: number): SheetPlan {
  const sheet = quoteSheetName(RUN_EPOCHS_SHEET);
  const rows = runs.map((run, r): PlanCell[] => {
    const col = runEpochsColumn(r);
    const n = run.metrics.length;
    const figures = runFigures(run.metrics);
    const head: PlanCell[] = [{ value: run.id }, { value: run.title }, { value: run.params, style: S.rate }];
    if (n === 0) return [...head, { value: 0, style: S.integer }, { value: 'no epoch finished yet', style: S.note }];
    const column = (c: number, from = 0) => `${sheet}!${a1({ row: E.firstRow + from, col: col + c }, { row: true, col: true })}:${a1({ row: E.firstRow + n - 1, col: col + c }, { row: true, col: true })}`;
    const acc = column(RUN_COL.testAcc);
    const at = column(RUN_COL.atTarget);
    return [
      ...head,
      { formula: `COUNTA(${acc})`, result: figures.epochs, style: S.integer },
      { formula: `MAX(${acc})`, result: figures.best, style: S.percent },
      { formula: `AVERAGE(${column(RUN_COL.testAcc, Math.max(0, n - 3))})`, result: figures.lastThree, style: S.percent },
      { formula: `IF(COUNT(${at})=0,"",MIN(${at}))`, result: figures.firstAtTarget, style: S.integer },
      { formula: `SUM(${column(RUN_COL.seconds)})/60`, result: figures.minutes, style: S.minutes },
      { formula: `AVERAGE(${column(RUN_COL.imagesPerSecond)})`, result: figures.imagesPerSecond, style: S.rate },
    ];
  });
  const lastRow = R.firstRow + runs.length - 1;
  const bestColumn = `${a1({ row: R.firstRow, col: RUNS_COL.best }, { row: true, col: true })}:${a1({ row: lastRow, col: RUNS_COL.best }, { row: true, col: true })}`;
  const targetCell = a1(R.target, { row: true, col: true });
  return {
    name: RUNS_SHEET,
    tabColor: '4472C4',
    columnWidths: RUNS_COLUMN_WIDTHS.map((width, col) => ({ col, width })),
    blocks: [
      {
        origin: { row: 0, col: 0 },
        rows: [
          [{ value: 'Runs compared', style: S.title }],
          [{ value: 'Each figure is a formula over the Epochs sheet. Change the target to see when each run first reached it.', style: S.note }],
          [{ value: 'Target test accuracy', style: S.label }, { value: TARGET_TEST_ACCURACY, style: S.inputPercent }],
        ],
      },
      { origin: { row: R.headerRow, col: 0 }, rows: [R.columns.map((h): PlanCell => ({ value: h, style: S.header })), ...rows] },
    ],
    charts: maxEpochs === 0 ? [] : compareCharts(runs, maxEpochs),
    conditionalFormats: [
      // The best run, and every run that reached the target.
      { kind: 'formula', range: rectangle(RUNS_SHEET, { row: R.firstRow, col: RUNS_COL.best }, runs.length, 1), formula: `AND(ISNUMBER(${a1({ row: R.firstRow, col: RUNS_COL.best })}),${a1({ row: R.firstRow, col: RUNS_COL.best })}>=${targetCell})`, style: { fill: 'C6EFCE', fontColor: '006100' } },
      { kind: 'formula', range: rectangle(RUNS_SHEET, { row: R.firstRow, col: RUNS_COL.run }, runs.length, 1), formula: `${a1({ row: R.firstRow, col: RUNS_COL.best }, { col: true })}=MAX(${bestColumn})`, style: { fill: 'FFEB9C', fontColor: '7F6000' } },
    ],
  };
}

/** Test accuracy and test loss against epoch, one series per run, named by the run's header on the Epochs sheet. */
function compareCharts(runs: readonly CompareRunInput[], maxEpochs: number): ChartPlan[] {
  const categories = rectangle(RUN_EPOCHS_SHEET, { row: E.firstRow, col: E.epochCol }, maxEpochs, 1);
  const chart = (title: string, yAxisTitle: string, column: number, top: number): ChartPlan => ({
    kind: 'line',
    title,
    xAxisTitle: 'Epoch',
    yAxisTitle,
    categories,
    // Every series spans every epoch row; a shorter run's blanks are gaps, so its line just ends.
    series: runs.map((_, r) => ({
      name: rectangle(RUN_EPOCHS_SHEET, { row: E.titleRow, col: runEpochsColumn(r) }, 1, 1),
      values: rectangle(RUN_EPOCHS_SHEET, { row: E.firstRow, col: runEpochsColumn(r) + column }, maxEpochs, 1),
    })),
    anchor: { from: { row: top, col: CHART_COL }, to: { row: top + 20, col: CHART_COL + 9 } },
  });
  return [chart('Test accuracy against epoch', 'Test accuracy', RUN_COL.testAcc, 0), chart('Test loss against epoch', 'Test loss', RUN_COL.testLoss, 21)];
}
