import { a1, cellRange, columnRange, quoteSheetName } from '../workbook/addresses.js';
import type { FormulaFill, PlanCell, SheetPlan } from '../workbook/plan.js';
import { absoluteRef, relativeRef } from '../workbook/r1c1.js';
import { runBackprop, type StepRecord } from './engine.js';
import {
  errorFormula,
  gradientFormula,
  hiddenNetInputFormula,
  outputNetInputFormula,
  sigmoidFormula,
  updateFormula,
  type NetworkRefs,
} from './formulas.js';
import { PARAMETER_NAMES as P, SHEET_NAMES } from './names.js';
import type { BackpropWorkbookOptions } from './parameters.js';
import { STYLE } from './styles.js';

/**
 * "LR Comparison" (the contract: a header row, the step in column A from 0, then
 * E_total per η in the order given, headed by η) and "LR Runs", which trains one
 * copy of the network per η with the same live formulas, compactly: weights,
 * activations and E_total.
 */

const RUN_HEADERS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'a_h1', 'a_h2', 'a_o1', 'a_o2', 'E_total'] as const;
const RUN_COL = { aH1: 8, aH2: 9, aO1: 10, aO2: 11, eTotal: 12 } as const;
/** Columns per η block on LR Runs, plus one empty column between blocks. */
const RUN_BLOCK_WIDTH = RUN_HEADERS.length + 1;
/** LR Runs: row 0 names the η, row 1 holds headers, data starts at row 2. */
const RUN_FIRST_ROW = 2;
/** LR Comparison: row 0 holds headers (η values), data starts at row 1. */
const COMPARISON_FIRST_ROW = 1;

/** References of an LR Runs row, seen from column `self` (absolute), `rowOffset` rows away. */
function runRefs(blockCol: number, self: number, rowOffset: number): NetworkRefs {
  const at = (offset: number) => relativeRef(self, blockCol + offset, rowOffset);
  return {
    w: [at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)],
    i1: P.i1,
    i2: P.i2,
    t1: P.t1,
    t2: P.t2,
    aH1: at(RUN_COL.aH1),
    aH2: at(RUN_COL.aH2),
    aO1: at(RUN_COL.aO1),
    aO2: at(RUN_COL.aO2),
  };
}

/** The η cell heading comparison column j, where the learner may change it. */
function learningRateCell(j: number): string {
  return `${quoteSheetName(SHEET_NAMES.comparison)}!${absoluteRef({ row: 0, col: 1 + j })}`;
}

/** Formula and engine value of each column of an η block, in block order. */
function runColumns(blockCol: number, j: number): { formula: string; value: (r: StepRecord) => number }[] {
  const weights = Array.from({ length: 8 }, (_, k) => {
    const self = blockCol + k;
    return {
      formula: updateFormula(relativeRef(self, self, -1), learningRateCell(j), gradientFormula(k + 1, runRefs(blockCol, self, -1))),
      value: (r: StepRecord) => r.weights[k] as number,
    };
  });
  const own = (offset: number) => runRefs(blockCol, blockCol + offset, 0);
  const eTotalRefs = own(RUN_COL.eTotal);
  return [
    ...weights,
    { formula: sigmoidFormula(hiddenNetInputFormula(1, own(RUN_COL.aH1))), value: (r) => r.aH1 },
    { formula: sigmoidFormula(hiddenNetInputFormula(2, own(RUN_COL.aH2))), value: (r) => r.aH2 },
    { formula: sigmoidFormula(outputNetInputFormula(1, own(RUN_COL.aO1))), value: (r) => r.aO1 },
    { formula: sigmoidFormula(outputNetInputFormula(2, own(RUN_COL.aO2))), value: (r) => r.aO2 },
    {
      formula: `${errorFormula(eTotalRefs.t1, eTotalRefs.aO1)}+${errorFormula(eTotalRefs.t2, eTotalRefs.aO2)}`,
      value: (r) => r.eTotal,
    },
  ];
}

export function comparisonRuns(options: BackpropWorkbookOptions): StepRecord[][] {
  return options.comparisonLearningRates.map((lr) =>
    runBackprop(options.initialWeights, options.inputs, options.targets, lr, options.steps),
  );
}

export function comparisonRunsSheet(options: BackpropWorkbookOptions, runs: readonly StepRecord[][]): SheetPlan {
  const blocks = runs.map((records, j) => {
    const first = records[0] as StepRecord;
    return {
      origin: { row: 0, col: j * RUN_BLOCK_WIDTH },
      rows: [
        [{ formula: `"η = "&${quoteSheetName(SHEET_NAMES.comparison)}!${a1({ row: 0, col: 1 + j }, { row: true, col: true })}`, result: `η = ${String(options.comparisonLearningRates[j])}`, style: STYLE.label }],
        RUN_HEADERS.map((h): PlanCell => ({ value: h, style: STYLE.header })),
        first.weights.map((w, k): PlanCell => ({ formula: P.initialWeights[k] as string, result: w })),
      ],
    };
  });
  const fills: FormulaFill[] = runs.flatMap((records, j) => {
    const blockCol = j * RUN_BLOCK_WIDTH;
    return runColumns(blockCol, j).flatMap((column, offset): FormulaFill[] => {
      const isWeight = offset < 8;
      const from = isWeight ? 1 : 0;
      if (records.length <= from) return [];
      return [{ origin: { row: RUN_FIRST_ROW + from, col: blockCol + offset }, formulaR1C1: column.formula, results: records.slice(from).map(column.value) }];
    });
  });
  return { name: SHEET_NAMES.comparisonRuns, frozen: { rows: RUN_FIRST_ROW, columns: 0 }, protect: true, blocks, fills, charts: [] };
}

export function comparisonSheet(options: BackpropWorkbookOptions, runs: readonly StepRecord[][]): SheetPlan {
  const sheet = SHEET_NAMES.comparison;
  const lrs = options.comparisonLearningRates;
  const header: PlanCell[] = [{ value: 'Step', style: STYLE.header }, ...lrs.map((lr): PlanCell => ({ value: lr, style: STYLE.input }))];
  const steps = Array.from({ length: options.steps }, (_, index): PlanCell[] => [{ value: index }]);
  const fills: FormulaFill[] = runs.map((records, j) => {
    const self = 1 + j;
    const source = relativeRef(self, j * RUN_BLOCK_WIDTH + RUN_COL.eTotal, RUN_FIRST_ROW - COMPARISON_FIRST_ROW);
    return {
      origin: { row: COMPARISON_FIRST_ROW, col: self },
      formulaR1C1: `${quoteSheetName(SHEET_NAMES.comparisonRuns)}!${source}`,
      results: records.map((r) => r.eTotal),
    };
  });
  const chartCol = lrs.length + 2;
  return {
    name: sheet,
    frozen: { rows: 1, columns: 1 },
    columnWidths: [{ col: 0, width: 8 }],
    protect: true,
    blocks: [
      { origin: { row: 0, col: 0 }, rows: [header] },
      { origin: { row: COMPARISON_FIRST_ROW, col: 0 }, rows: steps },
      { origin: { row: 0, col: chartCol }, rows: [[{ value: 'Change an η in row 1 (orange) to train that column again.', style: STYLE.note }]] },
    ],
    fills,
    charts: [
      {
        kind: 'line',
        title: 'E_total against step for each learning rate η',
        xAxisTitle: 'Step',
        yAxisTitle: 'E_total',
        categories: columnRange(sheet, COMPARISON_FIRST_ROW, 0, options.steps),
        // Named after the live "η = …" titles on LR Runs, so the legend follows edits of row 1.
        series: lrs.map((_, j) => ({
          name: cellRange(SHEET_NAMES.comparisonRuns, 0, j * RUN_BLOCK_WIDTH),
          values: columnRange(sheet, COMPARISON_FIRST_ROW, 1 + j, options.steps),
        })),
        anchor: { from: { row: 2, col: chartCol }, to: { row: 26, col: chartCol + 11 } },
      },
    ],
  };
}
