import type { FastifyInstance } from 'fastify';
import {
  CREATE_RUN_FIELDS,
  DESIGN_LIMITS,
  MODEL_ID_PATTERN,
  REQUEST_LIMITS,
  RUN_ID_PATTERN,
  RUN_STATES,
  type FieldRule,
  type TrainingField,
} from '@gradsheet/shared';

/**
 * JSON schemas: request schemas are checked by Fastify's Ajv (which this service
 * sets to neither coerce types nor drop unknown fields), response schemas drive
 * serialisation. Those used by several routes are registered once by $id.
 */

const number = { type: 'number' } as const;
const integer = { type: 'integer' } as const;
const string = { type: 'string' } as const;

export const REF = {
  error: { $ref: 'ApiError#' },
  runView: { $ref: 'RunView#' },
  metrics: { $ref: 'EpochMetrics#' },
} as const;

const errorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: { statusCode: integer, code: string, error: string, message: string },
} as const;

const metricsSchema = {
  $id: 'EpochMetrics',
  type: 'object',
  required: ['epoch', 'trainLoss', 'trainAcc', 'testLoss', 'testAcc', 'testCorrect', 'testCount', 'lr', 'seconds', 'imagesPerSecond'],
  properties: {
    epoch: integer,
    trainLoss: number,
    trainAcc: number,
    testLoss: number,
    testAcc: number,
    testCorrect: integer,
    testCount: integer,
    lr: number,
    seconds: number,
    imagesPerSecond: number,
  },
} as const;

const configSchema = {
  $id: 'TrainConfig',
  type: 'object',
  properties: {
    model: string,
    epochs: integer,
    batchSize: integer,
    optimizer: string,
    lr: number,
    schedule: string,
    momentum: number,
    stepSize: integer,
    gamma: number,
    seed: integer,
    limitTrain: integer,
    limitTest: integer,
    backend: string,
    augment: { type: 'boolean' },
    threads: integer,
    emaDecay: number,
  },
} as const;

const progressSchema = {
  $id: 'RunProgress',
  type: 'object',
  properties: { epoch: integer, batch: integer, batches: integer, loss: number, acc: number, lr: number, batchesPerSecond: number },
} as const;

const runViewSchema = {
  $id: 'RunView',
  type: 'object',
  required: ['id', 'config', 'state', 'createdAt', 'updatedAt', 'metrics'],
  properties: {
    id: string,
    config: { $ref: 'TrainConfig#' },
    state: { type: 'string', enum: RUN_STATES },
    createdAt: string,
    updatedAt: string,
    startedAt: string,
    finishedAt: string,
    error: string,
    backend: string,
    owner: string,
    metrics: { type: 'array', items: { $ref: 'EpochMetrics#' } },
    progress: { $ref: 'RunProgress#' },
  },
} as const;

export function addSharedSchemas(app: FastifyInstance): void {
  for (const schema of [errorSchema, metricsSchema, configSchema, progressSchema, runViewSchema]) app.addSchema(schema);
}

/** Error responses a route can give, all in the table's shape. */
export function errorResponses(...statuses: number[]): Record<number, typeof REF.error> {
  return Object.fromEntries([400, 401, 403, ...statuses].map((status) => [status, REF.error]));
}

export const runIdParams = {
  type: 'object',
  required: ['runId'],
  additionalProperties: false,
  properties: { runId: { type: 'string', pattern: RUN_ID_PATTERN } },
} as const;

/** A request field's rule from REQUEST_LIMITS as a JSON schema, so Ajv refuses what the parser would. */
export function schemaOf(rule: FieldRule): Record<string, unknown> {
  switch (rule.kind) {
    case 'number':
      return {
        type: rule.integer ? 'integer' : 'number',
        [rule.above ? 'exclusiveMinimum' : 'minimum']: rule.min,
        [rule.below ? 'exclusiveMaximum' : 'maximum']: rule.max,
      };
    case 'list':
      return { type: 'array', items: schemaOf(rule.item), minItems: rule.minItems, maxItems: rule.maxItems };
    case 'choice':
      return { type: 'string', enum: [...rule.values] };
    case 'boolean':
      return { type: 'boolean' };
  }
}

/** The two fields that name the model: an id, or a design that parseModelSpec checks field by field. */
const MODEL_FIELDS: Partial<Record<TrainingField, Record<string, unknown>>> = {
  model: { type: 'string', minLength: 1, maxLength: DESIGN_LIMITS.maxIdLength, pattern: MODEL_ID_PATTERN },
  modelSpec: { type: 'object' },
};

const trainingField = (field: TrainingField) => MODEL_FIELDS[field] ?? schemaOf(REQUEST_LIMITS.training[field as keyof typeof REQUEST_LIMITS.training]);

/** `POST /api/runs`: what a learner chooses, by REQUEST_LIMITS; parseTrainingRequest checks the rest (the model, the cross-field rules). */
export const createRunBody = {
  type: 'object',
  additionalProperties: false,
  required: [...CREATE_RUN_FIELDS.required],
  properties: Object.fromEntries([...CREATE_RUN_FIELDS.required, ...CREATE_RUN_FIELDS.optional].map((field) => [field, trainingField(field)])),
};

/** `POST /api/backprop.xlsx`: every field by REQUEST_LIMITS, each optional. */
export const backpropWorkbookBody = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(REQUEST_LIMITS.backprop).map(([field, rule]) => [field, schemaOf(rule)])),
};
