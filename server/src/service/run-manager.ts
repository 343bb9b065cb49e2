import { randomUUID } from 'node:crypto';
import {
  FINAL_RUN_STATES,
  GradSheetError,
  type EpochMetrics,
  type RunDoneEvent,
  type RunProgress,
  type RunState,
  type RunStateEvent,
  type RunView,
  type ModelSpec,
  type TrainConfig,
} from '@gradsheet/shared';
import type { RunDirectory } from '../engine/run-directory.js';
import { hidePaths } from './hide-paths.js';
import type { RunRecord, RunStore } from './run-store.js';
import { startTrainingJob, type TrainingJob } from './training-job.js';

/** What a run's subscribers (its event streams) are told, in order. */
export type RunEvent =
  | { readonly type: 'epoch'; readonly metrics: EpochMetrics }
  | { readonly type: 'progress'; readonly progress: RunProgress }
  | { readonly type: 'state'; readonly state: RunStateEvent }
  | { readonly type: 'done'; readonly done: RunDoneEvent };

export type RunListener = (event: RunEvent) => void;

interface RunEntry {
  record: RunRecord;
  /** Every epoch on disk, in order: read from the folder when the service starts, then added as the worker announces them. */
  readonly metrics: EpochMetrics[];
  readonly folder: RunDirectory;
  progress?: RunProgress;
}

/** Where a failed run's full reason goes (the service's log); the run's `error` keeps a version without paths. */
export interface RunLog {
  error(details: Record<string, unknown>, message: string): void;
}

const SILENT: RunLog = { error: () => {} };

interface ActiveRun {
  readonly id: string;
  job?: TrainingJob;
  cancelRequested: boolean;
  finished?: Promise<void>;
}

type RecordChanges = { -readonly [K in 'startedAt' | 'finishedAt' | 'error' | 'backend']?: string };

const isFinal = (state: RunState) => FINAL_RUN_STATES.includes(state);

/**
 * The runs and their FIFO queue: one run trains at a time, on its own thread.
 * Every state change is written to run.json before it is announced.
 */
export class RunManager {
  private readonly runs = new Map<string, RunEntry>();
  private readonly queue: string[] = [];
  private readonly listeners = new Map<string, Set<RunListener>>();
  private active: ActiveRun | null = null;
  private closing = false;

  private constructor(
    private readonly store: RunStore,
    private readonly log: RunLog,
  ) {}

  /**
   * Loads every run kept in the store. A run left `running` by a service that
   * stopped without warning becomes `interrupted`, or `done` when its folder holds
   * its final weights (it was killed between its last write and its last state);
   * runs left `queued` queue again.
   */
  static async open(store: RunStore, log: RunLog = SILENT): Promise<{ manager: RunManager; skipped: string[] }> {
    const manager = new RunManager(store, log);
    const { runs, skipped } = await store.loadAll();
    runs.sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt) || a.record.id.localeCompare(b.record.id));
    for (const { folder, record, metrics } of runs) {
      manager.runs.set(record.id, { record, metrics, folder });
      if (record.state === 'running') {
        const finished = await folder.hasWeights('final');
        await manager.setState(record.id, finished ? 'done' : 'interrupted', finished ? { finishedAt: new Date().toISOString() } : {});
      }
      if (record.state === 'queued') manager.queue.push(record.id);
    }
    manager.pump();
    return { manager, skipped };
  }

  /** Queues a new run of `spec` (a built-in model or a design), trained as `config` says. */
  async create(config: TrainConfig, spec: ModelSpec): Promise<RunView> {
    const now = new Date().toISOString();
    const record: RunRecord = { id: randomUUID(), config, state: 'queued', createdAt: now, updatedAt: now };
    const folder = await this.store.create(record, spec);
    this.runs.set(record.id, { record, metrics: [], folder });
    this.queue.push(record.id);
    this.pump();
    return this.view(record.id);
  }

  /** The run's folder: its metrics file is what event streams replay. */
  folder(id: string): RunDirectory {
    return this.entry(id).folder;
  }

  has(id: string): boolean {
    return this.runs.has(id);
  }

  view(id: string): RunView {
    const entry = this.entry(id);
    return { ...entry.record, metrics: [...entry.metrics], ...(entry.progress ? { progress: entry.progress } : {}) };
  }

  /** Newest first. */
  list(): RunView[] {
    return [...this.runs.values()]
      .sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt) || b.record.id.localeCompare(a.record.id))
      .map((entry) => this.view(entry.record.id));
  }

  counts(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.active ? 1 : 0 };
  }

  async cancel(id: string): Promise<RunView> {
    const { state } = this.entry(id).record;
    if (state === 'queued' && this.queue.includes(id)) {
      this.queue.splice(this.queue.indexOf(id), 1);
      await this.setState(id, 'cancelled', { finishedAt: new Date().toISOString() });
    } else if (this.active?.id === id) {
      this.active.cancelRequested = true;
      this.active.job?.cancel();
      await this.active.finished;
    } else {
      throw new GradSheetError('RUN_STATE', `run ${id} is ${state}; only a queued or running run can be cancelled`, { action: 'cancel', state });
    }
    return this.view(id);
  }

  /** Queues an interrupted run again; it continues from its last completed epoch. */
  async resume(id: string): Promise<RunView> {
    const { state } = this.entry(id).record;
    if (state !== 'interrupted') throw new GradSheetError('RUN_STATE', `run ${id} is ${state}; only an interrupted run can be resumed`, { action: 'resume', state });
    await this.setState(id, 'queued');
    this.queue.push(id);
    this.pump();
    return this.view(id);
  }

  subscribe(id: string, listener: RunListener): () => void {
    const set = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, set.add(listener));
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** Stops training for a shutdown: the run on the thread becomes `interrupted`, queued runs stay queued. */
  async close(): Promise<void> {
    this.closing = true;
    const active = this.active;
    if (!active) return;
    await active.job?.stop();
    await active.finished;
  }

  private entry(id: string): RunEntry {
    const entry = this.runs.get(id);
    if (!entry) throw new GradSheetError('UNKNOWN_RUN', `there is no run ${id}`);
    return entry;
  }

  private emit(id: string, event: RunEvent): void {
    for (const listener of this.listeners.get(id) ?? []) listener(event);
  }

  private async update(id: string, changes: RecordChanges & { state?: RunState }): Promise<RunRecord> {
    const entry = this.entry(id);
    entry.record = { ...entry.record, ...changes, updatedAt: new Date().toISOString() };
    await entry.folder.writeRecord(entry.record);
    return entry.record;
  }

  /** Writes the new state, then announces it (and `done` for a final state). */
  private async setState(id: string, state: RunState, changes: RecordChanges = {}): Promise<void> {
    const record = await this.update(id, { ...changes, state });
    const error = record.error !== undefined && state === 'failed' ? { error: record.error } : {};
    this.emit(id, { type: 'state', state: { id, state, at: record.updatedAt, ...error } });
    if (isFinal(state)) {
      this.emit(id, { type: 'done', done: { id, state: state as RunDoneEvent['state'], epochs: this.entry(id).metrics.length, ...error } });
    }
  }

  /** Starts the next queued run when none is training. */
  private pump(): void {
    if (this.closing || this.active) return;
    const id = this.queue.shift();
    if (id === undefined) return;
    const active: ActiveRun = { id, cancelRequested: false };
    this.active = active;
    active.finished = this.train(active)
      .catch((error: unknown) => this.fail(id, error instanceof Error ? error.message : String(error), error))
      .finally(() => {
        this.active = null;
        this.pump();
      });
  }

  private async train(active: ActiveRun): Promise<void> {
    const { id } = active;
    const entry = this.entry(id);
    const { error: _previousError, ...record } = entry.record;
    entry.record = record;
    await this.setState(id, 'running', { startedAt: record.startedAt ?? new Date().toISOString() });
    if (active.cancelRequested || this.closing) {
      await this.setState(id, this.closing ? 'interrupted' : 'cancelled', this.closing ? {} : { finishedAt: new Date().toISOString() });
      return;
    }
    // The worker reads the folder itself and continues from whatever epoch it records.
    const job = startTrainingJob(
      { runDir: entry.folder.path, config: entry.record.config },
      {
        onBackend: (backend) => void this.update(id, { backend: backend.name }).catch(() => {}),
        onProgress: (progress) => {
          entry.progress = progress;
          this.emit(id, { type: 'progress', progress });
        },
        onEpoch: (metrics) => {
          entry.metrics.push(metrics);
          this.emit(id, { type: 'epoch', metrics });
        },
      },
    );
    active.job = job;
    const outcome = await job.outcome;
    delete entry.progress;
    if (outcome.state === 'failed') return this.fail(id, outcome.error, outcome.detail);
    await this.setState(id, outcome.state, outcome.state === 'interrupted' ? {} : { finishedAt: new Date().toISOString() });
  }

  /**
   * Marks a run failed. The log gets the whole reason; the run's `error`, which
   * any client may read, names no path of the server.
   */
  private async fail(id: string, message: string, detail?: unknown): Promise<void> {
    this.log.error({ runId: id, err: detail ?? message }, `run ${id} failed: ${message}`);
    await this.setState(id, 'failed', { error: hidePaths(message), finishedAt: new Date().toISOString() }).catch((error: unknown) => {
      this.log.error({ runId: id, err: error }, `run ${id}: cannot record its failure`);
    });
  }
}
