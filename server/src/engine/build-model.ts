import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, ModelSpec, Random } from '@gradsheet/shared';
import { FusedBatchNorm } from './fused-batch-norm.js';
import { PlainConv2D } from './plain-conv2d.js';
import { SeededDropout } from './seeded-dropout.js';

/**
 * Builds the tfjs network of a ModelSpec. Specs speak PyTorch (NCHW, integer
 * padding); tfjs layers run NHWC, so padding becomes 'same' where that is exact and
 * an explicit zero-padding layer otherwise. Weights start as PyTorch's do
 * (uniform ±1/√fan_in), drawn from the run's seed.
 */
export function buildModel(spec: ModelSpec, random: Random): tf.Sequential {
  const [channels, height, width] = spec.input;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [height, width, channels] }));
  let inputChannels = channels;
  let lastFeatures = channels * height * width;
  const seed = () => Math.floor(random() * 2 ** 31);
  const pytorchInit = (fanIn: number) => {
    const bound = 1 / Math.sqrt(fanIn);
    return {
      kernel: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
      bias: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
    };
  };

  for (const [index, layer] of spec.layers.entries()) {
    // A ReLU right after a BatchNorm runs inside it (one fused layer, same maths).
    if (layer.type === 'relu' && spec.layers[index - 1]?.type === 'batchnorm') continue;
    const reluFollows = spec.layers[index + 1]?.type === 'relu';
    for (const built of tfLayersFor(layer, reluFollows)) model.add(built);
    const shape = model.outputs[0]?.shape ?? [];
    lastFeatures = shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
    if (layer.type === 'conv2d') inputChannels = layer.filters;
  }
  return model;

  function tfLayersFor(layer: LayerSpec, reluFollows: boolean): tf.layers.Layer[] {
    switch (layer.type) {
      case 'conv2d': {
        const stride = layer.stride ?? 1;
        const padding = layer.padding ?? 0;
        const same = stride === 1 && padding * 2 === layer.kernel - 1;
        const init = pytorchInit(inputChannels * layer.kernel * layer.kernel);
        const conv = new PlainConv2D({
          filters: layer.filters,
          kernelSize: layer.kernel,
          strides: stride,
          padding: same ? 'same' : 'valid',
          useBias: layer.bias ?? true,
          kernelInitializer: init.kernel,
          biasInitializer: init.bias,
        });
        return padding > 0 && !same ? [tf.layers.zeroPadding2d({ padding }), conv] : [conv];
      }
      case 'batchnorm':
        return [new FusedBatchNorm({ relu: reluFollows })];
      case 'relu':
        return [tf.layers.reLU()];
      case 'dropout':
        return [new SeededDropout(layer.rate, random)];
      case 'maxpool':
        return [tf.layers.maxPooling2d({ poolSize: layer.size, strides: layer.stride ?? layer.size })];
      case 'avgpool':
        return [tf.layers.averagePooling2d({ poolSize: layer.size, strides: layer.stride ?? layer.size })];
      case 'gap':
        return [tf.layers.globalAveragePooling2d({})];
      case 'flatten':
        // tfjs' global pooling already yields [batch, channels]; PyTorch's keeps 1×1 maps.
        return (model.outputs[0]?.shape.length ?? 0) > 2 ? [tf.layers.flatten()] : [];
      case 'dense': {
        const init = pytorchInit(lastFeatures);
        return [tf.layers.dense({ units: layer.units, useBias: layer.bias ?? true, kernelInitializer: init.kernel, biasInitializer: init.bias })];
      }
    }
  }
}

/** Trainable parameters, as the summary counts them (BatchNorm's running statistics excluded). */
export function trainableParameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}
