import type { EpochMetrics } from '@gradsheet/shared';

/**
 * Collects epochs as they arrive and hands them to `write` in batches: one write at a
 * time, each carrying every epoch that arrived meanwhile. Epochs are keyed by number,
 * so an epoch replayed after a reconnect replaces itself instead of adding a row.
 */
export class EpochBuffer {
  private readonly waiting = new Map<number, EpochMetrics>();
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly write: (rows: readonly EpochMetrics[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    /** How long to wait for more epochs before writing. */
    private readonly delayMs = 150,
  ) {}

  push(metrics: EpochMetrics): void {
    this.waiting.set(metrics.epoch, metrics);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes what is waiting (after the write in progress, if any); resolves when all is written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.waiting.size === 0) return;
    const rows = [...this.waiting.values()].sort((a, b) => a.epoch - b.epoch);
    this.waiting.clear();
    this.running = this.write(rows).catch((error: unknown) => {
      // Keep the rows for the next flush unless newer copies came in.
      for (const row of rows) if (!this.waiting.has(row.epoch)) this.waiting.set(row.epoch, row);
      this.onError(error);
    });
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  get pending(): number {
    return this.waiting.size;
  }

  dispose(): void {
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
