import { FINAL_RUN_STATES, GradSheetError, type RunDoneEvent, type RunProgressEvent, type RunState, type RunView } from '@gradsheet/shared';
import { service } from '../service/client.js';
import { isTransientExcelError } from '../excel/excel-run.js';
import { contiguousEpochs, EpochBuffer, type RetryPolicy } from './epoch-buffer.js';
import type { EpochSink } from './epoch-sink.js';
import type { RunMemory } from './run-memory.js';
import { openRunStream, type RunStream } from './run-stream.js';

export interface FollowerEvents {
  /** The run and how many of its epochs are written. */
  status(run: RunView, written: number): void;
  progress(progress: RunProgressEvent): void;
  state(state: RunState, error?: string): void;
  finished(done: RunDoneEvent): void;
  problem(error: unknown): void;
  /** The stream dropped and the browser is reconnecting on its own. */
  reconnecting(): void;
}

/** Writes refused for a passing reason are tried again after 0.25 s, 0.5 s, … up to 10 s between tries, for as long as it takes. */
export const WRITE_RETRY: RetryPolicy = { retryable: isTransientExcelError, firstDelayMs: 250, maxDelayMs: 10_000 };

/**
 * Follows one run from the service into a sink: prepares the sink, opens the event
 * stream after the epochs the sink already holds, buffers epochs and writes them,
 * and remembers the run so a reloaded pane picks up where it stood.
 */
export class RunFollower {
  private stream: RunStream | null = null;
  private buffer: EpochBuffer | null = null;
  private written = new Set<number>();
  private current: RunView | null = null;

  constructor(
    private readonly sink: EpochSink,
    private readonly memory: RunMemory,
    private readonly events: FollowerEvents,
    private readonly retry: RetryPolicy = WRITE_RETRY,
  ) {}

  get run(): RunView | null {
    return this.current;
  }

  /** Follows a run the pane has just started. */
  async follow(runId: string): Promise<void> {
    await this.memory.save({ runId });
    await this.attach(await service.run(runId), false);
  }

  /** After a reload: follows the remembered run, if any. Answers whether there was one. */
  async resume(): Promise<boolean> {
    const saved = this.memory.load();
    if (!saved) return false;
    let run: RunView;
    try {
      run = await service.run(saved.runId);
    } catch (error) {
      // A run the service no longer knows (its data folder changed): forget it.
      if ((error as { status?: number }).status === 404) {
        await this.memory.clear();
        return false;
      }
      throw error;
    }
    await this.attach(run, true);
    return true;
  }

  async cancel(): Promise<void> {
    if (this.current) await service.cancelRun(this.current.id);
  }

  stop(): void {
    this.stream?.close();
    this.buffer?.dispose();
    this.stream = null;
  }

  private async attach(run: RunView, resuming: boolean): Promise<void> {
    this.stop();
    this.current = run;
    this.written = new Set(await this.sink.prepare(run, resuming));
    const buffer = new EpochBuffer(
      async (rows) => {
        await this.sink.write(rows);
        for (const row of rows) this.written.add(row.epoch);
        if (this.current) this.events.status(this.current, this.written.size);
      },
      (error) => this.events.problem(error),
      undefined,
      this.retry,
    );
    this.buffer = buffer;
    this.events.status(run, this.written.size);
    this.stream = openRunStream(service.eventsUrl(run.id, contiguousEpochs(this.written)), {
      epoch: (metrics) => buffer.push(metrics),
      progress: (progress) => this.events.progress(progress),
      state: (state) => {
        if (this.current) this.current = { ...this.current, state: state.state };
        this.events.state(state.state, state.error);
      },
      done: (done) => {
        void (async () => {
          await buffer.flush();
          // Epochs that could not be written keep the run remembered, so that a reload writes them.
          if (FINAL_RUN_STATES.includes(done.state) && buffer.pending === 0) await this.memory.clear();
          this.events.finished(done);
        })().catch((error: unknown) => this.events.problem(error));
      },
      lost: (retrying) => {
        if (retrying) this.events.reconnecting();
        else this.events.problem(new GradSheetError('SERVICE_UNREACHABLE', 'The connection to the service was lost. Reload the pane to pick the run up again.'));
      },
    });
  }
}
