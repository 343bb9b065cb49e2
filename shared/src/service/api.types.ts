/**
 * The training service's HTTP API as the task pane sees it: request bodies,
 * responses and run states. Types and constants only.
 */
import type { ModelSummary } from '../models/summary.js';
import type { EpochMetrics, TrainConfig } from '../training/config.js';

export const RUN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** States a run never leaves: its event stream ends with `done`. */
export const FINAL_RUN_STATES: readonly RunState[] = ['done', 'failed', 'cancelled'];

/** Run ids are lowercase v4 UUIDs; anything else is refused before it can name a path. */
export const RUN_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** The request bodies (`CreateRunRequest`, `BackpropWorkbookRequest`) and their parsers are in ../requests/. */

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

/** Where a run stands, as the service keeps it (`run.json`). */
export interface RunRecord {
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
  /** The account that started it, on a service with accounts; absent for a run started without one. */
  readonly owner?: string;
}

/** A run as `GET /api/runs/:id` returns it: its record, and every epoch so far. */
export interface RunView extends RunRecord {
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

/** `POST /api/models/check`: a design's summary, as the model detail gives a built-in model's. */
export interface ModelCheckResponse {
  readonly params: number;
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

/** Who may do what on a service with accounts: a learner sees their own runs, a teacher every run. */
export const USER_ROLES = ['learner', 'teacher'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * `GET /api/session`: how the service checks callers, and who this caller is.
 * `auth` is `none` (a service on this machine), `token` (one shared token) or `accounts`.
 */
export interface SessionResponse {
  readonly auth: 'none' | 'token' | 'accounts';
  /** The account the request's token belongs to, on a service with accounts. */
  readonly user?: string;
  readonly role?: UserRole;
  /** Whether this caller sees every run (a teacher, the shared token, or a service without accounts). */
  readonly seesEveryRun: boolean;
}

/**
 * `GET /api/runs/:id/report-link`: the report's URL, which on a service that needs a
 * token carries a signed `link` in place of the header (valid for 12 hours, for this
 * caller and this run only).
 */
export interface DownloadLinkResponse {
  readonly url: string;
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
