import * as tf from '@tensorflow/tfjs';
import { relu } from './kernels/relu.js';

/** ReLU through GradSheet's kernels (one pass each way) where they run; tf.relu elsewhere. */
export class ReluLayer extends tf.layers.Layer {
  static className = 'GradSheetReLU';

  constructor() {
    super({});
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return relu(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs);
  }
}
