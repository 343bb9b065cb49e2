import {
  DEFAULT_BACKPROP_WORKBOOK_OPTIONS as DEFAULTS,
  REQUEST_LIMITS,
  numberHint,
  parseBackpropWorkbookRequest,
  type BackpropField,
  type BackpropWorkbookOptions,
  type BackpropWorkbookRequest,
} from '@gradsheet/shared';
import { formNumber as number, formNumbers as numbers } from './form-text.js';

const LIMITS = REQUEST_LIMITS.backprop;

/**
 * The pane's backprop fields: the same request and defaults as `gradsheet backprop`.
 * `name` is how a message names the field.
 */
export const BACKPROP_FIELDS = [
  { id: 'steps', field: 'steps', label: 'Steps', name: 'Steps', initial: String(DEFAULTS.steps), hint: numberHint(LIMITS.steps) },
  { id: 'lr', field: 'learningRate', label: 'η (learning rate)', name: 'η', initial: String(DEFAULTS.learningRate), hint: numberHint(LIMITS.learningRate) },
  {
    id: 'lrs',
    field: 'comparisonLearningRates',
    label: 'Compared η values',
    name: 'Compared η values',
    initial: DEFAULTS.comparisonLearningRates.join(', '),
    hint: `${LIMITS.comparisonLearningRates.minItems} to ${LIMITS.comparisonLearningRates.maxItems}, comma-separated`,
  },
  { id: 'inputs', field: 'inputs', label: 'Inputs i1, i2', name: 'Inputs', initial: DEFAULTS.inputs.join(', '), hint: 'two numbers' },
  { id: 'targets', field: 'targets', label: 'Targets t1, t2', name: 'Targets', initial: DEFAULTS.targets.join(', '), hint: 'two numbers' },
  { id: 'weights', field: 'initialWeights', label: 'Starting weights w1..w8', name: 'Starting weights', initial: DEFAULTS.initialWeights.join(', '), hint: 'eight numbers' },
] as const satisfies readonly { id: string; field: BackpropField; label: string; name: string; initial: string; hint: string }[];

export type BackpropFieldId = (typeof BACKPROP_FIELDS)[number]['id'];

const NAME_OF = Object.fromEntries(BACKPROP_FIELDS.map((f) => [f.field, f.name])) as Record<BackpropField, string>;

/**
 * Reads the fields' text into the request the service takes, and checks it with the
 * same parser as the CLI and the service; throws GradSheetError with one sentence
 * naming the field as the form does.
 */
export function readBackpropForm(values: Readonly<Record<BackpropFieldId, string>>): { request: BackpropWorkbookRequest; options: BackpropWorkbookOptions } {
  const request: BackpropWorkbookRequest = {
    steps: number(NAME_OF.steps, values.steps),
    learningRate: number(NAME_OF.learningRate, values.lr),
    comparisonLearningRates: numbers(NAME_OF.comparisonLearningRates, values.lrs),
    inputs: numbers(NAME_OF.inputs, values.inputs),
    targets: numbers(NAME_OF.targets, values.targets),
    initialWeights: numbers(NAME_OF.initialWeights, values.weights),
  };
  return { request, options: parseBackpropWorkbookRequest(request, (field) => NAME_OF[field]) };
}
