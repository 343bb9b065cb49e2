import * as tf from '@tensorflow/tfjs';
import {
  learningRateAt,
  normaliseImage,
  seededRandom,
  shuffledIndices,
  type EpochMetrics,
  type MnistSplit,
  type ModelSpec,
  type RunProgress,
  type TrainConfig,
} from '@gradsheet/shared';
import { buildModel } from './build-model.js';
import { restoreWeights, type WeightsManifest } from './weights.js';
import { ParallelStepper, type Stepper } from './parallel/parallel-stepper.js';

/** A batch's loss and accuracy, and the pace so far: the service's `RunProgress`. */
export type BatchProgress = RunProgress;

export interface TrainHooks {
  readonly onBatch?: (progress: BatchProgress) => void;
  /** Awaited before the next epoch starts, so a caller can flush metrics before announcing them. */
  readonly onEpoch?: (metrics: EpochMetrics, model: tf.LayersModel) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

/** Where a resumed run starts: after `epoch` completed epochs, from these weights. */
export interface TrainStart {
  readonly epoch: number;
  readonly weights: { readonly manifest: WeightsManifest; readonly bytes: Uint8Array };
}

export interface TrainData {
  readonly train: MnistSplit;
  readonly test: MnistSplit;
}

import { CLASSES, PIXELS, SIDE, trainingLoss } from './replica.js';
import { WeightAverage } from './weight-average.js';
const EVAL_BATCH = 1000;

/** Trains a model on MNIST as `config` says, one epoch at a time; returns the model and every epoch's metrics. */
export async function trainModel(
  config: TrainConfig,
  spec: ModelSpec,
  data: TrainData,
  hooks: TrainHooks = {},
  start?: TrainStart,
): Promise<{ model: tf.LayersModel; history: EpochMetrics[] }> {
  const trainCount = Math.min(config.limitTrain ?? data.train.count, data.train.count);
  const testCount = Math.min(config.limitTest ?? data.test.count, data.test.count);
  // Separate streams, so that changing augmentation does not change the initial weights.
  const model = buildModel(spec, seededRandom(config.seed * 2 + 1));
  if (start) restoreWeights(model, start.weights.manifest, start.weights.bytes);
  // A resumed run draws from a stream of its own; its optimiser momentum starts afresh.
  const random = seededRandom(config.seed * 2 + 2 + (start?.epoch ?? 0) * 7919);
  const batches = Math.ceil(trainCount / config.batchSize);
  const schedule = { ...config, stepsPerEpoch: batches };
  const testInputs = normaliseAll(data.test, testCount);
  const history: EpochMetrics[] = [];
  const average = config.emaDecay > 0 ? new WeightAverage(config.emaDecay) : null;
  const stepper: Stepper = await ParallelStepper.start(model, config, spec, config.backend, random, config.threads);

  try {
    for (let epoch = start?.epoch ?? 0; epoch < config.epochs; epoch++) {
      const started = performance.now();
      const order = shuffledIndices(trainCount, random);
      let lossSum = 0;
      let correct = 0;
      let lr = config.lr;
      const batchAt = (batch: number) => {
        const indices = order.subarray(batch * config.batchSize, Math.min(trainCount, (batch + 1) * config.batchSize));
        return makeBatch(data.train, indices, config.augment ? random : null);
      };
      let next = batchAt(0);
      for (let batch = 0; batch < batches; batch++) {
        hooks.signal?.throwIfAborted();
        lr = learningRateAt(schedule, epoch, batch);
        const { inputs, labels } = next;
        // The next batch is made while the worker threads finish this one.
        const prepareNext = () => {
          if (batch + 1 < batches) next = batchAt(batch + 1);
        };
        const { loss: batchLoss, correct: batchCorrect } = await stepper.step(inputs, labels, lr, prepareNext);
        average?.updateFrom(stepper.weights);
        lossSum += batchLoss * labels.length;
        correct += batchCorrect;
        hooks.onBatch?.({
          epoch: epoch + 1,
          batch: batch + 1,
          batches,
          loss: batchLoss,
          acc: batchCorrect / labels.length,
          lr,
          batchesPerSecond: ((batch + 1) * 1000) / (performance.now() - started),
        });
      }
      const trainSeconds = (performance.now() - started) / 1000;
      // With averaging, the averaged weights are what is evaluated and what the hook saves.
      const finishEpoch = async () => {
        const evaluation = await evaluate(model, testInputs, data.test.labels, testCount);
        const metrics: EpochMetrics = {
          epoch: epoch + 1,
          trainLoss: lossSum / trainCount,
          trainAcc: correct / trainCount,
          testLoss: evaluation.loss,
          testAcc: evaluation.correct / testCount,
          testCorrect: evaluation.correct,
          testCount,
          lr,
          seconds: (performance.now() - started) / 1000,
          imagesPerSecond: trainCount / trainSeconds,
        };
        history.push(metrics);
        await hooks.onEpoch?.(metrics, model);
      };
      await (average ? average.apply(model, finishEpoch) : finishEpoch());
    }
    average?.install(model);
  } finally {
    await stepper.close();
  }
  return { model, history };
}

function makeBatch(split: MnistSplit, indices: Uint32Array, random: (() => number) | null): { inputs: Float32Array; labels: Int32Array } {
  const inputs = new Float32Array(indices.length * PIXELS);
  const labels = new Int32Array(indices.length);
  indices.forEach((image, i) => {
    normaliseImage(split.images, image * PIXELS, SIDE, inputs, i * PIXELS, random);
    labels[i] = split.labels[image] as number;
  });
  return { inputs, labels };
}

function normaliseAll(split: MnistSplit, count: number): Float32Array {
  const out = new Float32Array(count * PIXELS);
  for (let i = 0; i < count; i++) normaliseImage(split.images, i * PIXELS, SIDE, out, i * PIXELS, null);
  return out;
}

async function evaluate(model: tf.LayersModel, inputs: Float32Array, labels: Uint8Array, count: number): Promise<{ loss: number; correct: number }> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, count - start);
    const [loss, right] = tf.tidy(() => {
      const x = tf.tensor4d(inputs.subarray(start * PIXELS, (start + n) * PIXELS), [n, SIDE, SIDE, 1]);
      const y = tf.tensor1d(Int32Array.from(labels.subarray(start, start + n)), 'int32');
      const logits = model.predict(x) as tf.Tensor2D;
      const sum = tf.losses.softmaxCrossEntropy(tf.oneHot(y, CLASSES), logits, undefined, undefined, tf.Reduction.SUM);
      return [sum, logits.argMax(-1).equal(y).sum()];
    });
    lossSum += (await loss!.data())[0] as number;
    correct += (await right!.data())[0] as number;
    tf.dispose([loss!, right!]);
  }
  return { loss: lossSum / count, correct };
}
