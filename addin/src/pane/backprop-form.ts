import {
  DEFAULT_BACKPROP_WORKBOOK_OPTIONS as DEFAULTS,
  MAX_STEPS,
  invalidInput,
  validateBackpropOptions,
  type BackpropWorkbookOptions,
  type Pair,
  type Weights,
} from '@gradsheet/shared';

/** The pane's backprop fields: the same parameters and defaults as `gradsheet backprop`. */
export const BACKPROP_FIELDS = [
  { id: 'steps', label: 'Steps', initial: String(DEFAULTS.steps), hint: `1 to ${MAX_STEPS.toLocaleString('en-US')}` },
  { id: 'lr', label: 'η (learning rate)', initial: String(DEFAULTS.learningRate), hint: 'greater than 0' },
  { id: 'lrs', label: 'Compared η values', initial: DEFAULTS.comparisonLearningRates.join(', '), hint: '1 to 12, comma-separated' },
  { id: 'inputs', label: 'Inputs i1, i2', initial: DEFAULTS.inputs.join(', '), hint: 'two numbers' },
  { id: 'targets', label: 'Targets t1, t2', initial: DEFAULTS.targets.join(', '), hint: 'two numbers' },
  { id: 'weights', label: 'Starting weights w1..w8', initial: DEFAULTS.initialWeights.join(', '), hint: 'eight numbers' },
] as const;

export type BackpropFieldId = (typeof BACKPROP_FIELDS)[number]['id'];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function number(label: string, text: string): number {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) throw invalidInput(`${label}: “${text.trim()}” is not a number`);
  return Number(trimmed);
}

function numbers(label: string, text: string, count?: number): number[] {
  const values = text.split(',').map((part) => number(label, part));
  if (count !== undefined && values.length !== count) throw invalidInput(`${label} needs exactly ${count} comma-separated numbers, got ${values.length}`);
  return values;
}

/** Reads the fields into validated workbook options; throws GradSheetError with one sentence naming the field. */
export function backpropOptions(values: Readonly<Record<BackpropFieldId, string>>): BackpropWorkbookOptions {
  const steps = number('Steps', values.steps);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) throw invalidInput(`Steps must be a whole number from 1 to ${MAX_STEPS.toLocaleString('en-US')}`);
  return validateBackpropOptions({
    steps,
    learningRate: number('η', values.lr),
    comparisonLearningRates: numbers('Compared η values', values.lrs),
    inputs: numbers('Inputs', values.inputs, 2) as unknown as Pair,
    targets: numbers('Targets', values.targets, 2) as unknown as Pair,
    initialWeights: numbers('Starting weights', values.weights, 8) as unknown as Weights,
  });
}

/** The body of `POST /api/backprop.xlsx` for these options. */
export function backpropRequest(options: BackpropWorkbookOptions) {
  return {
    steps: options.steps,
    learningRate: options.learningRate,
    comparisonLearningRates: [...options.comparisonLearningRates],
    inputs: [...options.inputs],
    targets: [...options.targets],
    initialWeights: [...options.initialWeights],
  };
}
