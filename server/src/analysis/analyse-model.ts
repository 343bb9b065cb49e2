import type * as tf from '@tensorflow/tfjs';
import { DIGIT_PIXELS, normaliseImage, DIGIT_SIDE, type Mistake, type MnistSplit, type ModelSpec, type RunAnalysis } from '@gradsheet/shared';
import { classify } from './classify.js';
import { firstLayerKernels } from './first-layer.js';

/** Mistakes kept with their pixels, most confident first: enough for the Mistakes sheet's digits and some to spare. */
export const MISTAKES_KEPT = 64;

const CLASSES = 10;

/** The first `count` test images, normalised as the engine evaluates them. */
export function testInputs(test: MnistSplit, count: number): Float32Array {
  const inputs = new Float32Array(count * DIGIT_PIXELS);
  for (let i = 0; i < count; i++) normaliseImage(test.images, i * DIGIT_PIXELS, DIGIT_SIDE, inputs, i * DIGIT_PIXELS, null);
  return inputs;
}

/**
 * What a trained model learned, from one more pass over the first `testCount`
 * test images (the ones its run was scored on): the confusion matrix, the most
 * confident mistakes with their pixels, and the first convolution's kernels and
 * feature maps. The confusion matrix's diagonal is the number the engine counted
 * right with the same weights.
 */
export async function analyseModel(model: tf.LayersModel, spec: ModelSpec, test: MnistSplit, testCount: number): Promise<RunAnalysis> {
  const started = performance.now();
  const count = Math.min(testCount, test.count);
  const inputs = testInputs(test, count);
  const { predicted, probabilities } = await classify(model, inputs, count);

  const counts = Array.from({ length: CLASSES }, () => new Array<number>(CLASSES).fill(0));
  const wrong: { index: number; actual: number; predicted: number; probability: number }[] = [];
  for (let index = 0; index < count; index++) {
    const actual = test.labels[index] as number;
    const guess = predicted[index] as number;
    const row = counts[actual] as number[];
    row[guess] = (row[guess] as number) + 1;
    if (guess !== actual) wrong.push({ index, actual, predicted: guess, probability: probabilities[index * CLASSES + guess] as number });
  }
  wrong.sort((a, b) => b.probability - a.probability || a.index - b.index);
  const mistakes: Mistake[] = wrong.slice(0, MISTAKES_KEPT).map((mistake) => ({
    ...mistake,
    pixels: Array.from(test.images.subarray(mistake.index * DIGIT_PIXELS, (mistake.index + 1) * DIGIT_PIXELS), (p) => p / 255),
  }));

  const kernels = await firstLayerKernels(model, spec, test, inputs);
  return {
    confusion: { counts, total: count },
    mistakes,
    ...(kernels ? { kernels } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}
