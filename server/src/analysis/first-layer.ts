import * as tf from '@tensorflow/tfjs';
import { DIGIT_PIXELS, DIGIT_SIDE, type FeatureMap, type FirstLayerKernels, type MnistSplit, type ModelSpec } from '@gradsheet/shared';
import { PlainConv2D } from '../engine/plain-conv2d.js';

/** Test digits whose feature maps are kept: the first of the test set. */
export const FEATURE_MAP_DIGITS = 4;

/** Feature-map values keep six significant digits: plenty for a heat-map, and a third of the file. */
const rounded = (value: number) => Number(value.toPrecision(6));

/**
 * The first convolution's kernels (first input channel) and its output for the
 * first test digits, before any BatchNorm or ReLU; undefined for a model without
 * a convolution. `inputs` are the test images, normalised, from the first.
 */
export async function firstLayerKernels(model: tf.LayersModel, spec: ModelSpec, test: MnistSplit, inputs: Float32Array): Promise<FirstLayerKernels | undefined> {
  const layerIndex = spec.layers.findIndex((layer) => layer.type === 'conv2d');
  const conv = model.layers.find((layer): layer is PlainConv2D => layer instanceof PlainConv2D);
  if (layerIndex < 0 || !conv) return undefined;
  const [kernel] = conv.getWeights();
  const [kernelSize, , channels, filters] = kernel!.shape as [number, number, number, number];
  const k = await kernel!.data<'float32'>();
  // tfjs holds the kernel as [row, column, channel, filter].
  const weights = Array.from({ length: filters }, (_, f) =>
    Array.from({ length: kernelSize * kernelSize }, (_, rc) => k[rc * channels * filters + f] as number),
  );

  const digits = Math.min(FEATURE_MAP_DIGITS, inputs.length / DIGIT_PIXELS);
  const upToConv = tf.model({ inputs: model.inputs, outputs: conv.output as tf.SymbolicTensor });
  const output = tf.tidy(() => upToConv.predict(tf.tensor4d(inputs.subarray(0, digits * DIGIT_PIXELS), [digits, DIGIT_SIDE, DIGIT_SIDE, 1])) as tf.Tensor4D);
  const [, height, width] = output.shape;
  const values = await output.data<'float32'>();
  output.dispose();
  const mapsOf = (digit: number): FeatureMap[] =>
    Array.from({ length: filters }, (_, f) => ({
      height,
      width,
      values: Array.from({ length: height * width }, (_, p) => rounded(values[(digit * height * width + p) * filters + f] as number)),
    }));

  return {
    layerIndex,
    kernelSize,
    weights,
    digits: Array.from({ length: digits }, (_, index) => ({
      index,
      actual: test.labels[index] as number,
      pixels: Array.from(test.images.subarray(index * DIGIT_PIXELS, (index + 1) * DIGIT_PIXELS), (p) => p / 255),
      maps: mapsOf(index),
    })),
  };
}
