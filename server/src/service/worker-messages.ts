import type { EpochMetrics, RunProgress, TrainConfig } from '@gradsheet/shared';

/** What the training thread is started with. */
export interface TrainingJobInput {
  readonly config: TrainConfig;
  readonly runDir: string;
  /** Continue from the run directory's last completed epoch. */
  readonly resume: boolean;
}

export type ToTrainingWorker = { readonly type: 'cancel' };

export type FromTrainingWorker =
  | { readonly type: 'backend'; readonly name: string; readonly detail: string }
  | { readonly type: 'progress'; readonly progress: RunProgress }
  /** Sent only once the epoch's metrics line is on disk. */
  | { readonly type: 'epoch'; readonly metrics: EpochMetrics }
  | { readonly type: 'done' }
  | { readonly type: 'cancelled' }
  | { readonly type: 'failed'; readonly message: string };
