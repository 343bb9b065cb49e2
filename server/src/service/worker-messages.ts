import type { EpochMetrics, RunProgress, TrainConfig } from '@gradsheet/shared';

/** What the training thread is started with: the run's folder and how it trains. The thread continues from whatever epoch the folder records. */
export interface TrainingJobInput {
  readonly runDir: string;
  readonly config: TrainConfig;
}

export type ToTrainingWorker = { readonly type: 'cancel' };

export type FromTrainingWorker =
  | { readonly type: 'backend'; readonly name: string; readonly detail: string }
  | { readonly type: 'progress'; readonly progress: RunProgress }
  /** Sent only once the epoch's metrics line is on disk. */
  | { readonly type: 'epoch'; readonly metrics: EpochMetrics }
  | { readonly type: 'done' }
  | { readonly type: 'cancelled' }
  /** `detail`: the stack, for the service's log. */
  | { readonly type: 'failed'; readonly message: string; readonly detail?: string };
