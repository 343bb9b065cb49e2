import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferShapes, MODEL_ZOO, randomDesign, seededRandom, summarizeModel, type ModelSpec, type TensorShape } from '@gradsheet/shared';
import { buildModel, trainableParameterCount } from './build-model.js';

/** A shape as both sides can write it: height×width×channels, and 1×1 maps as vectors (PyTorch keeps them after GAP, tfjs does not). */
function pytorchShape(shape: TensorShape): string {
  return shape.length === 1 || (shape[1] === 1 && shape[2] === 1) ? String(shape[0]) : `${shape[1]}×${shape[2]}×${shape[0]}`;
}

function tfjsShape(shape: readonly (number | null)[]): string {
  const [, ...rest] = shape;
  return rest.length === 3 && rest[0] === 1 && rest[1] === 1 ? String(rest[2]) : rest.join('×');
}

function withoutRepeats(shapes: string[]): string[] {
  return shapes.filter((shape, i) => shape !== shapes[i - 1]);
}

/** The shapes a design's tensors take, layer after layer, as shared infers them and as the tfjs model has them (zero padding, an implementation detail, left out). */
function shapeSequences(spec: ModelSpec, model: tf.LayersModel): { expected: string[]; built: string[] } {
  const input = pytorchShape(spec.input);
  return {
    expected: withoutRepeats([input, ...inferShapes(spec).map((row) => pytorchShape(row.outputShape))]),
    built: withoutRepeats([
      input,
      ...model.layers.filter((layer) => layer.getClassName() !== 'ZeroPadding2D').map((layer) => tfjsShape(layer.outputShape as (number | null)[])),
    ]),
  };
}

describe('buildModel builds every valid design', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('200 random designs: the trainable parameters of the summary, every layer\'s shape as shared infers it, and the class scores as [batch, 10]', () => {
    const random = seededRandom(2024);
    for (let i = 0; i < 200; i++) {
      const spec = randomDesign(random);
      const label = `design ${i}: ${JSON.stringify(spec.layers)}`;
      const model = buildModel(spec, seededRandom(i));
      expect(trainableParameterCount(model), label).toBe(summarizeModel(spec).totalParams);
      const { expected, built } = shapeSequences(spec, model);
      expect(built, label).toEqual(expected);
      expect(model.outputs[0]?.shape, label).toEqual([null, 10]);
      const scores = tf.tidy(() => (model.apply(tf.zeros([2, 28, 28, 1]), { training: true }) as tf.Tensor).shape);
      expect(scores, label).toEqual([2, 10]);
      model.dispose();
    }
  });

  it.each(MODEL_ZOO.map((spec) => [spec.id, spec] as const))('the zoo model %s', (_, spec) => {
    const model = buildModel(spec, seededRandom(1));
    expect(trainableParameterCount(model)).toBe(summarizeModel(spec).totalParams);
    const { expected, built } = shapeSequences(spec, model);
    expect(built).toEqual(expected);
    model.dispose();
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
    const { expected, built } = shapeSequences(spec, model);
    expect(built).toEqual(expected);
    expect(model.outputs[0]?.shape).toEqual([null, 10]);
    model.dispose();
  });

  it.each([
    [3, 2, 1],
    [5, 2, 2],
    [7, 3, 3],
    [4, 1, 1],
    [2, 3, 1],
    [3, 1, 1],
  ])('a kernel %i conv at stride %i with padding %i pads as PyTorch does: zeros on every side, then the window', (kernel, stride, padding) => {
    const spec: ModelSpec = {
      id: 'padding', title: '', description: '', input: [1, 28, 28], classes: 10,
      layers: [{ type: 'conv2d', filters: 10, kernel, stride, padding }, { type: 'gap' }],
      training: { epochs: 1, batchSize: 8, optimizer: 'sgd', lr: 0.01, schedule: 'none' },
    };
    const model = buildModel(spec, seededRandom(kernel * 10 + stride));
    const [weights, bias] = model.trainableWeights.map((w) => w.read());
    const random = seededRandom(5);
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 28 * 28 }, () => random()), [2, 28, 28, 1]);
    const built = model.predict(x) as tf.Tensor;
    const pytorch = tf
      .conv2d(tf.pad(x, [[0, 0], [padding, padding], [padding, padding], [0, 0]]), weights as tf.Tensor4D, stride, 'valid')
      .add(bias as tf.Tensor)
      .mean([1, 2]);
    expect(tf.max(tf.abs(built.sub(pytorch))).dataSync()[0]).toBeLessThan(1e-6);
    model.dispose();
  });
});
