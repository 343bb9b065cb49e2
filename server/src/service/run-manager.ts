import { randomUUID } from 'node:crypto';
import {
  FINAL_RUN_STATES,
  type EpochMetrics,
  type RunDoneEvent,
  type RunProgress,
  type RunState,
  type RunStateEvent,
  type RunView,
  type ModelSpec,
  type TrainConfig,
} from '@gradsheet/shared';
import { SERVICE_ERRORS } from './errors.js';
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
  /** Every epoch on disk, in order: filled from metrics.jsonl at start, then from the engine's onEpoch. */
  readonly metrics: EpochMetrics[];
  progress?: RunProgress;
}

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

  private constructor(readonly store: RunStore) {}

  /**
   * Loads every run kept in the store. A run left `running` by a service that
   * stopped without warning becomes `interrupted`; runs left `queued` queue again.
   */
  static async open(store: RunStore): Promise<{ manager: RunManager; skipped: string[] }> {
    const manager = new RunManager(store);
    const { records, skipped } = await store.loadAll();
    records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    for (const record of records) {
      const metrics = await store.readMetrics(record.id).catch((error: Error) => {
        skipped.push(`${record.id}: metrics.jsonl cannot be read: ${error.message}`);
        return null;
      });
      if (!metrics) continue;
      manager.runs.set(record.id, { record, metrics });
      if (record.state === 'running') await manager.setState(record.id, 'interrupted');
      if (record.state === 'queued') manager.queue.push(record.id);
    }
    manager.pump();
    return { manager, skipped };
  }

  /** Queues a new run of `spec` (a built-in model or a design), trained as `config` says. */
  async create(config: TrainConfig, spec: ModelSpec): Promise<RunView> {
    const now = new Date().toISOString();
    const record: RunRecord = { id: randomUUID(), config, state: 'queued', createdAt: now, updatedAt: now };
    await this.store.saveSpec(record.id, spec);
    await this.store.save(record);
    this.runs.set(record.id, { record, metrics: [] });
    this.queue.push(record.id);
    this.pump();
    return this.view(record.id);
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
      throw new SERVICE_ERRORS.GS_ERR_RUN_NOT_CANCELLABLE(id, state);
    }
    return this.view(id);
  }

  /** Queues an interrupted run again; it continues from its last completed epoch. */
  async resume(id: string): Promise<RunView> {
    const { state } = this.entry(id).record;
    if (state !== 'interrupted') throw new SERVICE_ERRORS.GS_ERR_RUN_NOT_RESUMABLE(id, state);
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
    if (!entry) throw new SERVICE_ERRORS.GS_ERR_UNKNOWN_RUN(id);
    return entry;
  }

  private emit(id: string, event: RunEvent): void {
    for (const listener of this.listeners.get(id) ?? []) listener(event);
  }

  private async update(id: string, changes: RecordChanges & { state?: RunState }): Promise<RunRecord> {
    const entry = this.entry(id);
    entry.record = { ...entry.record, ...changes, updatedAt: new Date().toISOString() };
    await this.store.save(entry.record);
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
      .catch(async (error: unknown) => {
        await this.setState(id, 'failed', { error: (error as Error).message, finishedAt: new Date().toISOString() }).catch(() => {});
      })
      .finally(() => {
        this.active = null;
        this.pump();
      });
  }

  private async train(active: ActiveRun): Promise<void> {
    const { id } = active;
    const entry = this.entry(id);
    const runDir = this.store.runDir(id);
    // Resume from what is on disk: whole lines only, the torn tail of a crash cut off.
    await this.store.trimTornMetrics(id);
    entry.metrics.splice(0, entry.metrics.length, ...(await this.store.readMetrics(id)));
    const { error: _previousError, ...record } = entry.record;
    entry.record = record;
    await this.setState(id, 'running', { startedAt: record.startedAt ?? new Date().toISOString() });
    if (active.cancelRequested || this.closing) {
      await this.setState(id, this.closing ? 'interrupted' : 'cancelled', this.closing ? {} : { finishedAt: new Date().toISOString() });
      return;
    }
    const job = startTrainingJob(
      { config: entry.record.config, runDir, resume: entry.metrics.length > 0 },
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
    const finishedAt = outcome.state === 'interrupted' ? {} : { finishedAt: new Date().toISOString() };
    await this.setState(id, outcome.state, { ...finishedAt, ...(outcome.state === 'failed' ? { error: outcome.error } : {}) });
  }
}
