import * as tf from '@tensorflow/tfjs';
import { assertState } from '@gradsheet/shared';
import { BATCH_NORM_GRAD, BATCH_NORM_KERNELS, BATCH_NORM_TRAIN } from './kernels/batch-norm.js';
import { kernelSet } from './kernels/kernel-set.js';

const EPSILON = 1e-5;
/** PyTorch's default: the running statistics move 10% of the way to each batch's. */
const MOMENTUM = 0.1;

/**
 * BatchNorm over the channels of an NHWC tensor as one operation with a closed-form
 * backward. tfjs' layer builds its gradient from dozens of small ops (about half
 * of a training step on wasm); this needs a handful of reductions and element-wise
 * ops. Weights, in order: gamma, beta, moving mean, moving variance (as tfjs).
 * With `relu`, the ReLU that follows is part of the layer: on GradSheet's kernels
 * that saves three more element-wise passes each way.
 */
export class FusedBatchNorm extends tf.layers.Layer {
  static className = 'GradSheetFusedBatchNorm';
  /** 'ops' forces the tfjs-ops path, which backends without GradSheet's kernels use. */
  private readonly implementation: 'auto' | 'ops';
  private readonly relu: boolean;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;

  constructor(options: { implementation?: 'auto' | 'ops'; relu?: boolean } = {}) {
    super({});
    this.implementation = options.implementation ?? 'auto';
    this.relu = options.relu ?? false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    assertState(typeof channels === 'number', 'FusedBatchNorm is built with a known channel count');
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const gamma = this.gamma.read();
    const beta = this.beta.read();
    if (!kwargs.training) {
      return this.activate(tf.batchNorm(x, this.movingMean.read(), this.movingVariance.read(), beta, gamma, EPSILON));
    }
    const count = x.size / (x.shape[x.shape.length - 1] as number);
    return this.implementation === 'auto' && hasBatchNormKernels() ? this.trainWithKernels(x, gamma, beta) : this.activate(this.trainWithOps(x, gamma, beta, count));
  }

  private activate(y: tf.Tensor): tf.Tensor {
    return this.relu ? tf.relu(y) : y;
  }

  /** Two passes forward and two backward, in GradSheet's kernels (wasm, cpu). */
  private trainWithKernels(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    const normalise = tf.customGrad((input, g, b, save) => {
      const attrs = { epsilon: EPSILON, relu: this.relu, momentum: MOMENTUM };
      const [y, mean, variance, movingMean, movingVariance] = tf.engine().runKernel(
        BATCH_NORM_TRAIN,
        { x: input as tf.Tensor, gamma: g as tf.Tensor, beta: b as tf.Tensor, movingMean: this.movingMean.read(), movingVariance: this.movingVariance.read() },
        attrs,
      ) as tf.Tensor[];
      this.movingMean.write(movingMean as tf.Tensor);
      this.movingVariance.write(movingVariance as tf.Tensor);
      (save as tf.GradSaveFunc)([input as tf.Tensor, g as tf.Tensor, mean as tf.Tensor, variance as tf.Tensor, y as tf.Tensor]);
      return {
        value: y as tf.Tensor,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [savedX, savedGamma, savedMean, savedVariance, savedY] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          return tf.engine().runKernel(
            BATCH_NORM_GRAD,
            { dy, x: savedX, gamma: savedGamma, mean: savedMean, variance: savedVariance, y: savedY },
            attrs,
          ) as tf.Tensor[];
        },
      };
    });
    return normalise(x, gamma, beta) as tf.Tensor;
  }

  /** The same maths in tfjs ops, for backends without GradSheet's kernels (webgpu, tfjs-node). */
  private trainWithOps(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, count: number): tf.Tensor {
    const axes = x.shape.map((_, i) => i).slice(0, -1);
    const normalise = tf.customGrad((input, g, b, save) => {
      const xIn = input as tf.Tensor;
      const { mean, variance } = tf.moments(xIn, axes);
      const invStd = tf.rsqrt(variance.add(EPSILON));
      const xHat = xIn.sub(mean).mul(invStd);
      this.updateMovingStatistics(mean, variance, count);
      (save as tf.GradSaveFunc)([xHat, invStd, g as tf.Tensor]);
      return {
        value: xHat.mul(g as tf.Tensor).add(b as tf.Tensor),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [savedXHat, savedInvStd, savedGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          const dBeta = dy.sum(axes);
          const dGamma = dy.mul(savedXHat).sum(axes);
          const dx = dy
            .mul(count)
            .sub(dBeta)
            .sub(savedXHat.mul(dGamma))
            .mul(savedGamma.mul(savedInvStd).div(count));
          return [dx, dGamma, dBeta];
        },
      };
    });
    return normalise(x, gamma, beta) as tf.Tensor;
  }

  private updateMovingStatistics(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const unbiased = variance.mul(count / Math.max(1, count - 1));
    this.movingMean.write(tf.tidy(() => this.movingMean.read().mul(1 - MOMENTUM).add(mean.mul(MOMENTUM))));
    this.movingVariance.write(tf.tidy(() => this.movingVariance.read().mul(1 - MOMENTUM).add(unbiased.mul(MOMENTUM))));
  }
}

const hasBatchNormKernels = kernelSet(BATCH_NORM_KERNELS, BATCH_NORM_TRAIN);
