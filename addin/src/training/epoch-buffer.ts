import type { EpochMetrics } from '@gradsheet/shared';

/** When a failed write is tried again: errors `retryable` accepts, after pauses that double from `firstDelayMs` up to `maxDelayMs`. */
export interface RetryPolicy {
  readonly retryable: (error: unknown) => boolean;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Told of each failure that will be tried again, e.g. to say that Excel is waiting for the learner. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

export const NO_RETRY: RetryPolicy = { retryable: () => false, firstDelayMs: 0, maxDelayMs: 0 };

/**
 * Collects epochs as they arrive and hands them to `write` in batches: one write at a
 * time, each carrying every epoch that arrived meanwhile. Epochs are keyed by number,
 * so an epoch replayed after a reconnect replaces itself instead of adding a row.
 *
 * A write refused for a passing reason (the learner is typing in a cell) is tried again
 * with growing pauses, with every epoch that arrived meanwhile, until it goes through:
 * `flush()`, the last one included, resolves only then. Other failures keep the rows for
 * the next flush and go to `onError`.
 */
export class EpochBuffer {
  private readonly waiting = new Map<number, EpochMetrics>();
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly write: (rows: readonly EpochMetrics[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    /** How long to wait for more epochs before writing. */
    private readonly delayMs = 150,
    private readonly retry: RetryPolicy = NO_RETRY,
  ) {}

  push(metrics: EpochMetrics): void {
    this.waiting.set(metrics.epoch, metrics);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes what is waiting (after the write in progress, if any); resolves when all is written, or a write failed for good. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.waiting.size === 0) return;
    this.running = this.writeWaiting();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private async writeWaiting(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const rows = [...this.waiting.values()].sort((a, b) => a.epoch - b.epoch);
      this.waiting.clear();
      try {
        await this.write(rows);
        return;
      } catch (error) {
        // Keep the rows for the next try unless newer copies came in.
        for (const row of rows) if (!this.waiting.has(row.epoch)) this.waiting.set(row.epoch, row);
        if (this.disposed) return;
        if (!this.retry.retryable(error)) {
          this.onError(error);
          return;
        }
        this.retry.onRetry?.(error, attempt);
        const pause = Math.min(this.retry.firstDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
        await new Promise((resolve) => setTimeout(resolve, pause));
        if (this.disposed) return;
      }
    }
  }

  get pending(): number {
    return this.waiting.size;
  }

  /** Stops the timer and any retries; what is waiting stays unwritten. */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The largest n such that epochs 1..n are all present: where a resumed stream picks up. */
export function contiguousEpochs(epochs: Iterable<number>): number {
  const present = new Set(epochs);
  let n = 0;
  while (present.has(n + 1)) n++;
  return n;
}
