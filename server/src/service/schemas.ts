import type { FastifyInstance } from 'fastify';
import { BACKENDS, OPTIMIZERS, RUN_ID_PATTERN, RUN_STATES, SCHEDULES, TRAIN_LIMITS } from '@gradsheet/shared';

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

/** `POST /api/runs`: what a learner chooses; resolveTrainConfig checks the rest. */
export const createRunBody = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'epochs', 'batchSize', 'optimizer', 'lr', 'schedule', 'seed'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' },
    epochs: { type: 'integer', minimum: 1, maximum: TRAIN_LIMITS.maxEpochs },
    batchSize: { type: 'integer', minimum: 1, maximum: TRAIN_LIMITS.maxBatchSize },
    optimizer: { type: 'string', enum: OPTIMIZERS },
    lr: { type: 'number', exclusiveMinimum: 0, maximum: TRAIN_LIMITS.maxLearningRate },
    schedule: { type: 'string', enum: SCHEDULES },
    seed: { type: 'integer', minimum: 0, maximum: TRAIN_LIMITS.maxSeed },
    limitTrain: { type: 'integer', minimum: 1, maximum: 60_000 },
    limitTest: { type: 'integer', minimum: 1, maximum: 10_000 },
    backend: { type: 'string', enum: BACKENDS },
    emaDecay: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
  },
} as const;
