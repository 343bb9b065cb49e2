import { FORWARD_QUANTITIES, type ForwardQuantity } from '../backprop/engine.js';
import { STEP_COL, STEP_COLUMNS } from '../backprop/step-table.js';

/**
 * The answer map: which quantity each answer cell of an exercise holds. Cells are
 * named by the Backprop sheet's own labels (its column header and its step number),
 * which is how grading finds them again in a submission.
 */

export type WeightNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
export type AnswerQuantity = ForwardQuantity | `w${WeightNumber}` | `dw${WeightNumber}`;

export interface AnswerCell {
  /** The step, from 0; the row whose "Step" column holds this number. */
  readonly step: number;
  readonly quantity: AnswerQuantity;
}

export const WEIGHT_NUMBERS: readonly WeightNumber[] = [1, 2, 3, 4, 5, 6, 7, 8];

/** The Backprop sheet's column of each quantity. */
const COLUMN_OF: Readonly<Record<AnswerQuantity, number>> = {
  ...(Object.fromEntries(FORWARD_QUANTITIES.map((q) => [q, STEP_COL[q]])) as Record<ForwardQuantity, number>),
  ...(Object.fromEntries(WEIGHT_NUMBERS.map((k) => [`w${k}`, STEP_COL.weight(k)])) as Record<`w${WeightNumber}`, number>),
  ...(Object.fromEntries(WEIGHT_NUMBERS.map((k) => [`dw${k}`, STEP_COL.gradient(k)])) as Record<`dw${WeightNumber}`, number>),
};

/** Every quantity with a column, in sheet order. */
export const ANSWER_QUANTITIES: readonly AnswerQuantity[] = (Object.keys(COLUMN_OF) as AnswerQuantity[]).sort(
  (a, b) => COLUMN_OF[a] - COLUMN_OF[b],
);

/** The header of the Step column, which numbers the rows. */
export const STEP_HEADER = (STEP_COLUMNS[STEP_COL.step] as { header: string }).header;

export function columnOf(quantity: AnswerQuantity): number {
  return COLUMN_OF[quantity];
}

/** The label heading the quantity's column, e.g. "a_h1" or "∂E_total/∂w5". */
export function headerOf(quantity: AnswerQuantity): string {
  return (STEP_COLUMNS[COLUMN_OF[quantity]] as { header: string }).header;
}

/** The maths of the quantity, as the course writes it. */
export function mathOf(quantity: AnswerQuantity): string {
  return (STEP_COLUMNS[COLUMN_OF[quantity]] as { math: string }).math;
}

/** The quantity a column header names, or undefined for a header that is not an answer column. */
export function quantityOfHeader(header: string): AnswerQuantity | undefined {
  const wanted = header.trim();
  return ANSWER_QUANTITIES.find((q) => headerOf(q) === wanted);
}

export function isWeight(quantity: AnswerQuantity): quantity is `w${WeightNumber}` {
  return /^w[1-8]$/.test(quantity);
}

/** "3:a_h1"-like key of an answer cell, for maps. */
export function answerKey(cell: AnswerCell): string {
  return `${cell.step}:${cell.quantity}`;
}

/** "a_h1 at step 3". */
export function describeCell(cell: AnswerCell): string {
  return `${headerOf(cell.quantity)} at step ${cell.step}`;
}

/**
 * The cells a learner fills in, in sheet order: the forward and backward pass of
 * step 0 (its weights are given), then for every later step its updated weights and
 * its own forward and backward pass (E_total of every step is the loss chart's data).
 */
export function answerCells(steps: number): AnswerCell[] {
  const cells: AnswerCell[] = [];
  for (let step = 0; step < steps; step++) {
    for (const quantity of ANSWER_QUANTITIES) {
      if (step === 0 && isWeight(quantity)) continue;
      cells.push({ step, quantity });
    }
  }
  return cells;
}
