import { FORWARD_RULES, gradientRule, runBackprop, updateRule, type NetworkValues, type StepRecord } from '../backprop/engine.js';
import type { BackpropParameters, Weights } from '../backprop/parameters.js';
import { invalidInput } from '../errors.js';
import { answerCells, answerKey, headerOf, isWeight, WEIGHT_NUMBERS, type AnswerCell, type AnswerQuantity } from './answers.js';

/**
 * Grading rules, pure: a submission's answer cells against the float64 engine.
 *
 * A cell scores when its value is within tolerance of either
 * - the correct value (the engine run from the workbook's parameters), or
 * - the value the engine computes from the learner's own upstream cells
 *   (error carried forward: one slip upstream costs one cell, not the whole table),
 * and it holds a formula. A number typed in, or a formula without a single
 * reference (=0.5933), scores nothing and is flagged.
 */

export const DEFAULT_RELATIVE_TOLERANCE = 1e-6;
/** Floor for values that are exactly 0; far below anything the exercise produces. */
export const ABSOLUTE_TOLERANCE = 1e-15;

/** One answer cell as read from a submission. */
export interface SubmittedCell {
  /** The number the cell holds (for a formula, the result the spreadsheet saved), or null when it holds none. */
  readonly value: number | null;
  /** What the cell holds instead of a number: text, TRUE/FALSE, or an error such as #DIV/0!. */
  readonly nonNumeric?: string;
  /** The formula without "=", or null for a constant. */
  readonly formula: string | null;
}

export interface SubmissionValues {
  /** The parameters the workbook itself holds (η, inputs, targets, starting weights). */
  readonly parameters: BackpropParameters;
  /** The given step-0 weights as the workbook holds them, when they could be read. */
  readonly givenWeights?: Weights;
  /** Answer cells by answerKey; a cell that is absent counts as empty. */
  readonly cells: ReadonlyMap<string, SubmittedCell>;
}

export type CellVerdict = 'correct' | 'carried-forward' | 'typed' | 'wrong' | 'empty';

export interface CellGrade {
  readonly cell: AnswerCell;
  readonly verdict: CellVerdict;
  readonly got: SubmittedCell | undefined;
  /** The value the engine computes from the learner's own upstream cells (NaN when one of them is not a number). */
  readonly expectedFromOwn: number;
  /** The value the engine computes from the parameters alone. */
  readonly correct: number;
  /** The learner's upstream values the expected value was computed from, as [label, value]. */
  readonly upstream: readonly (readonly [string, number])[];
}

export interface SubmissionGrade {
  readonly cells: readonly CellGrade[];
  readonly points: number;
  readonly outOf: number;
  readonly counts: Readonly<Record<CellVerdict, number>>;
}

export interface GradeOptions {
  readonly steps: number;
  readonly relativeTolerance?: number;
}

export function withinTolerance(got: number, expected: number, relative: number): boolean {
  return Math.abs(got - expected) <= relative * Math.abs(expected) + ABSOLUTE_TOLERANCE;
}

/** True for a formula that refers to something (a cell, a name, a function); "=0.5933" is a typed number in disguise. */
export function isRealFormula(formula: string | null): boolean {
  if (formula === null) return false;
  const outsideStrings = formula.replace(/"(?:[^"]|"")*"/g, '');
  return /[A-Za-z_$]/.test(outsideStrings.replace(/\d[eE][+-]?\d/g, ''));
}

type Upstream = ReadonlyArray<readonly [string, (v: NetworkValues) => number]>;

const w = (k: number): readonly [string, (v: NetworkValues) => number] => [`w${k}`, (v) => v.w[k - 1] as number];
const own = (q: keyof NetworkValues & AnswerQuantity): readonly [string, (v: NetworkValues) => number] => [headerOf(q), (v) => v[q]];
const i1 = ['i1', (v: NetworkValues) => v.i1] as const;
const i2 = ['i2', (v: NetworkValues) => v.i2] as const;
const t1 = ['t1', (v: NetworkValues) => v.t1] as const;
const t2 = ['t2', (v: NetworkValues) => v.t2] as const;
const outputs: Upstream = [own('aO1'), t1, own('aO2'), t2];

/** What each forward quantity and gradient is computed from, for feedback. */
const UPSTREAM: Readonly<Record<Exclude<AnswerQuantity, `w${number}`>, Upstream>> = {
  h1: [w(1), w(2), i1, i2],
  aH1: [own('h1')],
  h2: [w(3), w(4), i1, i2],
  aH2: [own('h2')],
  o1: [w(5), w(6), own('aH1'), own('aH2')],
  aO1: [own('o1')],
  o2: [w(7), w(8), own('aH1'), own('aH2')],
  aO2: [own('o2')],
  e1: [t1, own('aO1')],
  e2: [t2, own('aO2')],
  eTotal: [own('e1'), own('e2')],
  dw1: [...outputs, w(5), w(7), own('aH1'), i1],
  dw2: [...outputs, w(5), w(7), own('aH1'), i2],
  dw3: [...outputs, w(6), w(8), own('aH2'), i1],
  dw4: [...outputs, w(6), w(8), own('aH2'), i2],
  dw5: [...outputs, own('aH1')],
  dw6: [...outputs, own('aH2')],
  dw7: [...outputs, own('aH1')],
  dw8: [...outputs, own('aH2')],
};

function correctValue(record: StepRecord, quantity: AnswerQuantity): number {
  if (isWeight(quantity)) return record.weights[Number(quantity.slice(1)) - 1] as number;
  if (quantity.startsWith('dw')) return record.gradients[Number(quantity.slice(2)) - 1] as number;
  return record[quantity as keyof StepRecord] as number;
}

/** Grades every answer cell of a submission. */
export function gradeSubmission(submission: SubmissionValues, options: GradeOptions): SubmissionGrade {
  const relative = options.relativeTolerance ?? DEFAULT_RELATIVE_TOLERANCE;
  if (!(relative > 0 && relative < 1)) throw invalidInput(`the relative tolerance must be between 0 and 1, got ${String(relative)}`);
  const { parameters } = submission;
  const truth = runBackprop(parameters.initialWeights, parameters.inputs, parameters.targets, parameters.learningRate, options.steps);
  const numberAt = (step: number, quantity: AnswerQuantity): number => {
    if (step === 0 && isWeight(quantity)) {
      const k = Number(quantity.slice(1)) - 1;
      return (submission.givenWeights ?? parameters.initialWeights)[k] as number;
    }
    return submission.cells.get(answerKey({ step, quantity }))?.value ?? Number.NaN;
  };
  // The learner's own values of one step, as the engine's rules read them.
  const ownValues = (step: number): NetworkValues => ({
    w: WEIGHT_NUMBERS.map((k) => numberAt(step, `w${k}`)) as unknown as Weights,
    i1: parameters.inputs[0],
    i2: parameters.inputs[1],
    t1: parameters.targets[0],
    t2: parameters.targets[1],
    h1: numberAt(step, 'h1'),
    aH1: numberAt(step, 'aH1'),
    h2: numberAt(step, 'h2'),
    aH2: numberAt(step, 'aH2'),
    o1: numberAt(step, 'o1'),
    aO1: numberAt(step, 'aO1'),
    o2: numberAt(step, 'o2'),
    aO2: numberAt(step, 'aO2'),
    e1: numberAt(step, 'e1'),
    e2: numberAt(step, 'e2'),
  });

  const counts: Record<CellVerdict, number> = { correct: 0, 'carried-forward': 0, typed: 0, wrong: 0, empty: 0 };
  const cells = answerCells(options.steps).map((cell): CellGrade => {
    const { step, quantity } = cell;
    let expectedFromOwn: number;
    let upstream: (readonly [string, number])[];
    if (isWeight(quantity)) {
      const k = Number(quantity.slice(1));
      const weight = numberAt(step - 1, quantity);
      const gradient = numberAt(step - 1, `dw${k as 1}`);
      expectedFromOwn = updateRule(weight, parameters.learningRate, gradient);
      upstream = [
        [`w${k} at step ${step - 1}`, weight],
        ['η', parameters.learningRate],
        [`${headerOf(`dw${k as 1}`)} at step ${step - 1}`, gradient],
      ];
    } else {
      const v = ownValues(step);
      expectedFromOwn = quantity.startsWith('dw') ? gradientRule(Number(quantity.slice(2)), v) : FORWARD_RULES[quantity as keyof typeof FORWARD_RULES](v);
      upstream = UPSTREAM[quantity as keyof typeof UPSTREAM].map(([label, read]) => [label, read(v)] as const);
    }
    const correct = correctValue(truth[step] as StepRecord, quantity);
    const got = submission.cells.get(answerKey(cell));
    const verdict = judge(got, correct, expectedFromOwn, relative);
    counts[verdict]++;
    return { cell, verdict, got, expectedFromOwn, correct, upstream };
  });
  return { cells, points: counts.correct + counts['carried-forward'], outOf: cells.length, counts };
}

function judge(got: SubmittedCell | undefined, correct: number, expectedFromOwn: number, relative: number): CellVerdict {
  if (!got || (got.value === null && got.nonNumeric === undefined && got.formula === null)) return 'empty';
  if (got.value === null || !Number.isFinite(got.value)) return 'wrong';
  const matchesCorrect = withinTolerance(got.value, correct, relative);
  const matchesOwn = Number.isFinite(expectedFromOwn) && withinTolerance(got.value, expectedFromOwn, relative);
  if (!matchesCorrect && !matchesOwn) return 'wrong';
  if (!isRealFormula(got.formula)) return 'typed';
  return matchesCorrect ? 'correct' : 'carried-forward';
}
