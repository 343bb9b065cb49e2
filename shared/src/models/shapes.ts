import { invalidModel } from '../errors.js';
import { layerPlace, layerTypeName } from './layer-types.js';
import type { LayerSpec, ModelSpec } from './spec.js';

/** Shape of one image's tensor, batch left out: [channels, height, width], or [features] once flat. */
export type TensorShape = readonly [number, number, number] | readonly [number];

/** What shape inference needs from a model. */
export type ModelShapeInput = Pick<ModelSpec, 'input' | 'classes' | 'layers'>;

export interface LayerShape {
  /** Position of the layer in the model's list, from 0. */
  readonly index: number;
  readonly layer: LayerSpec;
  readonly inputShape: TensorShape;
  readonly outputShape: TensorShape;
  /** Trainable parameters, as torchsummary counts them: BatchNorm's running statistics are buffers, not parameters. */
  readonly params: number;
  /** Side, in input pixels, of the square one output value depends on. */
  readonly receptiveField: number;
  /** Input pixels between neighbouring output values: the product of the strides so far. */
  readonly jump: number;
}

interface State {
  readonly shape: TensorShape;
  readonly receptiveField: number;
  readonly jump: number;
  /** The receptive field of a layer that mixes every position of this tensor (gap, or dense after flatten). */
  readonly wholeField: number;
  /** Spatially 1×1 because of global pooling, so a dense layer may read it directly. */
  readonly globallyPooled: boolean;
}

/**
 * Each layer's output shape, parameter count and receptive field, in order.
 * Throws GradSheetError INVALID_MODEL, naming the layer, for a model that cannot be built.
 */
export function inferShapes(model: ModelShapeInput): LayerShape[] {
  const [channels, height, width] = model.input;
  for (const [what, value] of [['input channels', channels], ['input height', height], ['input width', width], ['classes', model.classes]] as const) {
    requireWhole(value, 1, what);
  }
  const inputSide = Math.max(height, width);
  let state: State = {
    shape: [channels, height, width],
    receptiveField: 1,
    jump: 1,
    wholeField: inputSide,
    globallyPooled: false,
  };
  const shapes = model.layers.map((layer, index) => {
    if (typeof layer !== 'object' || layer === null) throw invalidModel(`layer ${index + 1} is not a layer spec`);
    const where = layerPlace(index, layerTypeName(layer.type));
    const { next, params } = applyLayer(layer, state, where, inputSide);
    const row: LayerShape = {
      index,
      layer,
      inputShape: state.shape,
      outputShape: next.shape,
      params,
      receptiveField: next.receptiveField,
      jump: next.jump,
    };
    state = next;
    return row;
  });
  const values = state.shape.reduce((a, b) => a * b, 1);
  const spatial = state.shape.length === 3 ? state.shape[1] * state.shape[2] : 1;
  if (values !== model.classes || spatial !== 1) {
    throw invalidModel(`the model ends with a ${describeShape(state.shape)} output per image, but it must end with ${model.classes} class scores`);
  }
  return shapes;
}

/** Total trainable parameters. */
export function countParams(model: ModelShapeInput): number {
  return inferShapes(model).reduce((sum, row) => sum + row.params, 0);
}

function applyLayer(layer: LayerSpec, state: State, where: string, inputSide: number): { next: State; params: number } {
  const { shape } = state;
  switch (layer.type) {
    case 'conv2d': {
      const [cin, h, w] = featureMap(shape, where);
      const filters = requireWhole(layer.filters, 1, `${where}: filters`);
      const kernel = requireWhole(layer.kernel, 1, `${where}: kernel`);
      const stride = requireWhole(layer.stride ?? 1, 1, `${where}: stride`);
      const padding = requireWhole(layer.padding ?? 0, 0, `${where}: padding`);
      const outH = slide(h, kernel, stride, padding, where);
      const outW = slide(w, kernel, stride, padding, where);
      const params = kernel * kernel * cin * filters + (layer.bias ?? true ? filters : 0);
      return { next: spatialState(state, [filters, outH, outW], kernel, stride, inputSide), params };
    }
    case 'maxpool':
    case 'avgpool': {
      const [c, h, w] = featureMap(shape, where);
      const size = requireWhole(layer.size, 1, `${where}: size`);
      // PyTorch pools step by their own size unless told otherwise.
      const stride = requireWhole(layer.stride ?? size, 1, `${where}: stride`);
      const out: TensorShape = [c, slide(h, size, stride, 0, where), slide(w, size, stride, 0, where)];
      return { next: spatialState(state, out, size, stride, inputSide), params: 0 };
    }
    case 'gap': {
      const [c] = featureMap(shape, where);
      return {
        next: { shape: [c, 1, 1], receptiveField: state.wholeField, jump: state.jump, wholeField: state.wholeField, globallyPooled: true },
        params: 0,
      };
    }
    case 'flatten': {
      const features = shape.reduce((a, b) => a * b, 1);
      return { next: { ...state, shape: [features], globallyPooled: false }, params: 0 };
    }
    case 'dense': {
      if (shape.length === 3 && !state.globallyPooled) {
        throw invalidModel(`${where}: a dense layer needs a flat input, got ${describeShape(shape)}; put a flatten or gap layer before it`);
      }
      const inputs = shape[0];
      const units = requireWhole(layer.units, 1, `${where}: units`);
      const params = inputs * units + (layer.bias ?? true ? units : 0);
      // Every output reads every input position, so it sees all the input that any position saw.
      const field = state.wholeField;
      return { next: { shape: [units], receptiveField: field, jump: state.jump, wholeField: field, globallyPooled: false }, params };
    }
    case 'batchnorm':
      // γ and β per channel (or feature); the running mean and variance are buffers.
      return { next: state, params: 2 * shape[0] };
    case 'dropout':
      if (typeof layer.rate !== 'number' || !(layer.rate >= 0 && layer.rate < 1)) {
        throw invalidModel(`${where}: dropout rate must be at least 0 and below 1, got ${String(layer.rate)}`);
      }
      return { next: state, params: 0 };
    case 'relu':
      return { next: state, params: 0 };
    default:
      throw invalidModel(`${where}: unknown layer type`);
  }
}

/** After a sliding window of `kernel` at `stride`: the RF grows by (k − 1)·jump and the jump multiplies by the stride. */
function spatialState(state: State, shape: TensorShape, kernel: number, stride: number, inputSide: number): State {
  const receptiveField = state.receptiveField + (kernel - 1) * state.jump;
  const jump = state.jump * stride;
  const side = Math.max(shape[1] ?? 1, shape[2] ?? 1);
  // A layer over the whole map spans (side − 1) more jumps; never less than the input, which it covers.
  const wholeField = Math.max(receptiveField + (side - 1) * jump, inputSide);
  return { shape, receptiveField, jump, wholeField, globallyPooled: false };
}

/** PyTorch's output length: floor((n + 2p − k) / s) + 1. */
function slide(size: number, kernel: number, stride: number, padding: number, where: string): number {
  const out = Math.floor((size + 2 * padding - kernel) / stride) + 1;
  if (out <= 0) {
    throw invalidModel(`${where}: kernel ${kernel} with padding ${padding} does not fit an input of ${size}, so the output would be ${out}`);
  }
  return out;
}

function featureMap(shape: TensorShape, where: string): readonly [number, number, number] {
  if (shape.length !== 3) {
    throw invalidModel(`${where}: needs a [channels, height, width] input, but the tensor is already flat (${describeShape(shape)})`);
  }
  return shape;
}

function requireWhole(value: unknown, min: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalidModel(`${what} must be a whole number of at least ${min}, got ${String(value)}`);
  }
  return value;
}

function describeShape(shape: TensorShape): string {
  return shape.join('×');
}

