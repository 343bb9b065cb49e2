import { randomUUID } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import { GradSheetError, type EpochMetrics, type ModelSpec, type RunRecord, type TrainConfig } from '@gradsheet/shared';
import { analyseFinalWeights } from '../analysis/run-analysis.js';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { selectBackend } from '../engine/backend/select-backend.js';
import { RunDirectory } from '../engine/run-directory.js';
import { trainModel, type TrainHooks, type TrainStart } from '../engine/train.js';
import { captureWeights } from '../engine/weights.js';

export interface TrainRunHooks {
  readonly onBatch?: TrainHooks['onBatch'];
  /** Called after the epoch's metrics are on disk. */
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onBackend?: (backend: { name: string; detail: string }) => void;
  readonly signal?: AbortSignal;
}

export interface RunTrainingOptions extends TrainRunHooks {
  /** A new folder (or one that holds no run yet) for the run's files. */
  readonly runDir: string;
}

/**
 * A whole run in a new folder, as `gradsheet train` runs it: the folder records
 * the model and the config, and run.json says where the run stands, as the
 * service's run folders do.
 */
export async function runTraining(config: TrainConfig, spec: ModelSpec, options: RunTrainingOptions): Promise<EpochMetrics[]> {
  const now = new Date().toISOString();
  let record: RunRecord = { id: randomUUID(), config, state: 'running', createdAt: now, updatedAt: now, startedAt: now };
  const run = await RunDirectory.create(options.runDir, record, spec);
  const update = (changes: Partial<RunRecord>) => run.writeRecord((record = { ...record, ...changes, updatedAt: new Date().toISOString() }));
  try {
    const history = await trainRun(run, config, {
      ...options,
      onBackend: (backend) => {
        void update({ backend: backend.name }).catch(() => {});
        options.onBackend?.(backend);
      },
    });
    await update({ state: 'done', finishedAt: new Date().toISOString() });
    return history;
  } catch (error) {
    const ended = options.signal?.aborted ? { state: 'cancelled' as const } : { state: 'failed' as const, error: error instanceof Error ? error.message : String(error) };
    await update({ ...ended, finishedAt: new Date().toISOString() }).catch(() => {});
    throw error;
  }
}

/**
 * Trains the run kept in `run` to its last epoch, from where its folder says it
 * stands: from the start, from the checkpoint of its last recorded epoch, or, when
 * every epoch is recorded, not at all (the final weights are then made from the
 * last checkpoint if a crash came first). Returns every epoch's metrics.
 */
export async function trainRun(run: RunDirectory, config: TrainConfig, hooks: TrainRunHooks = {}): Promise<EpochMetrics[]> {
  await run.trimTornMetrics();
  const done = await run.readMetrics();
  if (await run.hasWeights('final')) return done;
  if (done.length >= config.epochs) {
    // Killed after the last epoch was recorded but before its weights were kept as final.
    await run.keepCheckpointAsFinal(done.length);
    return done;
  }
  const spec = await run.readSpec(config);
  const start = done.length > 0 ? await checkpoint(run, done.length) : undefined;
  const backend = await selectBackend(config.backend);
  hooks.onBackend?.(backend);
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  let best = Math.max(-1, ...done.map((m) => m.testAcc));
  const trainHooks: TrainHooks = {
    // Checkpoint, then the metrics line, then the announcement: whatever epoch the
    // metrics file records last, its checkpoint is on disk.
    onEpoch: async (metrics: EpochMetrics, model: tf.LayersModel) => {
      const weights = await captureWeights(model, spec.id, metrics.epoch);
      await run.saveWeights(`epoch-${metrics.epoch}`, weights);
      await run.appendMetrics(metrics);
      if (metrics.epoch > 1) await run.removeWeights(`epoch-${metrics.epoch - 1}`);
      if (metrics.testAcc > best) {
        best = metrics.testAcc;
        await run.saveWeights('best', weights);
      }
      hooks.onEpoch?.(metrics);
    },
    ...(hooks.onBatch ? { onBatch: hooks.onBatch } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  };
  const { model, history } = await trainModel(config, spec, { train, test }, trainHooks, start);
  model.dispose();
  // The last checkpoint holds what the model ends with (the averaged weights, when it averages).
  await run.keepCheckpointAsFinal(config.epochs);
  // What the final weights learned, for the workbooks: one more pass over the same test images.
  await analyseFinalWeights(run, spec, config, test);
  return [...done, ...history];
}

async function checkpoint(run: RunDirectory, epoch: number): Promise<TrainStart> {
  if (!(await run.hasWeights(`epoch-${epoch}`))) {
    throw new GradSheetError('INVALID_FILE', `the run folder has no checkpoint of epoch ${epoch}, the last it recorded, so the run cannot continue`);
  }
  return { epoch, weights: await run.loadWeights(`epoch-${epoch}`) };
}
