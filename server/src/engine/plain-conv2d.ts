import * as tf from '@tensorflow/tfjs';
import { assertState } from '@gradsheet/shared';
import { conv2dWithBias } from './kernels/conv2d.js';

/** tfjs' initialiser class, which its public API returns but does not name. */
type Initializer = ReturnType<typeof tf.initializers.zeros>;

export interface PlainConv2DOptions {
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  /** 'same', 'valid', or zeros on each side (PyTorch's numeric padding). */
  readonly padding: 'same' | 'valid' | number;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
}

/**
 * A 2-D convolution (NHWC) through tf.conv2d. tfjs' own conv2d layer goes through its
 * fused op, whose gradient computes the input's gradient even where nothing needs
 * it: for the first layer, the gradient of the images, about a tenth of a training
 * step at one input channel. tf.conv2d's gradient is computed per input, on demand,
 * and so is that of GradSheet's convolution with its bias (on wasm, one pass).
 * Weights as tfjs' layer: kernel [k, k, in, filters], then the bias if any.
 */
export class PlainConv2D extends tf.layers.Layer {
  static className = 'GradSheetConv2D';
  private kernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;

  constructor(private readonly options: PlainConv2DOptions) {
    super({});
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    // buildModel gives convolutions NHWC maps, GAP's vectors included (as 1×1 maps).
    assertState(shape.length === 4 && typeof channels === 'number', `PlainConv2D is built on an NHWC map with known channels, not [${shape.join(', ')}]`);
    const { kernelSize, filters } = this.options;
    this.kernel = this.addWeight('kernel', [kernelSize, kernelSize, channels, filters], 'float32', this.options.kernelInitializer);
    if (this.options.useBias) this.bias = this.addWeight('bias', [filters], 'float32', this.options.biasInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const [batch, height, width] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const { kernelSize, strides, padding, filters } = this.options;
    const pad = typeof padding === 'number' ? padding : 0;
    const side = (size: number | null | undefined) =>
      size == null ? null : padding === 'same' ? Math.ceil(size / strides) : Math.floor((size + 2 * pad - kernelSize) / strides) + 1;
    return [batch ?? null, side(height), side(width), filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const kernel = this.kernel.read() as tf.Tensor4D;
    const { strides, padding } = this.options;
    if (this.bias) return conv2dWithBias(x, kernel, this.bias.read() as tf.Tensor1D, strides, padding);
    return tf.conv2d(x, kernel, strides, padding);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { filters, kernelSize, strides, padding, useBias } = this.options;
    return { ...super.getConfig(), filters, kernelSize, strides, padding, useBias };
  }
}
