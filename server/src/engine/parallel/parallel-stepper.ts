import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { assertState, GradSheetError, type BackendChoice, type ModelSpec, type Random } from '@gradsheet/shared';
import { flatOptimizer, type FlatOptimizer, type OptimizerOptions } from '../flat-optimizer.js';
import { computeGradients, PIXELS, readAllWeights, readWeights, writeAllWeights } from '../replica.js';
import type { FromReplica, ToReplica } from './messages.js';

export interface StepResult {
  /** Mean loss over the batch. */
  readonly loss: number;
  readonly correct: number;
}

/** Runs one optimisation step on a batch. */
export interface Stepper {
  /**
   * `meanwhile` runs on the main thread while other threads still work on the batch
   * (the next batch is prepared there); a single thread runs it after its share.
   */
  step(inputs: Float32Array, labels: Int32Array, lr: number, meanwhile?: () => void): Promise<StepResult>;
  /** Every weight after the last step, in `model.weights` order: what the model holds. */
  readonly weights: Float32Array;
  close(): Promise<void>;
}

/** A worker thread holding one replica, answering one message at a time. */
class ReplicaThread {
  private readonly worker = new Worker(new URL('./replica-worker.js', import.meta.url));
  private pending: ((message: FromReplica) => void) | null = null;

  constructor() {
    this.worker.on('message', (message: FromReplica) => this.pending?.(message));
    this.worker.on('error', (error) => this.pending?.({ type: 'error', message: error.message }));
  }

  exchange(message: ToReplica): Promise<FromReplica> {
    return new Promise((resolve, reject) => {
      this.pending = (reply) => {
        this.pending = null;
        // The worker's own code (a backend that cannot start there, a bad design), else a failure of GradSheet's.
        if (reply.type === 'error') reject(new GradSheetError(reply.code ?? 'INTERNAL', `training worker: ${reply.message}`));
        else resolve(reply);
      };
      this.worker.postMessage(message);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

interface Share {
  readonly gradients: Float32Array;
  readonly weights: Float32Array | null;
  readonly loss: number;
  readonly correct: number;
  readonly count: number;
}

/**
 * Data parallelism over threads: each step every worker replica receives the
 * current weights and its share of the batch, all shares' gradients are computed
 * at the same time (the main thread takes the last share), and the main thread
 * applies their size-weighted mean in one pass over the flat weights (see
 * FlatOptimizer). BatchNorm normalises each share by its own statistics, as
 * PyTorch's DistributedDataParallel does; the running statistics are averaged.
 * With one replica (no workers) this is the single-threaded trainer.
 *
 * The main thread keeps every weight as one array (`weights`): the trainable ones
 * first, as tfjs lays out `model.weights`, then BatchNorm's running statistics.
 */
export class ParallelStepper implements Stepper {
  readonly weights: Float32Array;
  /** Floats of the trainable weights, at the start of `weights`. */
  private readonly trainableSize: number;
  private readonly statistics: tf.LayerVariable[];
  private readonly optimizer: FlatOptimizer;

  private constructor(
    private readonly model: tf.LayersModel,
    options: OptimizerOptions,
    private readonly random: Random,
    private readonly threads: ReplicaThread[],
    weights: Float32Array,
  ) {
    const trainable = model.trainableWeights;
    assertState(
      trainable.every((w, i) => model.weights[i] === w),
      'tfjs lays out a model\'s weights with the trainable ones first',
    );
    this.statistics = model.weights.slice(trainable.length);
    this.trainableSize = trainable.reduce((n, w) => n + sizeOf(w), 0);
    this.weights = weights;
    this.optimizer = flatOptimizer(options, this.trainableSize);
  }

  /** `replicas` counts the main thread: 1 trains on the main thread alone, 2 starts one worker. */
  static async start(model: tf.LayersModel, options: OptimizerOptions, spec: ModelSpec, backend: BackendChoice, random: Random, replicas: number): Promise<ParallelStepper> {
    const threads = Array.from({ length: replicas - 1 }, () => new ReplicaThread());
    try {
      await Promise.all(threads.map((t) => t.exchange({ type: 'init', spec, backend })));
    } catch (error) {
      await Promise.all(threads.map((t) => t.stop()));
      throw error;
    }
    return new ParallelStepper(model, options, random, threads, await readAllWeights(model));
  }

  async step(inputs: Float32Array, labels: Int32Array, lr: number, meanwhile?: () => void): Promise<StepResult> {
    const replicas = Math.min(this.threads.length + 1, labels.length);
    // Equal shares: measured on 2 cores, the main thread's own work (the next batch, the
    // optimiser) weighs about as much as a worker's messages and weight copies.
    const shareSize = Math.ceil(labels.length / replicas);
    const remote = this.threads.slice(0, replicas - 1).map(async (thread, i): Promise<Share> => {
      const from = i * shareSize;
      const to = Math.min(labels.length, from + shareSize);
      const reply = await thread.exchange({
        type: 'step',
        weights: this.weights,
        inputs: inputs.slice(from * PIXELS, to * PIXELS),
        labels: labels.slice(from, to),
        dropoutSeed: Math.floor(this.random() * 2 ** 31),
      });
      assertState(reply.type === 'stepped', 'a training worker answers a step with its gradients');
      return reply;
    });
    const ownFrom = (replicas - 1) * shareSize;
    const own = await computeGradients(this.model, inputs.subarray(ownFrom * PIXELS), labels.subarray(ownFrom));
    // The main model's forward pass moved its running statistics: read them back.
    const ownStatistics = await readWeights(this.statistics);
    meanwhile?.();
    const shares: Share[] = [...(await Promise.all(remote)), { ...own, weights: null }];

    const total = shares.reduce((n, share) => n + share.count, 0);
    this.optimizer.step(
      this.weights.subarray(0, this.trainableSize),
      shares.map((share) => share.gradients),
      shares.map((share) => share.count / total),
      lr,
    );
    const others = shares.flatMap((share) => (share.weights ? [share.weights] : []));
    const start = this.trainableSize;
    for (let i = 0; i < ownStatistics.length; i++) {
      let sum = ownStatistics[i] as number;
      for (const other of others) sum += other[start + i] as number;
      this.weights[start + i] = sum / (others.length + 1);
    }
    writeAllWeights(this.model, this.weights);
    return {
      loss: shares.reduce((sum, share) => sum + share.loss * share.count, 0) / total,
      correct: shares.reduce((sum, share) => sum + share.correct, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.stop()));
  }
}

function sizeOf(weight: tf.LayerVariable): number {
  return weight.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
}
