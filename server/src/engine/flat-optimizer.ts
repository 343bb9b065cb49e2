import type { OptimizerName } from '@gradsheet/shared';

/**
 * The optimiser step over every trainable weight at once, in one pass over flat
 * arrays: the same updates as tfjs' `tf.train.momentum` and `tf.train.adam`, which
 * spend four to nine tensor operations per weight tensor (each a kernel run and its
 * bookkeeping), about a third of a small model's kernel runs per step.
 */
export interface FlatOptimizer {
  /**
   * Updates `weights` (the trainable ones, laid out as `gradients` are) from the
   * replicas' gradients, each weighted by `shares[i]` (they sum to 1): their mean.
   */
  step(weights: Float32Array, gradients: readonly Float32Array[], shares: readonly number[], lr: number): void;
}

export interface OptimizerOptions {
  readonly optimizer: OptimizerName;
  readonly momentum: number;
}

/** tfjs' float32 epsilon, which its Adam adds to √v̂. */
const ADAM_EPSILON = 1e-7;
const BETA1 = 0.9;
const BETA2 = 0.999;

export function flatOptimizer(options: OptimizerOptions, size: number): FlatOptimizer {
  return options.optimizer === 'adam' ? new FlatAdam(size) : new FlatMomentum(options.momentum, size);
}

/** v ← μ·v + g; w ← w − lr·v (tfjs' and PyTorch's SGD with momentum, without Nesterov). */
class FlatMomentum implements FlatOptimizer {
  private readonly velocity: Float32Array;

  constructor(
    private readonly momentum: number,
    size: number,
  ) {
    this.velocity = new Float32Array(size);
  }

  step(weights: Float32Array, gradients: readonly Float32Array[], shares: readonly number[], lr: number): void {
    const v = this.velocity;
    const mu = this.momentum;
    const [g0, g1] = gradients;
    if (gradients.length === 1 && g0) {
      for (let i = 0; i < v.length; i++) {
        const next = mu * (v[i] as number) + (g0[i] as number);
        v[i] = next;
        weights[i] = (weights[i] as number) - lr * next;
      }
    } else if (gradients.length === 2 && g0 && g1) {
      const [s0, s1] = shares as [number, number];
      for (let i = 0; i < v.length; i++) {
        const next = mu * (v[i] as number) + ((g0[i] as number) * s0 + (g1[i] as number) * s1);
        v[i] = next;
        weights[i] = (weights[i] as number) - lr * next;
      }
    } else {
      for (let i = 0; i < v.length; i++) {
        const next = mu * (v[i] as number) + meanAt(gradients, shares, i);
        v[i] = next;
        weights[i] = (weights[i] as number) - lr * next;
      }
    }
  }
}

/** Adam as tfjs has it: bias-corrected moments, ε = 1e-7 added to √v̂. */
class FlatAdam implements FlatOptimizer {
  private readonly first: Float32Array;
  private readonly second: Float32Array;
  private steps = 0;

  constructor(size: number) {
    this.first = new Float32Array(size);
    this.second = new Float32Array(size);
  }

  step(weights: Float32Array, gradients: readonly Float32Array[], shares: readonly number[], lr: number): void {
    this.steps += 1;
    const correct1 = 1 - BETA1 ** this.steps;
    const correct2 = 1 - BETA2 ** this.steps;
    const { first: m, second: v } = this;
    for (let i = 0; i < m.length; i++) {
      const g = meanAt(gradients, shares, i);
      const mi = BETA1 * (m[i] as number) + (1 - BETA1) * g;
      const vi = BETA2 * (v[i] as number) + (1 - BETA2) * g * g;
      m[i] = mi;
      v[i] = vi;
      weights[i] = (weights[i] as number) - (lr * (mi / correct1)) / (Math.sqrt(vi / correct2) + ADAM_EPSILON);
    }
  }
}

function meanAt(gradients: readonly Float32Array[], shares: readonly number[], i: number): number {
  let sum = 0;
  for (let r = 0; r < gradients.length; r++) sum += ((gradients[r] as Float32Array)[i] as number) * (shares[r] as number);
  return sum;
}
