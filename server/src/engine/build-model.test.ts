import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomDesign, seededRandom, summarizeModel, type ModelSpec } from '@gradsheet/shared';
import { buildModel, trainableParameterCount } from './build-model.js';

describe('buildModel builds every valid design', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('200 random designs: the trainable parameters of the summary, and the class scores as [batch, 10]', () => {
    const random = seededRandom(2024);
    for (let i = 0; i < 200; i++) {
      const spec = randomDesign(random);
      const label = `design ${i}: ${JSON.stringify(spec.layers)}`;
      const model = buildModel(spec, seededRandom(i));
      expect(trainableParameterCount(model), label).toBe(summarizeModel(spec).totalParams);
      expect(model.outputs[0]?.shape, label).toEqual([null, 10]);
      const scores = tf.tidy(() => (model.apply(tf.zeros([2, 28, 28, 1]), { training: true }) as tf.Tensor).shape);
      expect(scores, label).toEqual([2, 10]);
      model.dispose();
    }
  });

  it.each<[string, ModelSpec['layers']]>([
    ['a conv, pool and BatchNorm on GAP\'s 1×1 map', [{ type: 'conv2d', filters: 6, kernel: 3 }, { type: 'gap' }, { type: 'batchnorm' }, { type: 'maxpool', size: 1 }, { type: 'conv2d', filters: 10, kernel: 1 }]],
    ['GAP twice', [{ type: 'conv2d', filters: 10, kernel: 5, stride: 2 }, { type: 'gap' }, { type: 'gap' }]],
    ['a Linear straight after GAP', [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'gap' }, { type: 'dense', units: 10 }]],
    ['scores from a conv covering the whole map', [{ type: 'maxpool', size: 4 }, { type: 'conv2d', filters: 10, kernel: 7, bias: false }, { type: 'batchnorm' }]],
    ['BatchNorm1d fused with a ReLU between Linears', [{ type: 'flatten' }, { type: 'dense', units: 16 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'dense', units: 10 }]],
    ['stride 2 and \'same\' padding, kernel 7', [{ type: 'conv2d', filters: 3, kernel: 7, stride: 2, padding: 3 }, { type: 'relu' }, { type: 'batchnorm' }, { type: 'gap' }, { type: 'dense', units: 10 }]],
  ])('%s', (_, layers) => {
    const spec: ModelSpec = { id: 'case', title: '', description: '', input: [1, 28, 28], classes: 10, layers, training: { epochs: 1, batchSize: 8, optimizer: 'sgd', lr: 0.01, schedule: 'none' } };
    const model = buildModel(spec, seededRandom(1));
    expect(trainableParameterCount(model)).toBe(summarizeModel(spec).totalParams);
    expect(model.outputs[0]?.shape).toEqual([null, 10]);
    model.dispose();
  });
});
