import { cellRange, columnLetters, columnRange } from '../workbook/addresses.js';
import type { DefinedNamePlan, PlanCell, SheetPlan } from '../workbook/plan.js';
import type { StepRecord } from './engine.js';
import { PARAMETER_NAMES as P, SHEET_NAMES } from './names.js';
import type { BackpropWorkbookOptions } from './parameters.js';
import { STEP_COL, STEP_FIRST_ROW } from './step-table.js';
import { STYLE } from './styles.js';

const SHEET = SHEET_NAMES.parameters;
/** Zero-based row of the first parameter (η); the others follow in PARAMETER_ROWS order. */
export const PARAMETERS_FIRST_ROW = 4;
/** Zero-based column holding the editable values. */
export const PARAMETERS_VALUE_COL = 1;

interface ParameterRow {
  readonly label: string;
  readonly name: string;
  readonly meaning: string;
  readonly value: (o: BackpropWorkbookOptions) => number;
}

const WEIGHT_MEANINGS = [
  'Starting weight from input i1 to hidden unit h1',
  'Starting weight from input i2 to hidden unit h1',
  'Starting weight from input i1 to hidden unit h2',
  'Starting weight from input i2 to hidden unit h2',
  'Starting weight from hidden a_h1 to output o1',
  'Starting weight from hidden a_h2 to output o1',
  'Starting weight from hidden a_h1 to output o2',
  'Starting weight from hidden a_h2 to output o2',
];

export const PARAMETER_ROWS: readonly ParameterRow[] = [
  {
    label: 'η (learning rate)',
    name: P.learningRate,
    meaning: 'Step size of the Backprop sheet: every step moves each weight by −η·∂E_total/∂w',
    value: (o) => o.learningRate,
  },
  { label: 'i1', name: P.i1, meaning: 'Input 1', value: (o) => o.inputs[0] },
  { label: 'i2', name: P.i2, meaning: 'Input 2', value: (o) => o.inputs[1] },
  { label: 't1', name: P.t1, meaning: 'Target of output 1', value: (o) => o.targets[0] },
  { label: 't2', name: P.t2, meaning: 'Target of output 2', value: (o) => o.targets[1] },
  ...P.initialWeights.map((name, k) => ({
    label: `w${k + 1} (initial)`,
    name,
    meaning: WEIGHT_MEANINGS[k] as string,
    value: (o: BackpropWorkbookOptions) => o.initialWeights[k] as number,
  })),
];

export function parameterNames(): DefinedNamePlan[] {
  return PARAMETER_ROWS.map((p, index) => ({
    name: p.name,
    refersTo: cellRange(SHEET, PARAMETERS_FIRST_ROW + index, PARAMETERS_VALUE_COL),
  }));
}

/**
 * How an exercise workbook changes the sheet: its own title and instructions, the
 * parameters shown but locked, and its own rows below them in place of the results,
 * whose cached values would give answers away.
 */
export interface ParametersSheetExercise {
  readonly title: string;
  readonly note: string;
  readonly rowsBelow: readonly (readonly PlanCell[])[];
}

export function parametersSheet(
  options: BackpropWorkbookOptions,
  records: readonly StepRecord[],
  exercise?: ParametersSheetExercise,
): SheetPlan {
  const stepsSheet = SHEET_NAMES.steps;
  const first = records[0] as StepRecord;
  const last = records[records.length - 1] as StepRecord;
  const lastRow = STEP_FIRST_ROW + records.length;
  const eTotalCol = columnLetters(STEP_COL.eTotal);
  const resultsRow = PARAMETERS_FIRST_ROW + PARAMETER_ROWS.length + 1;
  const text = (value: string, style?: string): PlanCell => (style ? { value, style } : { value });

  const parameterRows: PlanCell[][] = PARAMETER_ROWS.map((p) => [
    text(p.label, STYLE.label),
    { value: p.value(options), style: exercise ? STYLE.given : STYLE.input },
    text(p.name),
    text(p.meaning),
  ]);

  return {
    name: SHEET,
    tabColor: 'FFCC99',
    columnWidths: [
      { col: 0, width: 30 },
      { col: 1, width: 14 },
      { col: 2, width: 18 },
      { col: 3, width: 58 },
    ],
    protect: true,
    blocks: [
      {
        origin: { row: 0, col: 0 },
        rows: [
          [text(exercise?.title ?? 'GradSheet: backpropagation in a 2-2-2 sigmoid network', STYLE.title)],
          [
            text(
              exercise?.note ??
                'Edit the orange cells. Every other number in this workbook is a live formula: change η, an input, a target or a starting weight and everything recalculates.',
              STYLE.note,
            ),
          ],
        ],
      },
      {
        origin: { row: PARAMETERS_FIRST_ROW - 1, col: 0 },
        rows: [
          [text('Parameter', STYLE.header), text('Value', STYLE.header), text('Name in formulas', STYLE.header), text('Meaning', STYLE.header)],
          ...parameterRows,
        ],
      },
      exercise ? { origin: { row: resultsRow, col: 0 }, rows: exercise.rowsBelow } : {
        origin: { row: resultsRow, col: 0 },
        rows: [
          [text('Result', STYLE.header), text('Value', STYLE.header)],
          [text('E_total at step 0'), { formula: `${stepsSheet}!$${eTotalCol}$${STEP_FIRST_ROW + 1}`, result: first.eTotal, style: STYLE.output }],
          [text(`E_total at step ${last.step}`), { formula: `${stepsSheet}!$${eTotalCol}$${lastRow}`, result: last.eTotal, style: STYLE.output }],
          [text('Steps in the Backprop sheet'), { value: records.length }],
        ],
      },
    ],
    charts: [
      {
        kind: 'line',
        title: 'E_total against step',
        xAxisTitle: 'Step',
        yAxisTitle: 'E_total',
        categories: columnRange(stepsSheet, STEP_FIRST_ROW, STEP_COL.step, records.length),
        series: [{ name: cellRange(stepsSheet, 0, STEP_COL.eTotal), values: columnRange(stepsSheet, STEP_FIRST_ROW, STEP_COL.eTotal, records.length) }],
        anchor: { from: { row: PARAMETERS_FIRST_ROW - 1, col: 5 }, to: { row: PARAMETERS_FIRST_ROW + 20, col: 14 } },
      },
    ],
  };
}
