/**
 * What a finished run learned, as the run's folder keeps it and the workbooks show
 * it: the confusion matrix, the mistakes, and the first convolution's kernels with
 * their feature maps. Computed once more after training from the weights the run
 * keeps (the averaged ones where averaging is on), over the same test images its
 * last epoch was scored on. Types only.
 */

/** MNIST's side: a digit is 28×28 values from 0 (paper) to 1 (ink). */
export const DIGIT_SIDE = 28;

/** `counts[actual][predicted]`, 10×10. */
export interface ConfusionMatrix {
  readonly counts: readonly (readonly number[])[];
  /** Test images evaluated: the sum of every count. */
  readonly total: number;
}

export interface Mistake {
  /** Position in the MNIST test set, from 0. */
  readonly index: number;
  readonly actual: number;
  readonly predicted: number;
  /** The probability the model gave its (wrong) prediction. */
  readonly probability: number;
  /** 28×28 values from 0 to 1, row by row, as the test image holds them (before normalisation). */
  readonly pixels: readonly number[];
}

/** One feature map: the first convolution's output for one filter on one digit, row by row. */
export interface FeatureMap {
  readonly height: number;
  readonly width: number;
  readonly values: readonly number[];
}

export interface FirstLayerKernels {
  /** The first Conv2d's position in the model's layer list, from 0. */
  readonly layerIndex: number;
  readonly kernelSize: number;
  /** `weights[filter]`: kernelSize×kernelSize values row by row, of the first input channel. */
  readonly weights: readonly (readonly number[])[];
  /** The digits whose feature maps are kept. */
  readonly digits: readonly {
    readonly index: number;
    readonly actual: number;
    readonly pixels: readonly number[];
    /** `maps[filter]`: that filter's output after the convolution, before any BatchNorm or ReLU. */
    readonly maps: readonly FeatureMap[];
  }[];
}

export interface RunAnalysis {
  readonly confusion: ConfusionMatrix;
  /** Most confident mistakes first. */
  readonly mistakes: readonly Mistake[];
  /** Absent when the model has no convolution. */
  readonly kernels?: FirstLayerKernels;
  /** Seconds the extra evaluation took. */
  readonly seconds: number;
}

/** What a prediction of one digit answers. */
export interface Prediction {
  readonly class: number;
  /** Ten probabilities, summing to 1. */
  readonly probabilities: readonly number[];
}
