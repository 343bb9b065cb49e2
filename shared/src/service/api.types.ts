/**
 * The training service's HTTP API as the task pane sees it: request bodies,
 * responses and run states. Types and constants only.
 */
import type { ModelSummary } from '../models/summary.js';
import type { BackendChoice, EpochMetrics, TrainConfig } from '../training/config.js';
import type { OptimizerName, ScheduleName } from '../models/spec.js';

export const RUN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** States a run never leaves: its event stream ends with `done`. */
export const FINAL_RUN_STATES: readonly RunState[] = ['done', 'failed', 'cancelled'];

/** Run ids are lowercase v4 UUIDs; anything else is refused before it can name a path. */
export const RUN_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** Body of `POST /api/runs`. Unknown fields are refused. */
export interface CreateRunRequest {
  readonly model: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly schedule: ScheduleName;
  readonly seed: number;
  readonly limitTrain?: number;
  readonly limitTest?: number;
  readonly backend?: BackendChoice;
}

export interface CreateRunResponse {
  readonly id: string;
}

/** The latest batch of a running run. */
export interface RunProgress {
  readonly epoch: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  readonly acc: number;
  readonly lr: number;
  readonly batchesPerSecond: number;
}

/** A run as `GET /api/runs/:id` returns it: its config, where it stands, and every epoch so far. */
export interface RunView {
  readonly id: string;
  readonly config: TrainConfig;
  readonly state: RunState;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Why a run failed. */
  readonly error?: string;
  /** The tfjs backend it trains on, once known. */
  readonly backend?: string;
  readonly metrics: readonly EpochMetrics[];
  readonly progress?: RunProgress;
}

export interface RunListResponse {
  /** Newest first. */
  readonly runs: readonly RunView[];
}

export interface ModelListItem {
  readonly id: string;
  readonly title: string;
  readonly params: number;
}

export interface ModelListResponse {
  readonly models: readonly ModelListItem[];
}

export interface ModelDetailResponse extends ModelListItem {
  readonly description: string;
  readonly summary: ModelSummary;
  /** The torchsummary-style table. */
  readonly text: string;
}

export interface HealthResponse {
  readonly status: 'ok';
  readonly version: string;
  readonly queued: number;
  readonly running: number;
}

/** Every error the service answers with. */
export interface ApiErrorBody {
  readonly statusCode: number;
  /** Stable, e.g. `GS_ERR_UNKNOWN_RUN`. */
  readonly code: string;
  /** The HTTP status text. */
  readonly error: string;
  readonly message: string;
}
