import type { EpochMetrics, RunView } from '@gradsheet/shared';

/** Where a run's epochs are written: a sheet in Excel, or a table in a plain browser. */
export interface EpochSink {
  /** Makes room for the run's rows; answers the epochs already there (from before a reload). */
  prepare(run: RunView, resuming: boolean): Promise<readonly number[]>;
  /** Writes each epoch at its own row, so writing one twice changes nothing. */
  write(rows: readonly EpochMetrics[]): Promise<void>;
  /** What the learner is told about where the rows go. */
  readonly where: (run: RunView) => string;
}
