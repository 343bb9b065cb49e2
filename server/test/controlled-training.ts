/**
 * Training that a test finishes by hand, in place of the training thread: the
 * service's scheduling (which run starts when, limits, cancelling, deleting) is
 * then tested without timing. tests/service-*.test.ts train for real.
 */
import type { EpochMetrics } from '@gradsheet/shared';
import type { StartTrainingJob } from '../src/service/run-manager.js';
import type { TrainingJobHandlers, TrainingOutcome } from '../src/service/training-job.js';

export interface ControlledJob {
  /** The run folder's name: the run's id. */
  readonly runId: string;
  readonly handlers: TrainingJobHandlers;
  /** Ends the run as a training thread would. */
  finish(outcome?: TrainingOutcome): void;
  /** Announces an epoch as a training thread does once its line is on disk. */
  epoch(metrics: EpochMetrics): void;
}

export interface ControlledTraining {
  readonly start: StartTrainingJob;
  /** The runs started so far, in the order they started. */
  readonly started: ControlledJob[];
  /** The jobs still training. */
  running(): ControlledJob[];
  /** The run's job, once it has started (a run starts a moment after it is queued: its state is written first). */
  job(runId: string): Promise<ControlledJob>;
}

export function controlledTraining(): ControlledTraining {
  const started: ControlledJob[] = [];
  const open = new Set<ControlledJob>();
  const waiting = new Map<string, (job: ControlledJob) => void>();
  const start: StartTrainingJob = (input, handlers) => {
    let settle: (outcome: TrainingOutcome) => void = () => {};
    const outcome = new Promise<TrainingOutcome>((resolve) => (settle = resolve));
    const job: ControlledJob = {
      runId: input.runDir.split(/[\\/]/).at(-1) as string,
      handlers,
      finish(result = { state: 'done' }) {
        open.delete(job);
        settle(result);
      },
      epoch: (metrics) => handlers.onEpoch(metrics),
    };
    started.push(job);
    open.add(job);
    waiting.get(job.runId)?.(job);
    return { outcome, cancel: () => job.finish({ state: 'cancelled' }), stop: async () => job.finish({ state: 'interrupted' }) };
  };
  const job = (runId: string) =>
    new Promise<ControlledJob>((resolve, reject) => {
      const found = started.find((j) => j.runId === runId);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`run ${runId} did not start`)), 5_000);
      waiting.set(runId, (started) => {
        clearTimeout(timer);
        waiting.delete(runId);
        resolve(started);
      });
    });
  return { start, started, running: () => [...open], job };
}
