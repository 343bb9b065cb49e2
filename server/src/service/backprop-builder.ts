import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GradSheetError, type BackpropWorkbookOptions } from '@gradsheet/shared';
import { backpropXlsx } from '../xlsx/backprop-xlsx.js';

export type FromBackpropWorker = { readonly type: 'done'; readonly bytes: ArrayBuffer } | { readonly type: 'failed'; readonly message: string };

/** How many backprop workbooks are built at once, and how many requests may wait for a turn. */
export interface BackpropLimits {
  readonly concurrent: number;
  readonly waiting: number;
  /** The heap each build may use; a build that needs more fails alone. */
  readonly heapMb: number;
}

export const DEFAULT_BACKPROP_LIMITS: BackpropLimits = { concurrent: 2, waiting: 8, heapMb: 1024 };

/** What Retry-After says when every place is taken: a large workbook takes a few seconds. */
const RETRY_AFTER_S = 5;

const WORKER = new URL('./backprop-worker.js', import.meta.url);

/**
 * Builds backprop workbooks off the event loop, each on a thread of its own, at
 * most `concurrent` at a time; up to `waiting` more requests wait their turn, and
 * any beyond are refused with QUEUE_FULL. (Run from its TypeScript sources, as the
 * route tests do, there is no compiled worker: the workbook is built in-process.)
 */
export class BackpropBuilder {
  private running = 0;
  private readonly turns: (() => void)[] = [];
  private readonly workers = new Set<Worker>();
  private readonly inThread = existsSync(fileURLToPath(WORKER));

  constructor(private readonly limits: BackpropLimits) {}

  async build(options: BackpropWorkbookOptions): Promise<Buffer> {
    await this.turn();
    try {
      return this.inThread ? await this.buildInThread(options) : await backpropXlsx(options);
    } finally {
      this.running--;
      this.turns.shift()?.();
    }
  }

  /** Ends builds in progress (the service is closing). */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private turn(): Promise<void> {
    if (this.running < this.limits.concurrent) {
      this.running++;
      return Promise.resolve();
    }
    if (this.turns.length >= this.limits.waiting) {
      return Promise.reject(
        new GradSheetError('QUEUE_FULL', `the service is building ${this.running + this.turns.length} backprop workbooks already; try again in a few seconds`, {
          retryAfterSeconds: RETRY_AFTER_S,
        }),
      );
    }
    // The place is handed over by the build that ends: `running` stays counted.
    return new Promise((resolve) => this.turns.push(() => (this.running++, resolve())));
  }

  private buildInThread(options: BackpropWorkbookOptions): Promise<Buffer> {
    const worker = new Worker(WORKER, { workerData: options, resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb } });
    this.workers.add(worker);
    return new Promise<Buffer>((resolve, reject) => {
      worker.once('message', (message: FromBackpropWorker) => {
        if (message.type === 'done') resolve(Buffer.from(message.bytes));
        else reject(new GradSheetError('INTERNAL', `the backprop workbook could not be built: ${message.message}`));
      });
      worker.once('error', (error) => reject(new GradSheetError('INTERNAL', `the backprop workbook's thread failed: ${error.message}`)));
      worker.once('exit', (code) => reject(new GradSheetError('INTERNAL', `the backprop workbook's thread stopped (exit code ${code})`)));
    }).finally(() => {
      this.workers.delete(worker);
      void worker.terminate();
    });
  }
}
