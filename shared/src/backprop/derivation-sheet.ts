import { assertState } from '../errors.js';
import { a1 } from '../workbook/addresses.js';
import { r1c1ToA1 } from '../workbook/r1c1.js';
import type { PlanCell, SheetPlan } from '../workbook/plan.js';
import type { StepRecord } from './engine.js';
import { PARAMETER_NAMES as P, SHEET_NAMES } from './names.js';
import type { BackpropWorkbookOptions } from './parameters.js';
import { STEP_COL, STEP_COLUMNS, STEP_FIRST_ROW } from './step-table.js';
import { STYLE } from './styles.js';

/**
 * The Derivation sheet states each chain-rule step, as the course does, beside
 * the Backprop cell that implements it, that cell's formula, and its live value
 * at step 0. The factors the course multiplies get live formulas of their own.
 */

const STEPS = SHEET_NAMES.steps;
const HEADER_ROW = 3;

interface DerivationLine {
  readonly quantity: string;
  readonly math: string;
  /** The Backprop cell holding the quantity, or null for a factor computed on this sheet. */
  readonly cell: string | null;
  readonly formula: string;
  readonly result: number;
}

type Section = readonly [title: string, lines: readonly DerivationLine[]];

function stepLine(col: number, row: number, record: StepRecord): DerivationLine {
  const column = STEP_COLUMNS[col];
  assertState(column?.formulaR1C1, `column ${col} of the step table has a formula`);
  return {
    quantity: column.header,
    math: column.math,
    cell: `${STEPS}!${a1({ row, col })}`,
    formula: r1c1ToA1(column.formulaR1C1(row === STEP_FIRST_ROW), { row, col }),
    result: column.value(record),
  };
}

/** The chain-rule factors, each a live formula over step 0, evaluated in the same order as its formula. */
function factorLines(options: BackpropWorkbookOptions, s: StepRecord): DerivationLine[] {
  const step0 = (col: number) => a1({ row: STEP_FIRST_ROW, col });
  const r = {
    w: [1, 2, 3, 4, 5, 6, 7, 8].map((k) => step0(STEP_COL.weight(k))),
    aH1: step0(STEP_COL.aH1),
    aO1: step0(STEP_COL.aO1),
    aO2: step0(STEP_COL.aO2),
  };
  const at = (ref: string | undefined) => `${STEPS}!${ref ?? ''}`;
  const [, , , , w5, w6, w7, w8] = s.weights;
  const [t1, t2] = options.targets;
  const hiddenSum = (wa: string | undefined, wb: string | undefined) =>
    `(${at(r.aO1)}-${P.t1})*${at(r.aO1)}*(1-${at(r.aO1)})*${at(wa)}+(${at(r.aO2)}-${P.t2})*${at(r.aO2)}*(1-${at(r.aO2)})*${at(wb)}`;
  const factor = (quantity: string, math: string, formula: string, result: number): DerivationLine => ({
    quantity,
    math,
    cell: null,
    formula,
    result,
  });
  return [
    factor('∂E1/∂a_o1', '∂E1/∂a_o1 = ∂(½·(t1 − a_o1)²)/∂a_o1 = a_o1 − t1', `${at(r.aO1)}-${P.t1}`, s.aO1 - t1),
    factor('∂a_o1/∂o1', '∂a_o1/∂o1 = ∂σ(o1)/∂o1 = a_o1·(1 − a_o1)', `${at(r.aO1)}*(1-${at(r.aO1)})`, s.aO1 * (1 - s.aO1)),
    factor('∂o1/∂w5', '∂o1/∂w5 = a_h1 (E2 does not depend on w5, so ∂E_total/∂w5 = ∂E1/∂w5)', at(r.aH1), s.aH1),
    factor('∂E2/∂a_o2', '∂E2/∂a_o2 = a_o2 − t2', `${at(r.aO2)}-${P.t2}`, s.aO2 - t2),
    factor('∂a_o2/∂o2', '∂a_o2/∂o2 = a_o2·(1 − a_o2)', `${at(r.aO2)}*(1-${at(r.aO2)})`, s.aO2 * (1 - s.aO2)),
    factor(
      '∂E_total/∂a_h1',
      '∂E_total/∂a_h1 = ∂E1/∂a_h1 + ∂E2/∂a_h1 = (a_o1 − t1)·a_o1·(1 − a_o1)·w5 + (a_o2 − t2)·a_o2·(1 − a_o2)·w7',
      hiddenSum(r.w[4], r.w[6]),
      (s.aO1 - t1) * s.aO1 * (1 - s.aO1) * w5 + (s.aO2 - t2) * s.aO2 * (1 - s.aO2) * w7,
    ),
    factor(
      '∂E_total/∂a_h2',
      '∂E_total/∂a_h2 = (a_o1 − t1)·a_o1·(1 − a_o1)·w6 + (a_o2 − t2)·a_o2·(1 − a_o2)·w8',
      hiddenSum(r.w[5], r.w[7]),
      (s.aO1 - t1) * s.aO1 * (1 - s.aO1) * w6 + (s.aO2 - t2) * s.aO2 * (1 - s.aO2) * w8,
    ),
    factor('∂a_h1/∂h1', '∂a_h1/∂h1 = a_h1·(1 − a_h1)', `${at(r.aH1)}*(1-${at(r.aH1)})`, s.aH1 * (1 - s.aH1)),
    factor('∂h1/∂w1', '∂h1/∂w1 = i1', P.i1, options.inputs[0]),
  ];
}

function sections(options: BackpropWorkbookOptions, records: readonly StepRecord[]): Section[] {
  const first = records[0] as StepRecord;
  const row0 = STEP_FIRST_ROW;
  const cols = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
  const result: Section[] = [
    ['1. Forward pass', cols(STEP_COL.h1, STEP_COL.aO2).map((c) => stepLine(c, row0, first))],
    ['2. Loss', cols(STEP_COL.e1, STEP_COL.eTotal).map((c) => stepLine(c, row0, first))],
    ['3. Chain-rule factors (step 0)', factorLines(options, first)],
    ['4. Gradients', cols(STEP_COL.gradient(1), STEP_COL.gradient(8)).map((c) => stepLine(c, row0, first))],
  ];
  const second = records[1];
  if (second) {
    result.push(['5. Gradient-descent update (step 1)', cols(STEP_COL.weight(1), STEP_COL.weight(8)).map((c) => stepLine(c, row0 + 1, second))]);
  }
  return result;
}

export function derivationSheet(options: BackpropWorkbookOptions, records: readonly StepRecord[]): SheetPlan {
  const text = (value: string, style?: string): PlanCell => (style ? { value, style } : { value });
  const rows: PlanCell[][] = [];
  for (const [title, lines] of sections(options, records)) {
    rows.push([text(title, STYLE.label)]);
    for (const line of lines) {
      rows.push([
        text(line.quantity, STYLE.label),
        text(line.math),
        text(line.cell ?? 'this row'),
        text(`=${line.formula}`, STYLE.formulaText),
        { formula: line.cell ?? line.formula, result: line.result, style: STYLE.output },
      ]);
    }
    rows.push([]);
  }
  return {
    name: SHEET_NAMES.derivation,
    columnWidths: [
      { col: 0, width: 16 },
      { col: 1, width: 90 },
      { col: 2, width: 13 },
      { col: 3, width: 70 },
      { col: 4, width: 16 },
    ],
    frozen: { rows: HEADER_ROW + 1, columns: 0 },
    protect: true,
    blocks: [
      {
        origin: { row: 0, col: 0 },
        rows: [
          [text('How each number is computed: the chain rule, step by step', STYLE.title)],
          [text('Each line states one step of the derivation beside the cell that implements it and its live value at step 0.', STYLE.note)],
        ],
      },
      {
        origin: { row: HEADER_ROW, col: 0 },
        rows: [
          ['Quantity', 'Maths', 'Cell', 'Formula in that cell', 'Value'].map((h) => text(h, STYLE.header)),
          ...rows,
        ],
      },
    ],
    charts: [],
  };
}
