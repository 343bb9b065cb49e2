import { Worker } from 'node:worker_threads';
import type { EpochMetrics, RunProgress } from '@gradsheet/shared';
import type { FromTrainingWorker, ToTrainingWorker, TrainingJobInput } from './worker-messages.js';

export interface TrainingJobHandlers {
  readonly onBackend: (backend: { name: string; detail: string }) => void;
  readonly onProgress: (progress: RunProgress) => void;
  readonly onEpoch: (metrics: EpochMetrics) => void;
}

export type TrainingOutcome =
  | { readonly state: 'done' | 'cancelled' | 'interrupted' }
  /** `error` is the message; `detail` (its stack, when there is one) is for the log. */
  | { readonly state: 'failed'; readonly error: string; readonly detail?: string };

export interface TrainingJob {
  /** Settles once, with how the run ended. */
  readonly outcome: Promise<TrainingOutcome>;
  /** Asks the run to stop at its next batch; ends the thread if it has not stopped in time. */
  cancel(): void;
  /** Ends the thread now, the run left resumable (the service is shutting down). */
  stop(): Promise<void>;
}

/** How long a cancelled run may take to reach its next batch before its thread is ended. */
const CANCEL_GRACE_MS = 5_000;

/** Starts one run on a worker thread of its own. */
export function startTrainingJob(input: TrainingJobInput, handlers: TrainingJobHandlers): TrainingJob {
  const worker = new Worker(new URL('./training-worker.js', import.meta.url), { workerData: input });
  let settle: (outcome: TrainingOutcome) => void = () => {};
  let settled = false;
  let cancelTimer: NodeJS.Timeout | undefined;
  const outcome = new Promise<TrainingOutcome>((resolve) => {
    settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(cancelTimer);
      resolve(result);
      // tfjs may hold the thread open after training; nothing more is expected from it.
      void worker.terminate();
    };
  });

  worker.on('message', (message: FromTrainingWorker) => {
    if (settled) return;
    switch (message.type) {
      case 'backend':
        return handlers.onBackend(message);
      case 'progress':
        return handlers.onProgress(message.progress);
      case 'epoch':
        return handlers.onEpoch(message.metrics);
      case 'done':
      case 'cancelled':
        return settle({ state: message.type });
      case 'failed':
        return settle({ state: 'failed', error: message.message, ...(message.detail !== undefined ? { detail: message.detail } : {}) });
    }
  });
  worker.on('error', (error) => settle({ state: 'failed', error: `training thread crashed: ${error.message}`, ...(error.stack !== undefined ? { detail: error.stack } : {}) }));
  worker.on('exit', (code) => settle({ state: 'failed', error: `training thread stopped unexpectedly (exit code ${code})` }));

  return {
    outcome,
    cancel() {
      if (settled) return;
      worker.postMessage({ type: 'cancel' } satisfies ToTrainingWorker);
      cancelTimer ??= setTimeout(() => settle({ state: 'cancelled' }), CANCEL_GRACE_MS);
    },
    async stop() {
      settle({ state: 'interrupted' });
      await worker.terminate();
    },
  };
}
