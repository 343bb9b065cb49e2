import { MNIST_TEST_COUNT, MNIST_TRAIN_COUNT } from '../mnist/idx.js';
import { BACKENDS, OPTIMIZERS, SCHEDULES } from '../training/config.js';
import { integerRule, type ChoiceRule, type FlagRule, type ListRule, type NumberRule } from './rules.js';

/**
 * Every bound a request is held to, in one table: the request parsers check against
 * it, the service's JSON schemas are built from it, and the CLI's help and the pane's
 * hints quote it.
 */

/** Beyond this, sigmoid saturates and the lesson turns into overflow noise. */
const MAX_ABS_PARAMETER = 1e6;
const parameter: NumberRule = { kind: 'number', integer: false, min: -MAX_ABS_PARAMETER, max: MAX_ABS_PARAMETER };
const rate: NumberRule = { kind: 'number', integer: false, min: 0, above: true, max: MAX_ABS_PARAMETER };
const pair: ListRule = { kind: 'list', item: parameter, minItems: 2, maxItems: 2 };
const maxEpochs = 50;

export const REQUEST_LIMITS = {
  /** `gradsheet backprop`, `POST /api/backprop.xlsx` and the pane's backprop form. */
  backprop: {
    /** 10,000 rows recalculate in well under a second in Excel. */
    steps: integerRule(1, 10_000),
    learningRate: rate,
    /** Up to 12 curves stay readable in one chart. */
    comparisonLearningRates: { kind: 'list', item: rate, minItems: 1, maxItems: 12 },
    inputs: pair,
    targets: pair,
    initialWeights: { kind: 'list', item: parameter, minItems: 8, maxItems: 8 },
  },
  /** `gradsheet train`, `POST /api/runs` and the pane's training form; a model's own defaults are held to it too. */
  training: {
    epochs: integerRule(1, maxEpochs),
    batchSize: integerRule(1, 2048),
    optimizer: { kind: 'choice', values: OPTIMIZERS },
    lr: { kind: 'number', integer: false, min: 0, above: true, max: 10 },
    schedule: { kind: 'choice', values: SCHEDULES },
    momentum: { kind: 'number', integer: false, min: 0, max: 1, below: true },
    stepSize: integerRule(1, maxEpochs),
    gamma: { kind: 'number', integer: false, min: 0, above: true, max: 1 },
    seed: integerRule(0, 2 ** 31 - 1),
    limitTrain: integerRule(1, MNIST_TRAIN_COUNT),
    limitTest: integerRule(1, MNIST_TEST_COUNT),
    backend: { kind: 'choice', values: BACKENDS },
    augment: { kind: 'boolean' },
    threads: integerRule(1, 8),
    emaDecay: { kind: 'number', integer: false, min: 0, max: 1, below: true },
  },
} as const satisfies {
  backprop: Record<string, NumberRule | ListRule>;
  training: Record<string, NumberRule | ChoiceRule | FlagRule>;
};
