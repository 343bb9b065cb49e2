import { invalidInput } from '../errors.js';
import { activationsPerImage, DESIGN_LIMITS, parseModelSpec } from '../models/parse-spec.js';
import type { ModelSpec, OptimizerName, ScheduleName } from '../models/spec.js';
import { DEFAULT_MODEL_ID, getModel } from '../models/zoo.js';
import type { BackendChoice, TrainConfig } from '../training/config.js';
import { REQUEST_LIMITS } from './limits.js';
import { checkChoice, checkFlag, checkNumber, type FieldNamer, type NumberRule } from './rules.js';

/**
 * A training run as asked for: `gradsheet train`'s flags, the body of `POST /api/runs`,
 * the pane's form. What is left out comes from the model's own training defaults.
 */
export interface TrainingRequest {
  /** A built-in model's id. With neither this nor `modelSpec`, the default model. */
  readonly model?: string;
  /** A design to train instead of a built-in model, as JSON (parseModelSpec checks it). */
  readonly modelSpec?: object;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly optimizer?: OptimizerName;
  readonly lr?: number;
  readonly schedule?: ScheduleName;
  readonly momentum?: number;
  readonly stepSize?: number;
  readonly gamma?: number;
  readonly seed?: number;
  readonly limitTrain?: number;
  readonly limitTest?: number;
  readonly backend?: BackendChoice;
  readonly augment?: boolean;
  readonly threads?: number;
  readonly emaDecay?: number;
}

export type TrainingField = keyof TrainingRequest;

/**
 * The fields `POST /api/runs` takes; the others (threads, augmentation, the schedule's
 * fine print) are the service's or the model's to set.
 */
export const CREATE_RUN_FIELDS = {
  required: ['epochs', 'batchSize', 'optimizer', 'lr', 'schedule', 'seed'],
  optional: ['model', 'modelSpec', 'limitTrain', 'limitTest', 'backend', 'emaDecay'],
} as const satisfies { required: readonly TrainingField[]; optional: readonly TrainingField[] };

/** Body of `POST /api/runs`: the training settings a caller chooses. Unknown fields are refused. */
export type CreateRunRequest = Required<Pick<TrainingRequest, (typeof CREATE_RUN_FIELDS.required)[number]>> &
  Pick<TrainingRequest, (typeof CREATE_RUN_FIELDS.optional)[number]>;

type TrainingLimits = typeof REQUEST_LIMITS.training;
type NumberField = { [F in keyof TrainingLimits]: TrainingLimits[F] extends NumberRule ? F : never }[keyof TrainingLimits];

/** What a training request asks to train, and how. */
export interface TrainingRun {
  readonly config: TrainConfig;
  readonly spec: ModelSpec;
}

/** The fields in plain words, for callers with no names of their own (tests, benchmarks). */
const PLAIN_NAMES: Record<TrainingField, string> = {
  model: 'model',
  modelSpec: 'model spec',
  epochs: 'epochs',
  batchSize: 'batch size',
  optimizer: 'optimizer',
  lr: 'lr',
  schedule: 'schedule',
  momentum: 'momentum',
  stepSize: 'step size',
  gamma: 'gamma',
  seed: 'seed',
  limitTrain: 'limit-train',
  limitTest: 'limit-test',
  backend: 'backend',
  augment: 'augment',
  threads: 'threads',
  emaDecay: 'EMA decay',
};

const plain: FieldNamer<TrainingField> = (field) => PLAIN_NAMES[field];

/**
 * The one check of a training request: the model (`model` or `modelSpec`, never both;
 * the default model with neither), every field against REQUEST_LIMITS.training, and
 * the batch's activations against DESIGN_LIMITS. Throws GradSheetError (INVALID_INPUT,
 * UNKNOWN_MODEL or INVALID_MODEL) with one sentence naming the field as `name` does.
 */
export function parseTrainingRequest(request: TrainingRequest, name: FieldNamer<TrainingField> = plain): TrainingRun {
  if (request.model !== undefined && request.modelSpec !== undefined) {
    throw invalidInput(`give ${name('model')} or ${name('modelSpec')}, not both`);
  }
  if (request.model !== undefined && typeof request.model !== 'string') throw invalidInput(`${name('model')} must be a model id`);
  const spec = request.modelSpec !== undefined ? parseModelSpec(request.modelSpec) : getModel(request.model ?? DEFAULT_MODEL_ID);
  const config = resolveTrainConfig(request, spec, name);
  const perImage = activationsPerImage(spec);
  if (perImage * config.batchSize > DESIGN_LIMITS.maxActivationsPerBatch) {
    const most = Math.floor(DESIGN_LIMITS.maxActivationsPerBatch / perImage);
    throw invalidInput(
      `${fieldName('batchSize', request, name)} ${config.batchSize} is too large for ${spec.id}: a batch's activations would pass ` +
        `${DESIGN_LIMITS.maxActivationsPerBatch.toLocaleString('en-US')} values; use at most ${most.toLocaleString('en-US')}`,
    );
  }
  return { config, spec };
}

/**
 * Fills a request with the model's training defaults and checks every field against
 * REQUEST_LIMITS.training (a model's own defaults too). For callers that hold the
 * spec already; parseTrainingRequest is the whole check.
 */
export function resolveTrainConfig(request: TrainingRequest, spec: ModelSpec, name: FieldNamer<TrainingField> = plain): TrainConfig {
  const t = spec.training;
  const L = REQUEST_LIMITS.training;
  const number = (field: NumberField, fallback: number) => checkNumber(request[field] ?? fallback, L[field], fieldName(field, request, name));
  const config: TrainConfig = {
    model: spec.id,
    epochs: number('epochs', t.epochs),
    batchSize: number('batchSize', t.batchSize),
    optimizer: checkChoice(request.optimizer ?? t.optimizer, L.optimizer, fieldName('optimizer', request, name)),
    lr: number('lr', t.lr),
    schedule: checkChoice(request.schedule ?? t.schedule, L.schedule, fieldName('schedule', request, name)),
    momentum: number('momentum', t.momentum ?? 0.9),
    stepSize: number('stepSize', t.stepSize ?? 10),
    gamma: number('gamma', t.gamma ?? 0.1),
    seed: number('seed', 1),
    backend: checkChoice(request.backend ?? 'auto', L.backend, name('backend')),
    augment: checkFlag(request.augment ?? true, name('augment')),
    threads: number('threads', 1),
    emaDecay: number('emaDecay', t.emaDecay ?? 0),
  };
  const limits: { limitTrain?: number; limitTest?: number } = {};
  if (request.limitTrain !== undefined) limits.limitTrain = number('limitTrain', request.limitTrain);
  if (request.limitTest !== undefined) limits.limitTest = number('limitTest', request.limitTest);
  return { ...config, ...limits };
}

/** The caller's name for a field it sent; a value it left out came from the model, and is named as the model's. */
function fieldName(field: TrainingField, request: TrainingRequest, name: FieldNamer<TrainingField>): string {
  return request[field] === undefined ? `the model's training.${field}` : name(field);
}
