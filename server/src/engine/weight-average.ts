import type * as tf from '@tensorflow/tfjs';
import { readAllWeights, writeAllWeights } from './replica.js';

/**
 * Polyak averaging: an exponential moving average of every weight (BatchNorm's
 * running statistics included), updated after each optimiser step.
 *
 * A small model at the end of a OneCycle run still moves from batch to batch enough
 * to change its test accuracy by ±0.1%; the average of its recent weights sits in the
 * middle of that wander and scores steadily higher. The decay warms up as
 * (1 + t)/(10 + t), so the first epochs average their own recent steps instead of
 * remembering the random initial weights.
 */
export class WeightAverage {
  private average: Float64Array | null = null;
  private steps = 0;

  constructor(private readonly decay: number) {}

  /** Folds the model's current weights into the average. */
  async update(model: tf.LayersModel): Promise<void> {
    this.updateFrom(await readAllWeights(model));
  }

  /** Folds these weights (every weight of the model, in `model.weights` order) into the average. */
  updateFrom(weights: Float32Array): void {
    this.steps += 1;
    if (!this.average) {
      this.average = Float64Array.from(weights);
      return;
    }
    const decay = Math.min(this.decay, this.steps / (this.steps + 9));
    const average = this.average;
    for (let i = 0; i < average.length; i++) average[i] = decay * (average[i] as number) + (1 - decay) * (weights[i] as number);
  }

  /** Leaves the averaged weights in the model for good: at the end of a run they are its result. */
  install(model: tf.LayersModel): void {
    if (this.average) writeAllWeights(model, Float32Array.from(this.average));
  }

  /** Runs `use` with the averaged weights in the model, then puts the trained weights back, bit for bit. */
  async apply<T>(model: tf.LayersModel, use: () => Promise<T>): Promise<T> {
    if (!this.average) return use();
    const trained = await readAllWeights(model);
    writeAllWeights(model, Float32Array.from(this.average));
    try {
      return await use();
    } finally {
      writeAllWeights(model, trained);
    }
  }
}
