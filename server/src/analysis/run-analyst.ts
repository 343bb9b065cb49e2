import type { Prediction, RunAnalysis } from '@gradsheet/shared';
import type { RunDirectory } from '../engine/run-directory.js';

/**
 * The service's way to a finished run's weights: predictions, and the analyses of
 * runs finished before analyses were kept. One piece of engine work at a time on
 * the service's thread (tfjs holds one backend per thread, and a run's backend is
 * selected for each piece), and one analysis per run however many ask for it at
 * once. The engine loads on the first use, not when the service starts.
 */
export class RunAnalyst {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly analysing = new Map<string, Promise<RunAnalysis>>();

  predict(run: RunDirectory, grid: readonly number[]): Promise<Prediction> {
    return this.serially(async () => (await import('./predict.js')).predictDigit(run, grid));
  }

  /** The analysis the run's folder keeps, or computed now from its final weights and kept (NO_WEIGHTS without them). */
  async analysis(run: RunDirectory): Promise<RunAnalysis> {
    const kept = await run.readAnalysis();
    if (kept) return kept;
    let pending = this.analysing.get(run.path);
    if (!pending) {
      pending = this.serially(async () => (await import('./run-analysis.js')).runAnalysis(run)).finally(() => this.analysing.delete(run.path));
      this.analysing.set(run.path, pending);
    }
    return pending;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => {});
    return result;
  }
}
