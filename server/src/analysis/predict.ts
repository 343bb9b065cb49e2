import { DIGIT_PIXELS, assertState, normalisePixel, type Prediction } from '@gradsheet/shared';
import type { RunDirectory } from '../engine/run-directory.js';
import { classify } from './classify.js';
import { finalModel, openFinishedRun } from './run-model.js';

/**
 * The class a finished run's final weights give one digit, and the ten
 * probabilities: `grid` is 784 values from 0 (paper) to 1 (ink) row by row (as
 * checkDigitGrid returns them), normalised exactly as the training images are.
 */
export async function predictDigit(run: RunDirectory, grid: readonly number[]): Promise<Prediction> {
  assertState(grid.length === DIGIT_PIXELS, `a digit has ${DIGIT_PIXELS} values, got ${grid.length}`);
  const { spec } = await openFinishedRun(run);
  const model = await finalModel(run, spec);
  try {
    const { predicted, probabilities } = await classify(model, Float32Array.from(grid, normalisePixel), 1);
    return { class: predicted[0] as number, probabilities: Array.from(probabilities) };
  } finally {
    model.dispose();
  }
}
