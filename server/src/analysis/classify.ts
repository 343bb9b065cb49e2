import * as tf from '@tensorflow/tfjs';
import { DIGIT_PIXELS, DIGIT_SIDE } from '@gradsheet/shared';

/** Images per forward pass: the batches the engine evaluates each epoch in, so that every score comes out the same. */
const BATCH = 1000;
const CLASSES = 10;

export interface Classified {
  /** Each image's class: the highest score, as the engine's evaluation counts it right or wrong. */
  readonly predicted: Int32Array;
  /** Ten probabilities per image (softmax of the scores), image by image. */
  readonly probabilities: Float32Array;
}

/**
 * Classifies normalised 28×28 images as the engine evaluates them: `model.predict`
 * (inference mode, so BatchNorm uses its running statistics and dropout is off), in
 * batches of the engine's size, the class by the highest score.
 */
export async function classify(model: tf.LayersModel, inputs: Float32Array, count: number): Promise<Classified> {
  const predicted = new Int32Array(count);
  const probabilities = new Float32Array(count * CLASSES);
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const [classes, softmax] = tf.tidy((): [tf.Tensor1D, tf.Tensor2D] => {
      const x = tf.tensor4d(inputs.subarray(start * DIGIT_PIXELS, (start + n) * DIGIT_PIXELS), [n, DIGIT_SIDE, DIGIT_SIDE, 1]);
      const logits = model.predict(x) as tf.Tensor2D;
      return [logits.argMax(-1), tf.softmax(logits)];
    });
    predicted.set(await classes.data<'int32'>(), start);
    probabilities.set(await softmax.data<'float32'>(), start * CLASSES);
    tf.dispose([classes, softmax]);
  }
  return { predicted, probabilities };
}
