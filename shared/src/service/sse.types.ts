/** The run event stream, `GET /api/runs/:id/events` (Server-Sent Events). */
import type { RunProgress, RunState } from './api.types.js';
import type { EpochMetrics } from '../training/config.js';

export const RUN_EVENTS = {
  /** One per completed epoch; its SSE id is the epoch number, for Last-Event-ID. */
  epoch: 'epoch',
  /** Batch-level progress, at most one per PROGRESS_INTERVAL_MS. */
  progress: 'progress',
  /** The run's state changed (the current state is also sent on connect). */
  state: 'state',
  /** The run finished (done, failed or cancelled); the stream then ends. */
  done: 'done',
} as const;

export type RunEventName = (typeof RUN_EVENTS)[keyof typeof RUN_EVENTS];

export const PROGRESS_INTERVAL_MS = 250;
export const HEARTBEAT_INTERVAL_MS = 15_000;

export type RunEpochEvent = EpochMetrics;
export type RunProgressEvent = RunProgress;

export interface RunStateEvent {
  readonly id: string;
  readonly state: RunState;
  readonly at: string;
  readonly error?: string;
}

export interface RunDoneEvent {
  readonly id: string;
  readonly state: 'done' | 'failed' | 'cancelled';
  /** Epochs completed. */
  readonly epochs: number;
  readonly error?: string;
}
