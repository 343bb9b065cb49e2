import type * as tf from '@tensorflow/tfjs';
import type { EpochMetrics, ModelSpec, TrainConfig } from '@gradsheet/shared';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { selectBackend } from './backend/select-backend.js';
import { RunDirectory } from './run-directory.js';
import { trainModel, type TrainHooks } from './train.js';
import { captureWeights } from './weights.js';

export interface RunTrainingOptions {
  readonly runDir: string;
  readonly onBatch?: TrainHooks['onBatch'];
  /** Called after the epoch's metrics are on disk. */
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onBackend?: (backend: { name: string; detail: string }) => void;
  readonly signal?: AbortSignal;
}

/**
 * One training run end to end, as the CLI and the service both run it: pick the
 * backend, load MNIST, train, and keep everything in the run directory.
 */
export async function runTraining(config: TrainConfig, spec: ModelSpec, options: RunTrainingOptions): Promise<EpochMetrics[]> {
  const backend = await selectBackend(config.backend);
  options.onBackend?.(backend);
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  const run = await RunDirectory.create(options.runDir, config, { backend: backend.name, startedAt: new Date().toISOString() });
  let best = -1;
  const hooks: TrainHooks = {
    onEpoch: async (metrics: EpochMetrics, model: tf.LayersModel) => {
      await run.appendMetrics(metrics);
      if (metrics.testAcc > best) {
        best = metrics.testAcc;
        await run.saveWeights('best', await captureWeights(model, spec.id, metrics.epoch));
      }
      options.onEpoch?.(metrics);
    },
  };
  const { model, history } = await trainModel(config, spec, { train, test }, {
    ...hooks,
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await run.saveWeights('final', await captureWeights(model, spec.id, history.length));
  model.dispose();
  return history;
}
