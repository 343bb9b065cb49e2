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
import { FairQueue } from './fair-queue.js';
import { hidePaths } from './hide-paths.js';
import type { RunRecord, RunStore } from './run-store.js';
import { startTrainingJob, type TrainingJob } from './training-job.js';

/** How a run trains: a thread of its own (startTrainingJob); tests put something they control in its place. */
export type StartTrainingJob = typeof startTrainingJob;

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

/** How many runs train at once, and each user's share of the queue. */
export interface RunLimits {
  /** Runs training at the same time, each on its own thread. Default 1. */
  readonly concurrentRuns: number;
  /** Runs waiting in all. */
  readonly maxQueued: number;
  /** Runs one account may have waiting. Runs without an account are held by `maxQueued` alone. */
  readonly maxQueuedPerUser: number;
  /** Runs one account may have training at once. */
  readonly maxRunningPerUser: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { concurrentRuns: 1, maxQueued: 100, maxQueuedPerUser: 3, maxRunningPerUser: 1 };

/** What a Retry-After says when nothing better is known (no epoch timed yet). */
const DEFAULT_WAIT_S = 60;

interface ActiveRun {
  readonly id: string;
  job?: TrainingJob;
  cancelRequested: boolean;
  finished?: Promise<void>;
}

type RecordChanges = { -readonly [K in 'startedAt' | 'finishedAt' | 'error' | 'backend']?: string };

const isFinal = (state: RunState) => FINAL_RUN_STATES.includes(state);

const ownerKey = (record: Pick<RunRecord, 'owner'>) => record.owner ?? '';

/** "40 seconds", "3 minutes", "2 hours". */
function spoken(seconds: number): string {
  const [amount, unit] = seconds < 90 ? [seconds, 'second'] : seconds < 90 * 60 ? [Math.round(seconds / 60), 'minute'] : [Math.round(seconds / 3600), 'hour'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/**
 * The runs and their queue: up to `concurrentRuns` train at once, each on its own
 * thread, and waiting runs start round-robin by owner (FairQueue), each account
 * within its share. Every state change is written to run.json before it is announced.
 */
export class RunManager {
  private readonly runs = new Map<string, RunEntry>();
  private readonly queue = new FairQueue();
  private readonly listeners = new Map<string, Set<RunListener>>();
  private readonly active = new Map<string, ActiveRun>();
  private closing = false;

  private constructor(
    private readonly store: RunStore,
    private readonly log: RunLog,
    private readonly limits: RunLimits,
    private readonly startJob: StartTrainingJob,
  ) {}

  /**
   * Loads every run kept in the store. A run left `running` by a service that
   * stopped without warning becomes `interrupted`, or `done` when its folder holds
   * its final weights (it was killed between its last write and its last state);
   * runs left `queued` queue again.
   */
  static async open(
    store: RunStore,
    log: RunLog = SILENT,
    limits: Partial<RunLimits> = {},
    startJob: StartTrainingJob = startTrainingJob,
  ): Promise<{ manager: RunManager; skipped: string[] }> {
    const manager = new RunManager(store, log, { ...DEFAULT_RUN_LIMITS, ...limits }, startJob);
    const { runs, skipped } = await store.loadAll();
    runs.sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt) || a.record.id.localeCompare(b.record.id));
    for (const { folder, record, metrics } of runs) {
      manager.runs.set(record.id, { record, metrics, folder });
      if (record.state === 'running') {
        const finished = await folder.hasWeights('final');
        await manager.setState(record.id, finished ? 'done' : 'interrupted', finished ? { finishedAt: new Date().toISOString() } : {});
      }
      if (record.state === 'queued') manager.queue.push(ownerKey(record), record.id);
    }
    manager.pump();
    return { manager, skipped };
  }

  /**
   * Queues a new run of `spec` (a built-in model or a design), trained as `config`
   * says, for `owner` (an account's name, or none). Refused with QUEUE_FULL when
   * the queue, or the owner's share of it, is full.
   */
  async create(config: TrainConfig, spec: ModelSpec, owner?: string): Promise<RunView> {
    this.checkRoom(owner);
    const now = new Date().toISOString();
    const record: RunRecord = { id: randomUUID(), config, state: 'queued', createdAt: now, updatedAt: now, ...(owner !== undefined ? { owner } : {}) };
    const folder = await this.store.create(record, spec);
    this.runs.set(record.id, { record, metrics: [], folder });
    this.queue.push(ownerKey(record), record.id);
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

  /** The run's owner, or undefined for a run started without an account. */
  ownerOf(id: string): string | undefined {
    return this.entry(id).record.owner;
  }

  counts(): { queued: number; running: number } {
    return { queued: this.queue.size, running: this.active.size };
  }

  async cancel(id: string): Promise<RunView> {
    const { state } = this.entry(id).record;
    const active = this.active.get(id);
    if (state === 'queued' && this.queue.remove(id)) {
      await this.setState(id, 'cancelled', { finishedAt: new Date().toISOString() });
    } else if (active) {
      active.cancelRequested = true;
      active.job?.cancel();
      await active.finished;
    } else {
      throw new GradSheetError('RUN_STATE', `run ${id} is ${state}; only a queued or running run can be cancelled`, { action: 'cancel', state });
    }
    return this.view(id);
  }

  /** Queues an interrupted run again; it continues from its last completed epoch. */
  async resume(id: string): Promise<RunView> {
    const { state } = this.entry(id).record;
    if (state !== 'interrupted') throw new GradSheetError('RUN_STATE', `run ${id} is ${state}; only an interrupted run can be resumed`, { action: 'resume', state });
    const { owner } = this.entry(id).record;
    this.checkRoom(owner);
    await this.setState(id, 'queued');
    this.queue.push(ownerKey(this.entry(id).record), id);
    this.pump();
    return this.view(id);
  }

  /** Deletes a run and its folder; a queued or running run is cancelled first (its streams end with `done`). */
  async remove(id: string): Promise<void> {
    const entry = this.entry(id);
    if (entry.record.state === 'queued' || entry.record.state === 'running') await this.cancel(id);
    this.runs.delete(id);
    this.queue.remove(id);
    this.listeners.delete(id);
    await this.store.remove(id);
  }

  /**
   * Deletes the runs that ended (done, failed, cancelled, or interrupted and left
   * so) before `cutoff`, an ISO time; answers their ids. Queued and running runs are kept.
   */
  async removeEndedBefore(cutoff: string): Promise<string[]> {
    const old = [...this.runs.values()]
      .map((entry) => entry.record)
      .filter((record) => (isFinal(record.state) || record.state === 'interrupted') && (record.finishedAt ?? record.updatedAt) < cutoff)
      .map((record) => record.id);
    for (const id of old) await this.remove(id);
    return old;
  }

  subscribe(id: string, listener: RunListener): () => void {
    const set = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, set.add(listener));
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** Stops training for a shutdown: runs on their threads become `interrupted`, queued runs stay queued. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.active.values()].map(async (active) => {
        await active.job?.stop();
        await active.finished;
      }),
    );
  }

  /** Refuses a run that would overfill the queue or `owner`'s share of it, saying when to try again. */
  private checkRoom(owner: string | undefined): void {
    const { maxQueued, maxQueuedPerUser } = this.limits;
    const waiting = owner === undefined ? 0 : this.queue.countOf(owner);
    if (owner !== undefined && waiting >= maxQueuedPerUser) {
      const seconds = this.secondsUntilAnEnd(owner);
      throw new GradSheetError(
        'QUEUE_FULL',
        `you have ${waiting} run${waiting === 1 ? '' : 's'} waiting, the most one person may queue on this service; start another once one of them is training (in about ${spoken(seconds)})`,
        { retryAfterSeconds: seconds },
      );
    }
    if (this.queue.size >= maxQueued) {
      const seconds = this.secondsUntilAnEnd();
      throw new GradSheetError('QUEUE_FULL', `the service's queue is full (${this.queue.size} runs waiting); try again in about ${spoken(seconds)}`, {
        retryAfterSeconds: seconds,
      });
    }
  }

  /**
   * About how long until a run ends and a place frees up: the soonest end among the
   * runs training (the owner's own, when it has some), from their epochs' times so far.
   */
  private secondsUntilAnEnd(owner?: string): number {
    const mine = [...this.active.keys()].filter((id) => owner !== undefined && this.runs.get(id)?.record.owner === owner);
    const estimates = (mine.length > 0 ? mine : [...this.active.keys()]).flatMap((id) => {
      const entry = this.runs.get(id);
      if (!entry || entry.metrics.length === 0) return [];
      const perEpoch = entry.metrics.reduce((sum, m) => sum + m.seconds, 0) / entry.metrics.length;
      return [perEpoch * Math.max(1, entry.record.config.epochs - entry.metrics.length)];
    });
    const soonest = estimates.length > 0 ? Math.min(...estimates) : DEFAULT_WAIT_S;
    return Math.min(3600, Math.max(1, Math.ceil(soonest)));
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

  /** Starts queued runs while there is room: round-robin by owner, each account within its share of running runs. */
  private pump(): void {
    while (!this.closing && this.active.size < this.limits.concurrentRuns) {
      const id = this.queue.next((owner) => owner === '' || this.runningOf(owner) < this.limits.maxRunningPerUser);
      if (id === undefined) return;
      const active: ActiveRun = { id, cancelRequested: false };
      this.active.set(id, active);
      active.finished = this.train(active)
        .catch((error: unknown) => this.fail(id, error instanceof Error ? error.message : String(error), error))
        .finally(() => {
          this.active.delete(id);
          this.pump();
        });
    }
  }

  private runningOf(owner: string): number {
    let running = 0;
    for (const id of this.active.keys()) if (this.runs.get(id)?.record.owner === owner) running++;
    return running;
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
    const job = this.startJob(
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
