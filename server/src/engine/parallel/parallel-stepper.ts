import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { assertState, GradSheetError, type BackendChoice, type ModelSpec, type Random } from '@gradsheet/shared';
import { computeGradients, PIXELS, readAllWeights, writeAllWeights } from '../replica.js';
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
   * (the next batch is prepared there); a single thread runs it after the step.
   */
  step(inputs: Float32Array, labels: Int32Array, meanwhile?: () => void): Promise<StepResult>;
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
 * applies their size-weighted mean. BatchNorm normalises each share by its own
 * statistics, as PyTorch's DistributedDataParallel does; the running statistics
 * are averaged.
 */
export class ParallelStepper implements Stepper {
  private readonly variables: tf.Variable[];
  /** [offset, length] of each BatchNorm statistic in the all-weights array. */
  private readonly statistics: [number, number][] = [];

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly random: Random,
    private readonly threads: ReplicaThread[],
  ) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let offset = 0;
    for (const weight of model.weights) {
      const size = weight.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
      if (!weight.trainable) this.statistics.push([offset, size]);
      offset += size;
    }
  }

  /** `replicas` counts the main thread: 2 starts one worker. */
  static async start(model: tf.LayersModel, optimizer: tf.Optimizer, spec: ModelSpec, backend: BackendChoice, random: Random, replicas: number): Promise<ParallelStepper> {
    const threads = Array.from({ length: replicas - 1 }, () => new ReplicaThread());
    try {
      await Promise.all(threads.map((t) => t.exchange({ type: 'init', spec, backend })));
    } catch (error) {
      await Promise.all(threads.map((t) => t.stop()));
      throw error;
    }
    return new ParallelStepper(model, optimizer, random, threads);
  }

  async step(inputs: Float32Array, labels: Int32Array, meanwhile?: () => void): Promise<StepResult> {
    const replicas = Math.min(this.threads.length + 1, labels.length);
    // Equal shares: measured on 2 cores, the main thread's own work (the next batch, the
    // optimiser) weighs about as much as a worker's messages and weight copies.
    const shareSize = Math.ceil(labels.length / replicas);
    const weights = await readAllWeights(this.model);
    const remote = this.threads.slice(0, replicas - 1).map(async (thread, i): Promise<Share> => {
      const from = i * shareSize;
      const to = Math.min(labels.length, from + shareSize);
      const reply = await thread.exchange({
        type: 'step',
        weights,
        inputs: inputs.slice(from * PIXELS, to * PIXELS),
        labels: labels.slice(from, to),
        dropoutSeed: Math.floor(this.random() * 2 ** 31),
      });
      assertState(reply.type === 'stepped', 'a training worker answers a step with its gradients');
      return reply;
    });
    const ownFrom = (replicas - 1) * shareSize;
    const own = await computeGradients(this.model, inputs.subarray(ownFrom * PIXELS), labels.subarray(ownFrom));
    meanwhile?.();
    const shares: Share[] = [...(await Promise.all(remote)), { ...own, weights: null }];

    const total = shares.reduce((n, share) => n + share.count, 0);
    const combined = new Float32Array(own.gradients.length);
    for (const share of shares) {
      const weight = share.count / total;
      for (let i = 0; i < combined.length; i++) combined[i] = (combined[i] as number) + (share.gradients[i] as number) * weight;
    }
    const named: Record<string, tf.Tensor> = {};
    let offset = 0;
    for (const variable of this.variables) {
      named[variable.name] = tf.tensor(combined.subarray(offset, offset + variable.size), variable.shape);
      offset += variable.size;
    }
    this.optimizer.applyGradients(named);
    tf.dispose(Object.values(named));

    const after = await readAllWeights(this.model);
    const others = shares.flatMap((share) => (share.weights ? [share.weights] : []));
    for (const [start, length] of this.statistics) {
      for (let i = start; i < start + length; i++) {
        let sum = after[i] as number;
        for (const other of others) sum += other[i] as number;
        after[i] = sum / (others.length + 1);
      }
    }
    writeAllWeights(this.model, after);
    return {
      loss: shares.reduce((sum, share) => sum + share.loss * share.count, 0) / total,
      correct: shares.reduce((sum, share) => sum + share.correct, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.stop()));
  }
}
