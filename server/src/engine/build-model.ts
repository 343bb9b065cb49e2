import * as tf from '@tensorflow/tfjs';
import { assertState, inferShapes, type LayerSpec, type ModelSpec, type Random, type TensorShape } from '@gradsheet/shared';
import { FusedBatchNorm } from './fused-batch-norm.js';
import { PlainConv2D } from './plain-conv2d.js';
import { ReluLayer } from './relu-layer.js';
import { SeededDropout } from './seeded-dropout.js';

/**
 * Builds the tfjs network of any valid ModelSpec, with the trainable parameters of
 * shared's summary. Specs speak PyTorch (NCHW, integer padding); tfjs layers run NHWC,
 * so padding becomes 'same' where that is exact (stride 1, half the kernel) and
 * explicit zeros on each side otherwise. Flatten therefore orders features by pixel,
 * then channel, where PyTorch orders them by channel: the same features in another
 * order, and no weights are exchanged with PyTorch, so only the count must agree.
 * Weights start as PyTorch's do (uniform ±1/√fan_in), drawn from the run's seed.
 * Throws GradSheetError INVALID_MODEL, naming the layer, for a spec that cannot be built.
 */
const PADDING_CONVOLUTIONS = new Set(['wasm', 'cpu']);

export function buildModel(spec: ModelSpec, random: Random): tf.Sequential {
  const shapes = inferShapes(spec);
  const [channels, height, width] = spec.input;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [height, width, channels] }));
  const seed = () => Math.floor(random() * 2 ** 31);
  const pytorchInit = (fanIn: number) => {
    const bound = 1 / Math.sqrt(fanIn);
    return {
      kernel: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
      bias: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
    };
  };
  // GradSheet's convolutions (wasm) and the cpu backend's pad by themselves; on others a
  // zero-padding layer goes first (it costs a copy forward and a slice back).
  const padsItself = PADDING_CONVOLUTIONS.has(tf.getBackend());
  /** The rank of the tfjs tensor so far, batch included: 4 for maps, 2 once flat. */
  const rank = () => model.outputs[0]?.shape.length ?? 0;

  for (const { index, layer, inputShape } of shapes) {
    // A ReLU right after a BatchNorm runs inside it (one fused layer, same maths).
    if (layer.type === 'relu' && spec.layers[index - 1]?.type === 'batchnorm') continue;
    const reluFollows = spec.layers[index + 1]?.type === 'relu';
    for (const built of tfLayersFor(layer, inputShape, reluFollows)) model.add(built);
  }
  // Scores that end as a 1×1 map (a conv or GAP last) become [batch, classes].
  if (rank() > 2) model.add(tf.layers.flatten());
  const output = model.outputs[0]?.shape ?? [];
  assertState(output.length === 2 && output[1] === spec.classes, `the model built for ${spec.id} gives [${output.join(', ')}], not class scores`);
  return model;

  function tfLayersFor(layer: LayerSpec, inputShape: TensorShape, reluFollows: boolean): tf.layers.Layer[] {
    switch (layer.type) {
      case 'conv2d': {
        const stride = layer.stride ?? 1;
        const padding = layer.padding ?? 0;
        const same = stride === 1 && padding * 2 === layer.kernel - 1;
        const init = pytorchInit(inputShape[0] * layer.kernel * layer.kernel);
        const conv = new PlainConv2D({
          filters: layer.filters,
          kernelSize: layer.kernel,
          strides: stride,
          padding: same ? 'same' : padding > 0 && padsItself ? padding : 'valid',
          useBias: layer.bias ?? true,
          kernelInitializer: init.kernel,
          biasInitializer: init.bias,
        });
        return [...asMap(inputShape), ...(padding > 0 && !same && !padsItself ? [tf.layers.zeroPadding2d({ padding })] : []), conv];
      }
      case 'batchnorm':
        // Over the channels of a map (BatchNorm2d) or the features of a vector (BatchNorm1d): tfjs' last axis either way.
        return [new FusedBatchNorm({ relu: reluFollows })];
      case 'relu':
        return [new ReluLayer()];
      case 'dropout':
        return [new SeededDropout(layer.rate, random)];
      case 'maxpool':
        return [...asMap(inputShape), tf.layers.maxPooling2d({ poolSize: layer.size, strides: layer.stride ?? layer.size })];
      case 'avgpool':
        return [...asMap(inputShape), tf.layers.averagePooling2d({ poolSize: layer.size, strides: layer.stride ?? layer.size })];
      case 'gap':
        // tfjs' global pooling gives [batch, channels], where PyTorch keeps 1×1 maps.
        return [...asMap(inputShape), tf.layers.globalAveragePooling2d({})];
      case 'flatten':
        return flat();
      case 'dense': {
        const init = pytorchInit(inputShape.reduce((a, b) => a * b, 1));
        return [...flat(), tf.layers.dense({ units: layer.units, useBias: layer.bias ?? true, kernelInitializer: init.kernel, biasInitializer: init.bias })];
      }
    }
  }

  /** A layer over maps after GAP: GAP's [batch, channels] back as the 1×1 map PyTorch keeps. */
  function asMap(inputShape: TensorShape): tf.layers.Layer[] {
    return rank() === 2 ? [tf.layers.reshape({ targetShape: [1, 1, inputShape[0]] })] : [];
  }

  function flat(): tf.layers.Layer[] {
    return rank() > 2 ? [tf.layers.flatten()] : [];
  }
}

/** Trainable parameters, as the summary counts them (BatchNorm's running statistics excluded). */
export function trainableParameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}
