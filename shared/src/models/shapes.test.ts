import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { countParams, inferShapes, type ModelShapeInput } from './shapes.js';
import type { LayerSpec } from './spec.js';

const mnist = (layers: LayerSpec[], classes = 10): ModelShapeInput => ({ input: [1, 28, 28], classes, layers });
const head: LayerSpec[] = [{ type: 'gap' }, { type: 'dense', units: 10 }];

describe('inferShapes', () => {
  it('follows the RF/jump recurrence through padding, pooling and strides', () => {
    const shapes = inferShapes(
      mnist([
        { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, // 28, RF 3
        { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, // 28, RF 5
        { type: 'maxpool', size: 2 }, //                          14, RF 6, jump 2
        { type: 'conv2d', filters: 8, kernel: 3, padding: 1 }, // 14, RF 10
        { type: 'conv2d', filters: 8, kernel: 3, padding: 1, stride: 2 }, // 7, RF 14, jump 4
        { type: 'conv2d', filters: 8, kernel: 5 }, //             3, RF 30
        ...head, //                                                GAP: 30 + 2·4 = 38
      ]),
    );
    expect(shapes.map((s) => s.outputShape)).toEqual([[4, 28, 28], [4, 28, 28], [4, 14, 14], [8, 14, 14], [8, 7, 7], [8, 3, 3], [8, 1, 1], [10]]);
    expect(shapes.map((s) => s.receptiveField)).toEqual([3, 5, 6, 10, 14, 30, 38, 38]);
    expect(shapes.map((s) => s.jump)).toEqual([1, 1, 2, 2, 4, 4, 4, 4]);
  });

  it('lets GAP cover the whole input when the convs alone fall short of it', () => {
    const shapes = inferShapes(mnist([{ type: 'conv2d', filters: 10, kernel: 3 }, ...head]));
    expect(shapes.map((s) => s.receptiveField)).toEqual([3, 28, 28]);
  });

  it('counts parameters as torchsummary does', () => {
    const shapes = inferShapes(
      mnist([
        { type: 'conv2d', filters: 16, kernel: 3 }, // 9·1·16 + 16
        { type: 'conv2d', filters: 8, kernel: 3, bias: false }, // 9·16·8
        { type: 'batchnorm' }, // γ and β: 2·8; running statistics are buffers
        { type: 'relu' },
        { type: 'dropout', rate: 0.1 },
        { type: 'avgpool', size: 24 },
        { type: 'flatten' },
        { type: 'dense', units: 10, bias: false }, // 8·10
      ]),
    );
    expect(shapes.map((s) => s.params)).toEqual([160, 1152, 16, 0, 0, 0, 0, 80]);
    expect(countParams(mnist(shapes.map((s) => s.layer)))).toBe(160 + 1152 + 16 + 80);
  });

  it('uses the pool size as the default stride and floors odd sizes, as PyTorch does', () => {
    const shapes = inferShapes({ input: [3, 7, 9], classes: 36, layers: [{ type: 'maxpool', size: 2 }, { type: 'flatten' }] });
    expect(shapes[0]?.outputShape).toEqual([3, 3, 4]);
    expect(shapes[1]?.outputShape).toEqual([36]);
  });

  it.each<[string, ModelShapeInput, RegExp]>([
    ['a kernel larger than its input', mnist([{ type: 'maxpool', size: 8 }, { type: 'conv2d', filters: 4, kernel: 5 }, ...head]), /layer 2 \(Conv2d\): kernel 5 with padding 0 does not fit an input of 3/],
    ['a pool larger than its input', mnist([{ type: 'maxpool', size: 30 }, ...head]), /layer 1 \(MaxPool2d\).*would be 0/],
    ['a dense layer on a feature map', mnist([{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'dense', units: 10 }]), /flatten or gap/],
    ['a dense layer on a 1×1 map from an ordinary pool', mnist([{ type: 'avgpool', size: 28 }, { type: 'dense', units: 10 }]), /flatten or gap/],
    ['a conv after flatten', mnist([{ type: 'flatten' }, { type: 'conv2d', filters: 4, kernel: 3 }, ...head]), /already flat/],
    ['GAP after flatten', mnist([{ type: 'flatten' }, ...head]), /layer 2 \(GAP\).*already flat/],
    ['a dropout rate of 1', mnist([{ type: 'dropout', rate: 1 }, ...head]), /dropout rate must be at least 0 and below 1, got 1/],
    ['a negative dropout rate', mnist([{ type: 'dropout', rate: -0.1 }, ...head]), /dropout rate/],
    ['a NaN dropout rate', mnist([{ type: 'dropout', rate: Number.NaN }, ...head]), /dropout rate/],
    ['zero filters', mnist([{ type: 'conv2d', filters: 0, kernel: 3 }, ...head]), /filters must be a whole number of at least 1/],
    ['a fractional kernel', mnist([{ type: 'conv2d', filters: 4, kernel: 2.5 }, ...head]), /kernel must be a whole number/],
    ['a negative padding', mnist([{ type: 'conv2d', filters: 4, kernel: 3, padding: -1 }, ...head]), /padding must be a whole number of at least 0/],
    ['a zero stride', mnist([{ type: 'avgpool', size: 2, stride: 0 }, ...head]), /stride must be a whole number/],
    ['an empty input', { input: [1, 0, 28], classes: 10, layers: head }, /input height/],
    ['an unknown layer type', mnist([{ type: 'softmax' } as unknown as LayerSpec, ...head]), /layer 1 \(softmax\): unknown layer type/],
    ['an output that is not one score per class', mnist([{ type: 'conv2d', filters: 4, kernel: 3 }, ...head], 9), /ends with a 10 output per image, but it must end with 9 class scores/],
    ['an output that is still a map', mnist([{ type: 'conv2d', filters: 10, kernel: 28, padding: 1 }]), /ends with a 10×3×3 output per image/],
  ])('rejects %s', (_what, model, message) => {
    const call = () => inferShapes(model);
    expect(call).toThrow(GradSheetError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect((error as GradSheetError).code).toBe('INVALID_MODEL');
    }
  });
});
