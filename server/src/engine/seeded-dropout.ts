import * as tf from '@tensorflow/tfjs';
import { fillDropoutMask, type Random } from '@gradsheet/shared';

/**
 * Dropout whose masks come from GradSheet's seeded generator. tfjs' own dropout
 * with a fixed seed draws the same mask at every step, and without one it cannot
 * be reproduced; this layer draws a fresh, reproducible mask per training call.
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
    // The mask is drawn here, not with tf.randomUniform, whose per-element
    // generator cost about a sixth of a training step.
    const mask = new Float32Array(x.size);
    fillDropoutMask(mask, this.rate, 1 / (1 - this.rate), Math.floor(this.random() * 2 ** 32));
    return tf.tidy(() => x.mul(tf.tensor(mask, x.shape, 'float32')));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
