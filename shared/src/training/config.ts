import type { OptimizerName, ScheduleName } from '../models/spec.js';

export type BackendChoice = 'auto' | 'wasm' | 'node' | 'webgpu';

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam'];
export const SCHEDULES: readonly ScheduleName[] = ['step', 'onecycle', 'none'];
export const BACKENDS: readonly BackendChoice[] = ['auto', 'wasm', 'node', 'webgpu'];

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
