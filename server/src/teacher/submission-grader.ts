import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SubmissionOutcome } from '@gradsheet/shared';
import { gradeOne, type GradeOneOptions } from './grade-one.js';
import { formatBytes } from './submission-limits.js';

export type ToGradeWorker = { readonly path: string; readonly feedbackFile: string | null };
export type FromGradeWorker = { readonly outcome: SubmissionOutcome };

/** The heap one submission may take while it is read: a 100-step exercise takes about a tenth of it. */
export const GRADING_HEAP_MB = 1024;

const WORKER = new URL('./grade-worker.js', import.meta.url);

/**
 * Grades submissions one at a time on a thread with a heap of its own, so a file
 * that takes more memory than any exercise should ends that thread alone: it is
 * reported as too large, a new thread takes the next file, and the other grades
 * are kept. (Run from its TypeScript sources, as unit tests do, there is no compiled
 * worker: files are graded in-process.)
 */
export class SubmissionGrader {
  private worker: Worker | null = null;
  private readonly inThread = existsSync(fileURLToPath(WORKER));

  constructor(
    private readonly options: GradeOneOptions,
    private readonly heapMb = GRADING_HEAP_MB,
  ) {}

  grade(path: string, feedbackFile: string | null): Promise<SubmissionOutcome> {
    if (!this.inThread) return gradeOne(path, feedbackFile, this.options);
    const worker = (this.worker ??= new Worker(WORKER, { workerData: this.options, resourceLimits: { maxOldGenerationSizeMb: this.heapMb } }));
    return new Promise<SubmissionOutcome>((resolve) => {
      const lost = (why: string) => {
        // The thread is gone: the next file gets a new one.
        this.worker = null;
        void worker.terminate();
        resolve({ kind: 'failed', file: path, error: { code: 'SUBMISSION_TOO_LARGE', message: why } });
      };
      const onError = (error: Error & { code?: string }) =>
        lost(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `needs more than ${formatBytes(this.heapMb * 1024 * 1024)} of memory to read; an exercise needs a small part of that`
            : `could not be read: ${error.message}`,
        );
      const onExit = (code: number) => lost(`could not be read: the grading thread stopped (exit code ${code})`);
      worker.once('error', onError).once('exit', onExit);
      worker.once('message', ({ outcome }: FromGradeWorker) => {
        worker.off('error', onError).off('exit', onExit);
        resolve(outcome);
      });
      worker.postMessage({ path, feedbackFile } satisfies ToGradeWorker);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
