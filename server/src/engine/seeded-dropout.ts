import * as tf from '@tensorflow/tfjs';
import type { Random } from '@gradsheet/shared';
import { dropout } from './kernels/dropout.js';

/**
 * Dropout whose masks come from GradSheet's seeded generator. tfjs' own dropout
 * with a fixed seed draws the same mask at every step, and without one it cannot
 * be reproduced; this layer draws a fresh seed per training call, from which the
 * dropout kernel hashes its mask (kernels/dropout.ts).
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'GradSheetSeededDropout';

  constructor(
    private readonly rate: number,
    private readonly random: Random,
  ) {
    super({});
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    return dropout(x, this.rate, Math.floor(this.random() * 2 ** 32));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
