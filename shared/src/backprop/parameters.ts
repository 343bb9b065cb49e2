/** The eight weights w1..w8 of the 2-2-2 network, in order. */
export type Weights = readonly [number, number, number, number, number, number, number, number];
export type Pair = readonly [number, number];

/** Everything that determines a backprop run. Requests for one are checked in ../requests/backprop-workbook.ts. */
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
export const DEFAULT_COMPARISON_LEARNING_RATES: readonly number[] = [0.1, 0.2, 0.5, 0.8, 1.0, 2.0];

export const DEFAULT_BACKPROP_WORKBOOK_OPTIONS: BackpropWorkbookOptions = {
  ...DEFAULT_BACKPROP_PARAMETERS,
  steps: DEFAULT_STEPS,
  comparisonLearningRates: DEFAULT_COMPARISON_LEARNING_RATES,
};
