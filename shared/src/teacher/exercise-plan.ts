import { runBackprop } from '../backprop/engine.js';
import { PARAMETER_NAMES, SHEET_NAMES } from '../backprop/names.js';
import { PARAMETER_ROWS, parameterNames, parametersSheet } from '../backprop/parameters-sheet.js';
import type { BackpropParameters, Pair, Weights } from '../backprop/parameters.js';
import { parseBackpropWorkbookRequest } from '../requests/backprop-workbook.js';
import { STEP_COLUMNS } from '../backprop/step-table.js';
import { stepsSheet } from '../backprop/steps-sheet.js';
import { BACKPROP_STYLES, STYLE } from '../backprop/styles.js';
import type { PlanCell, SheetPlan, WorkbookPlan } from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';
import { answerCells } from './answers.js';
import { DEFAULT_RELATIVE_TOLERANCE } from './grading.js';
import { checkExerciseSteps } from './key.js';

/**
 * A student's exercise workbook: the backprop workbook's own Parameters and Backprop
 * sheets, built with answers left blank. The student's parameters are shown and
 * locked, the answer cells are empty, unlocked and yellow, and the loss chart reads
 * the E_total column the student fills. No expected value is stored anywhere in it.
 */

export interface ExerciseStudent {
  readonly id: string;
  readonly name: string;
}

/** Labels of the rows that name the student, below the parameters; grading reads them back. */
export const STUDENT_LABELS = { id: 'Student id', name: 'Name', steps: 'Steps to fill in' } as const;
export const INSTRUCTIONS_SHEET = 'Instructions';

function instructionsSheet(steps: number): SheetPlan {
  const text = (value: string, style?: string): PlanCell => (style ? { value, style } : { value });
  const names = [PARAMETER_NAMES.learningRate, PARAMETER_NAMES.i1, PARAMETER_NAMES.i2, PARAMETER_NAMES.t1, PARAMETER_NAMES.t2].join(', ');
  const lines = [
    `This workbook is yours alone: its inputs, targets and starting weights on ${SHEET_NAMES.parameters} were drawn for you, so your numbers differ from everyone else's.`,
    `On ${SHEET_NAMES.steps}, fill every yellow cell with a formula (${answerCells(steps).length} cells). Step 0 gives you the weights: compute its forward pass (h1 … a_o2), its loss (E1, E2, E_total) and its gradients (∂E_total/∂w1 … ∂E_total/∂w8).`,
    `Then, for each step from 1 to ${steps - 1}: its weights from the row above (w ← w − η·∂E_total/∂w), and its own forward pass, loss and gradients. Once one row works, fill it down.`,
    `Refer to cells, and to the parameters by name: ${names}, and Initial_w1 … Initial_w8. The chart on ${SHEET_NAMES.parameters} draws your E_total at each step.`,
    'How it is graded: each yellow cell is worth one point.',
    `• It scores when it is a formula and its value is within a relative ${DEFAULT_RELATIVE_TOLERANCE.toExponential()} of GradSheet's, unless your teacher says otherwise. A number typed in scores nothing, even when it is right.`,
    '• A cell computed correctly from your own earlier cells scores, even when one of those cells is wrong: a slip costs you that cell, not everything after it.',
    `Do not change the parameters, the step numbers or the labels: they are how your work is found and checked. You may insert rows and columns of your own on ${SHEET_NAMES.steps}.`,
  ];
  return {
    name: INSTRUCTIONS_SHEET,
    tabColor: 'FFE699',
    columnWidths: [
      { col: 0, width: 18 },
      { col: 1, width: 120 },
    ],
    protect: true,
    blocks: [
      {
        origin: { row: 0, col: 0 },
        rows: [
          [text('Backpropagation, by hand, in live formulas', STYLE.title)],
          [],
          ...lines.map((line) => [null, text(line)]),
          [],
          [text('Quantity', STYLE.header), text('Maths', STYLE.header)],
          ...STEP_COLUMNS.slice(1).map((column) => [text(column.header, STYLE.label), text(column.math)]),
        ],
      },
    ],
    charts: [],
  };
}

export function buildExercisePlan(student: ExerciseStudent, parameters: BackpropParameters, stepsWanted: number): WorkbookPlan {
  const steps = checkExerciseSteps(stepsWanted);
  const options = parseBackpropWorkbookRequest({ ...parameters, steps, comparisonLearningRates: [parameters.learningRate] });
  // Used only for the step numbers, the given step-0 weights and the chart's extent.
  const records = runBackprop(options.initialWeights, options.inputs, options.targets, options.learningRate, steps);
  const label = (value: string): PlanCell => ({ value, style: STYLE.label });
  return validatePlan({
    title: `GradSheet backprop exercise: ${student.name}`,
    styles: BACKPROP_STYLES,
    names: parameterNames(),
    lockStructure: true,
    sheets: [
      instructionsSheet(steps),
      parametersSheet(options, records, {
        title: `Backprop exercise: ${student.name}`,
        note: `Your own starting point (grey, locked). Fill in the yellow cells on ${SHEET_NAMES.steps}; ${INSTRUCTIONS_SHEET} says how.`,
        rowsBelow: [
          [label(STUDENT_LABELS.id), { value: student.id, style: STYLE.given }],
          [label(STUDENT_LABELS.name), { value: student.name, style: STYLE.given }],
          [label(STUDENT_LABELS.steps), { value: steps, style: STYLE.given }],
        ],
      }),
      stepsSheet(records, { answers: 'blank' }),
    ],
  });
}

/** The labels of the parameter rows (η, i1, i2, t1, t2, w1 (initial) … w8 (initial)), in sheet order. */
export const PARAMETER_LABELS: readonly string[] = PARAMETER_ROWS.map((p) => p.label);

/**
 * The parameters a workbook shows, found by their labels through `valueOf`; or the
 * labels that could not be read as numbers.
 */
export function parametersByLabel(valueOf: (label: string) => number | undefined): BackpropParameters | { readonly missing: string[] } {
  const values = PARAMETER_LABELS.map((label) => valueOf(label));
  const missing = PARAMETER_LABELS.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) return { missing };
  const [learningRate, i1, i2, t1, t2, ...weights] = values as number[];
  return {
    learningRate: learningRate as number,
    inputs: [i1, i2] as unknown as Pair,
    targets: [t1, t2] as unknown as Pair,
    initialWeights: weights as unknown as Weights,
  };
}
