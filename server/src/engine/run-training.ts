import type * as tf from '@tensorflow/tfjs';
import type { EpochMetrics, ModelSpec, TrainConfig } from '@gradsheet/shared';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { selectBackend } from './backend/select-backend.js';
import { RunDirectory } from './run-directory.js';
import { trainModel, type TrainHooks, type TrainStart } from './train.js';
import { captureWeights } from './weights.js';

export interface RunTrainingOptions {
  readonly runDir: string;
  readonly onBatch?: TrainHooks['onBatch'];
  /** Called after the epoch's metrics are on disk. */
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onBackend?: (backend: { name: string; detail: string }) => void;
  readonly signal?: AbortSignal;
  /** Continue `runDir` from its last completed epoch instead of starting afresh. */
  readonly resume?: boolean;
}

/**
 * One training run end to end, as the CLI and the service both run it: pick the
 * backend, load MNIST, train, and keep everything in the run directory.
 */
export async function runTraining(config: TrainConfig, spec: ModelSpec, options: RunTrainingOptions): Promise<EpochMetrics[]> {
  const backend = await selectBackend(config.backend);
  options.onBackend?.(backend);
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  const run = options.resume
    ? RunDirectory.open(options.runDir)
    : await RunDirectory.create(options.runDir, config, { backend: backend.name, startedAt: new Date().toISOString() });
  const done = options.resume ? await run.readMetrics() : [];
  const start: TrainStart | undefined = done.length > 0 ? { epoch: done.length, weights: await run.loadWeights(`epoch-${done.length}`) } : undefined;
  let best = Math.max(-1, ...done.map((m) => m.testAcc));
  const hooks: TrainHooks = {
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
      options.onEpoch?.(metrics);
    },
  };
  const { model, history } = await trainModel(
    config,
    spec,
    { train, test },
    {
      ...hooks,
      ...(options.onBatch ? { onBatch: options.onBatch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    start,
  );
  await run.saveWeights('final', await captureWeights(model, spec.id, config.epochs));
  // Finished: the final weights supersede the last checkpoint.
  await run.removeWeights(`epoch-${config.epochs}`);
  model.dispose();
  return [...done, ...history];
}
