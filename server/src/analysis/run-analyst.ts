import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GradSheetError, type Prediction, type RunAnalysis } from '@gradsheet/shared';
import type { RunDirectory } from '../engine/run-directory.js';
import type { AnalysisRequest, FromAnalysisWorker, ToAnalysisWorker } from './analysis-messages.js';

const WORKER = new URL('./analysis-worker.js', import.meta.url);

interface Waiting {
  resolve(value: Prediction | RunAnalysis): void;
  reject(error: Error): void;
}

/**
 * The service's way to a finished run's weights: predictions, and the analyses of
 * runs finished before analyses were kept. The engine work runs on a thread of its
 * own (analysis-worker.ts), started on the first request and kept for the next, so a
 * 3-second analysis never holds the service's event loop; that thread takes one
 * request at a time, and one analysis per run is made however many ask for it at
 * once. (Run from its TypeScript sources, as the route tests do, there is no
 * compiled worker: the work runs in-process, one piece at a time.)
 */
export class RunAnalyst {
  private readonly analysing = new Map<string, Promise<RunAnalysis>>();
  private readonly inThread = existsSync(fileURLToPath(WORKER));
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  predict(run: RunDirectory, grid: readonly number[]): Promise<Prediction> {
    if (this.inThread) return this.ask({ kind: 'predict', runPath: run.path, grid: [...grid] }) as Promise<Prediction>;
    return this.serially(async () => (await import('./predict.js')).predictDigit(run, grid));
  }

  /** The analysis the run's folder keeps, or computed now from its final weights and kept (NO_WEIGHTS without them). */
  async analysis(run: RunDirectory): Promise<RunAnalysis> {
    const kept = await run.readAnalysis();
    if (kept) return kept;
    let pending = this.analysing.get(run.path);
    if (!pending) {
      pending = (
        this.inThread
          ? (this.ask({ kind: 'analyse', runPath: run.path }) as Promise<RunAnalysis>)
          : this.serially(async () => (await import('./run-analysis.js')).runAnalysis(run))
      ).finally(() => this.analysing.delete(run.path));
      this.analysing.set(run.path, pending);
    }
    return pending;
  }

  /** Ends the thread (the service is closing); requests still waiting fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private ask(request: AnalysisRequest): Promise<Prediction | RunAnalysis> {
    const id = this.nextId++;
    const worker = this.thread();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } satisfies ToAnalysisWorker);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER);
    worker.on('message', (message: FromAnalysisWorker) => {
      const waiting = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (!waiting) return;
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new GradSheetError(message.code, message.message, message.details));
    });
    // A thread that fails or stops fails what it was asked; the next request starts a new one.
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = null;
      for (const { reject } of this.waiting.values()) reject(new GradSheetError('INTERNAL', `the analysis thread ${why}`));
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(`failed: ${error.message}`));
    worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
    // An idle analysis thread does not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => {});
    return result;
  }
}
