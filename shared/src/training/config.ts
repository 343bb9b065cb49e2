import { invalidInput } from '../errors.js';
import type { ModelSpec, OptimizerName, ScheduleName } from '../models/spec.js';

export type BackendChoice = 'auto' | 'wasm' | 'node' | 'webgpu';

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam'];
export const SCHEDULES: readonly ScheduleName[] = ['step', 'onecycle', 'none'];
export const BACKENDS: readonly BackendChoice[] = ['auto', 'wasm', 'node', 'webgpu'];

export const TRAIN_LIMITS = {
  maxEpochs: 50,
  maxBatchSize: 2048,
  maxLearningRate: 10,
  maxSeed: 2 ** 31 - 1,
  maxThreads: 8,
} as const;

/** Everything that determines a training run; stored with the run and sent over the API. */
export interface TrainConfig {
  readonly model: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly schedule: ScheduleName;
  readonly momentum: number;
  readonly stepSize: number;
  readonly gamma: number;
  readonly seed: number;
  /** Train on the first N training images only (smoke runs); all 60,000 when absent. */
  readonly limitTrain?: number;
  /** Evaluate on the first N test images only; all 10,000 when absent. */
  readonly limitTest?: number;
  readonly backend: BackendChoice;
  readonly augment: boolean;
  /**
   * Replicas training in parallel, each on its own thread and share of every batch
   * (data parallelism; BatchNorm then normalises each share by its own statistics).
   */
  readonly threads: number;
  /**
   * Polyak averaging: each epoch is evaluated, and its weights kept, as an
   * exponential moving average of the weights after every step, with this decay
   * (0: off, the weights as trained).
   */
  readonly emaDecay: number;
}

export type TrainRequest = Partial<Omit<TrainConfig, 'model'>> & { readonly model: string };

/** The metrics of one epoch, as the course's logs show them (accuracies as fractions). */
export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAcc: number;
  readonly testLoss: number;
  readonly testAcc: number;
  /** Correct predictions out of `testCount` test images. */
  readonly testCorrect: number;
  readonly testCount: number;
  /** The learning rate at the end of the epoch. */
  readonly lr: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidInput(`${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got ${value}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw invalidInput(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value;
}

/** Fills a request with the model's training defaults and checks every field. */
export function resolveTrainConfig(request: TrainRequest, model: ModelSpec): TrainConfig {
  const t = model.training;
  const lr = request.lr ?? t.lr;
  if (!Number.isFinite(lr) || lr <= 0 || lr > TRAIN_LIMITS.maxLearningRate) {
    throw invalidInput(`lr must be a number greater than 0 and at most ${TRAIN_LIMITS.maxLearningRate}, got ${lr}`);
  }
  const momentum = request.momentum ?? t.momentum ?? 0.9;
  if (!(momentum >= 0 && momentum < 1)) throw invalidInput(`momentum must be in [0, 1), got ${momentum}`);
  const gamma = request.gamma ?? t.gamma ?? 0.1;
  if (!(gamma > 0 && gamma <= 1)) throw invalidInput(`gamma must be in (0, 1], got ${gamma}`);
  const emaDecay = request.emaDecay ?? t.emaDecay ?? 0;
  if (!(emaDecay >= 0 && emaDecay < 1)) throw invalidInput(`EMA decay must be in [0, 1), got ${emaDecay}`);
  const config: TrainConfig = {
    model: model.id,
    epochs: whole('epochs', request.epochs ?? t.epochs, 1, TRAIN_LIMITS.maxEpochs),
    batchSize: whole('batch size', request.batchSize ?? t.batchSize, 1, TRAIN_LIMITS.maxBatchSize),
    optimizer: oneOf('optimizer', request.optimizer ?? t.optimizer, OPTIMIZERS),
    lr,
    schedule: oneOf('schedule', request.schedule ?? t.schedule, SCHEDULES),
    momentum,
    stepSize: whole('step size', request.stepSize ?? t.stepSize ?? 10, 1, TRAIN_LIMITS.maxEpochs),
    gamma,
    seed: whole('seed', request.seed ?? 1, 0, TRAIN_LIMITS.maxSeed),
    backend: oneOf('backend', request.backend ?? 'auto', BACKENDS),
    augment: request.augment ?? true,
    threads: whole('threads', request.threads ?? 1, 1, TRAIN_LIMITS.maxThreads),
    emaDecay,
  };
  const limits: { limitTrain?: number; limitTest?: number } = {};
  if (request.limitTrain !== undefined) limits.limitTrain = whole('limit-train', request.limitTrain, 1, 60_000);
  if (request.limitTest !== undefined) limits.limitTest = whole('limit-test', request.limitTest, 1, 10_000);
  return { ...config, ...limits };
}
