import { relativeRef } from '../workbook/r1c1.js';
import type { StepRecord } from './engine.js';
import {
  errorFormula,
  gradientFormula,
  hiddenNetInputFormula,
  outputNetInputFormula,
  sigmoidFormula,
  updateFormula,
  type NetworkRefs,
} from './formulas.js';
import { PARAMETER_NAMES as P } from './names.js';

/**
 * The columns of the Backprop sheet, one row per step. Each column knows its
 * header, the maths it implements (shown on the Derivation sheet), its formula
 * in R1C1 notation (the same text in every row), and its value in an engine record.
 */
export interface StepColumn {
  readonly header: string;
  /** The maths, as the course writes it. */
  readonly math: string;
  /** The formula of this column's cells; `first` asks for the step-0 row, which starts from the parameters. */
  readonly formulaR1C1: ((first: boolean) => string) | null;
  readonly value: (record: StepRecord) => number;
}

const WEIGHT_COLUMNS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
/** Zero-based column index of each quantity on the Backprop sheet. */
export const STEP_COL = {
  step: 0,
  weight: (k: number) => k, // w1 → B … w8 → I
  h1: 9,
  aH1: 10,
  h2: 11,
  aH2: 12,
  o1: 13,
  aO1: 14,
  o2: 15,
  aO2: 16,
  e1: 17,
  e2: 18,
  eTotal: 19,
  gradient: (k: number) => 19 + k, // ∂E/∂w1 → U … ∂E/∂w8 → AB
} as const;

/** The first data row (zero-based); row 0 holds the headers. */
export const STEP_FIRST_ROW = 1;

/** References, seen from a cell in column `self`, to the step row `rowOffset` rows away; parameters by defined name. */
export function stepRowRefs(self: number, rowOffset = 0): NetworkRefs {
  const ref = (col: number) => relativeRef(self, col, rowOffset);
  return {
    w: WEIGHT_COLUMNS.map((k) => ref(STEP_COL.weight(k))) as unknown as NetworkRefs['w'],
    i1: P.i1,
    i2: P.i2,
    t1: P.t1,
    t2: P.t2,
    aH1: ref(STEP_COL.aH1),
    aH2: ref(STEP_COL.aH2),
    aO1: ref(STEP_COL.aO1),
    aO2: ref(STEP_COL.aO2),
  };
}

export const GRADIENT_MATH: readonly string[] = [
  '∂E_total/∂w1 = ∂E_total/∂a_h1 · ∂a_h1/∂h1 · ∂h1/∂w1 = [(a_o1 − t1)·a_o1·(1 − a_o1)·w5 + (a_o2 − t2)·a_o2·(1 − a_o2)·w7] · a_h1·(1 − a_h1) · i1',
  '∂E_total/∂w2 = ∂E_total/∂a_h1 · ∂a_h1/∂h1 · ∂h1/∂w2 = [(a_o1 − t1)·a_o1·(1 − a_o1)·w5 + (a_o2 − t2)·a_o2·(1 − a_o2)·w7] · a_h1·(1 − a_h1) · i2',
  '∂E_total/∂w3 = ∂E_total/∂a_h2 · ∂a_h2/∂h2 · ∂h2/∂w3 = [(a_o1 − t1)·a_o1·(1 − a_o1)·w6 + (a_o2 − t2)·a_o2·(1 − a_o2)·w8] · a_h2·(1 − a_h2) · i1',
  '∂E_total/∂w4 = ∂E_total/∂a_h2 · ∂a_h2/∂h2 · ∂h2/∂w4 = [(a_o1 − t1)·a_o1·(1 − a_o1)·w6 + (a_o2 − t2)·a_o2·(1 − a_o2)·w8] · a_h2·(1 − a_h2) · i2',
  '∂E_total/∂w5 = ∂E1/∂a_o1 · ∂a_o1/∂o1 · ∂o1/∂w5 = (a_o1 − t1) · a_o1·(1 − a_o1) · a_h1',
  '∂E_total/∂w6 = ∂E1/∂a_o1 · ∂a_o1/∂o1 · ∂o1/∂w6 = (a_o1 − t1) · a_o1·(1 − a_o1) · a_h2',
  '∂E_total/∂w7 = ∂E2/∂a_o2 · ∂a_o2/∂o2 · ∂o2/∂w7 = (a_o2 − t2) · a_o2·(1 − a_o2) · a_h1',
  '∂E_total/∂w8 = ∂E2/∂a_o2 · ∂a_o2/∂o2 · ∂o2/∂w8 = (a_o2 − t2) · a_o2·(1 − a_o2) · a_h2',
];

function weightColumn(k: number): StepColumn {
  return {
    header: `w${k}`,
    math: `w${k} ← w${k} − η · ∂E_total/∂w${k} (from the row above; step 0 starts from the initial w${k})`,
    formulaR1C1: (first) => {
      const self = STEP_COL.weight(k);
      return first
        ? (P.initialWeights[k - 1] as string)
        : updateFormula(relativeRef(self, self, -1), P.learningRate, relativeRef(self, STEP_COL.gradient(k), -1));
    },
    value: (r) => r.weights[k - 1] as number,
  };
}

function gradientColumn(k: number): StepColumn {
  return {
    header: `∂E_total/∂w${k}`,
    math: GRADIENT_MATH[k - 1] as string,
    formulaR1C1: () => gradientFormula(k, stepRowRefs(STEP_COL.gradient(k))),
    value: (r) => r.gradients[k - 1] as number,
  };
}

/** Every column of the Backprop sheet, in sheet order (index = zero-based column). */
export const STEP_COLUMNS: readonly StepColumn[] = [
  { header: 'Step', math: 'Step number: each row applies one gradient-descent update to the row above', formulaR1C1: null, value: (r) => r.step },
  ...WEIGHT_COLUMNS.map(weightColumn),
  {
    header: 'h1',
    math: 'h1 = w1·i1 + w2·i2',
    formulaR1C1: () => hiddenNetInputFormula(1, stepRowRefs(STEP_COL.h1)),
    value: (r) => r.h1,
  },
  { header: 'a_h1', math: 'a_h1 = σ(h1) = 1 / (1 + e^(−h1))', formulaR1C1: () => sigmoidFormula(relativeRef(STEP_COL.aH1, STEP_COL.h1)), value: (r) => r.aH1 },
  {
    header: 'h2',
    math: 'h2 = w3·i1 + w4·i2',
    formulaR1C1: () => hiddenNetInputFormula(2, stepRowRefs(STEP_COL.h2)),
    value: (r) => r.h2,
  },
  { header: 'a_h2', math: 'a_h2 = σ(h2) = 1 / (1 + e^(−h2))', formulaR1C1: () => sigmoidFormula(relativeRef(STEP_COL.aH2, STEP_COL.h2)), value: (r) => r.aH2 },
  {
    header: 'o1',
    math: 'o1 = w5·a_h1 + w6·a_h2',
    formulaR1C1: () => outputNetInputFormula(1, stepRowRefs(STEP_COL.o1)),
    value: (r) => r.o1,
  },
  { header: 'a_o1', math: 'a_o1 = σ(o1) = 1 / (1 + e^(−o1))', formulaR1C1: () => sigmoidFormula(relativeRef(STEP_COL.aO1, STEP_COL.o1)), value: (r) => r.aO1 },
  {
    header: 'o2',
    math: 'o2 = w7·a_h1 + w8·a_h2',
    formulaR1C1: () => outputNetInputFormula(2, stepRowRefs(STEP_COL.o2)),
    value: (r) => r.o2,
  },
  { header: 'a_o2', math: 'a_o2 = σ(o2) = 1 / (1 + e^(−o2))', formulaR1C1: () => sigmoidFormula(relativeRef(STEP_COL.aO2, STEP_COL.o2)), value: (r) => r.aO2 },
  { header: 'E1', math: 'E1 = ½·(t1 − a_o1)²', formulaR1C1: () => errorFormula(P.t1, relativeRef(STEP_COL.e1, STEP_COL.aO1)), value: (r) => r.e1 },
  { header: 'E2', math: 'E2 = ½·(t2 − a_o2)²', formulaR1C1: () => errorFormula(P.t2, relativeRef(STEP_COL.e2, STEP_COL.aO2)), value: (r) => r.e2 },
  {
    header: 'E_total',
    math: 'E_total = E1 + E2',
    formulaR1C1: () => `${relativeRef(STEP_COL.eTotal, STEP_COL.e1)}+${relativeRef(STEP_COL.eTotal, STEP_COL.e2)}`,
    value: (r) => r.eTotal,
  },
  ...WEIGHT_COLUMNS.map(gradientColumn),
];
