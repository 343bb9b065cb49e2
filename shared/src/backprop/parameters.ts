import { invalidInput } from '../errors.js';

/** The eight weights w1..w8 of the 2-2-2 network, in order. */
export type Weights = readonly [number, number, number, number, number, number, number, number];
export type Pair = readonly [number, number];

/** Everything that determines a backprop run. */
export interface BackpropParameters {
  /** η of the main step table. */
  readonly learningRate: number;
  readonly inputs: Pair;
  readonly targets: Pair;
  readonly initialWeights: Weights;
}

export interface BackpropWorkbookOptions extends BackpropParameters {
  /** Number of rows of the step table: steps 0 .. steps-1. */
  readonly steps: number;
  /** The η values compared on the "LR Comparison" sheet, in order. */
  readonly comparisonLearningRates: readonly number[];
}

/** The course's values (seeds' Part 1). */
export const DEFAULT_BACKPROP_PARAMETERS: BackpropParameters = {
  learningRate: 0.5,
  inputs: [0.05, 0.1],
  targets: [0.5, 0.5],
  initialWeights: [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55],
};

export const DEFAULT_STEPS = 100;
/** Largest step table a workbook may hold; 10,000 rows recalculate in well under a second in Excel. */
export const MAX_STEPS = 10_000;
export const DEFAULT_COMPARISON_LEARNING_RATES: readonly number[] = [0.1, 0.2, 0.5, 0.8, 1.0, 2.0];
/** Enough for every curve to stay readable in one chart. */
export const MAX_COMPARISON_LEARNING_RATES = 12;
/** Beyond this, sigmoid saturates and the lesson turns into overflow noise. */
export const MAX_ABS_PARAMETER = 1e6;

export const DEFAULT_BACKPROP_WORKBOOK_OPTIONS: BackpropWorkbookOptions = {
  ...DEFAULT_BACKPROP_PARAMETERS,
  steps: DEFAULT_STEPS,
  comparisonLearningRates: DEFAULT_COMPARISON_LEARNING_RATES,
};

/**
 * Checks options from any source (CLI, HTTP, task pane) and returns them frozen.
 * Throws GradSheetError('INVALID_INPUT') with one sentence naming the bad field.
 */
export function validateBackpropOptions(options: BackpropWorkbookOptions): BackpropWorkbookOptions {
  const { steps, learningRate, inputs, targets, initialWeights, comparisonLearningRates } = options;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw invalidInput(`steps must be a whole number from 1 to ${MAX_STEPS.toLocaleString('en-US')}, got ${String(steps)}`);
  }
  checkLearningRate('learning rate', learningRate);
  checkVector('inputs', inputs, 2);
  checkVector('targets', targets, 2);
  checkVector('weights', initialWeights, 8);
  if (comparisonLearningRates.length < 1 || comparisonLearningRates.length > MAX_COMPARISON_LEARNING_RATES) {
    throw invalidInput(
      `the learning-rate list needs 1 to ${MAX_COMPARISON_LEARNING_RATES} values, got ${comparisonLearningRates.length}`,
    );
  }
  comparisonLearningRates.forEach((lr) => checkLearningRate('each compared learning rate', lr));
  return Object.freeze({
    steps,
    learningRate,
    inputs: [inputs[0], inputs[1]] as const,
    targets: [targets[0], targets[1]] as const,
    initialWeights: [...initialWeights] as unknown as Weights,
    comparisonLearningRates: Object.freeze([...comparisonLearningRates]),
  });
}

function checkLearningRate(what: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_ABS_PARAMETER) {
    throw invalidInput(`${what} must be a number greater than 0 and at most ${MAX_ABS_PARAMETER}, got ${String(value)}`);
  }
}

function checkVector(what: string, values: readonly number[], count: number): void {
  if (values.length !== count) {
    throw invalidInput(`${what} needs exactly ${count} numbers, got ${values.length}`);
  }
  values.forEach((value, index) => {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_ABS_PARAMETER) {
      throw invalidInput(`${what}: value ${index + 1} must be a finite number within ±${MAX_ABS_PARAMETER}, got ${String(value)}`);
    }
  });
}
