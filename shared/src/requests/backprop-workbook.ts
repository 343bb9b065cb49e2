import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS as DEFAULTS, type BackpropWorkbookOptions, type Pair, type Weights } from '../backprop/parameters.js';
import { REQUEST_LIMITS } from './limits.js';
import { checkList, checkNumber, type FieldNamer } from './rules.js';

/**
 * The backprop workbook as asked for: `gradsheet backprop`'s flags, the body of
 * `POST /api/backprop.xlsx`, the pane's form. Every field may be left out for the
 * course's value.
 */
export interface BackpropWorkbookRequest {
  readonly steps?: number;
  readonly learningRate?: number;
  readonly comparisonLearningRates?: readonly number[];
  readonly inputs?: readonly number[];
  readonly targets?: readonly number[];
  readonly initialWeights?: readonly number[];
}

export type BackpropField = keyof BackpropWorkbookRequest;

/** The fields in plain words, for callers with no names of their own (the teacher's key, the plan builders). */
const PLAIN_NAMES: Record<BackpropField, string> = {
  steps: 'steps',
  learningRate: 'learning rate',
  comparisonLearningRates: 'compared learning rates',
  inputs: 'inputs',
  targets: 'targets',
  initialWeights: 'weights',
};

const LIMITS = REQUEST_LIMITS.backprop;

/**
 * Fills the course's values into what was left out, checks every field against
 * REQUEST_LIMITS.backprop, and returns frozen options. Throws GradSheetError
 * INVALID_INPUT with one sentence naming the field as `name` does.
 */
export function parseBackpropWorkbookRequest(
  request: BackpropWorkbookRequest,
  name: FieldNamer<BackpropField> = (field) => PLAIN_NAMES[field],
): BackpropWorkbookOptions {
  const steps = checkNumber(request.steps ?? DEFAULTS.steps, LIMITS.steps, name('steps'));
  const learningRate = checkNumber(request.learningRate ?? DEFAULTS.learningRate, LIMITS.learningRate, name('learningRate'));
  const comparisonLearningRates = checkList(request.comparisonLearningRates ?? DEFAULTS.comparisonLearningRates, LIMITS.comparisonLearningRates, name('comparisonLearningRates'));
  const inputs = checkList(request.inputs ?? DEFAULTS.inputs, LIMITS.inputs, name('inputs'));
  const targets = checkList(request.targets ?? DEFAULTS.targets, LIMITS.targets, name('targets'));
  const initialWeights = checkList(request.initialWeights ?? DEFAULTS.initialWeights, LIMITS.initialWeights, name('initialWeights'));
  return Object.freeze({
    steps,
    learningRate,
    inputs: inputs as unknown as Pair,
    targets: targets as unknown as Pair,
    initialWeights: initialWeights as unknown as Weights,
    comparisonLearningRates: Object.freeze(comparisonLearningRates),
  });
}

