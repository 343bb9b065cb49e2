import { assertState } from '../errors.js';
import type { Pair, Weights } from './parameters.js';

/**
 * The float64 reference for the 2-2-2 sigmoid network. Every expression is evaluated
 * in the same order as the workbook formula that implements it, so a spreadsheet
 * engine working in IEEE doubles reproduces these numbers to the last few bits.
 */

/** The forward quantities, in the order they are computed. */
export const FORWARD_QUANTITIES = ['h1', 'aH1', 'h2', 'aH2', 'o1', 'aO1', 'o2', 'aO2', 'e1', 'e2', 'eTotal'] as const;
export type ForwardQuantity = (typeof FORWARD_QUANTITIES)[number];

/** Every forward quantity of one step, by name. */
export type ForwardValues = { readonly [Q in ForwardQuantity]: number };

/** All quantities of one step, computed from the weights at the start of the step. */
export interface StepQuantities extends ForwardValues {
  /** ∂E_total/∂w1 .. ∂E_total/∂w8. */
  readonly gradients: Weights;
}

export interface StepRecord extends StepQuantities {
  readonly step: number;
  /** Weights at the start of the step, before its update. */
  readonly weights: Weights;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Everything one quantity of a step may depend on. The forward pass fills it in
 * order; grading fills it with a learner's own cells, so each quantity can be
 * recomputed from the values the learner actually had upstream.
 */
export interface NetworkValues extends Omit<ForwardValues, 'eTotal'> {
  readonly w: Weights;
  readonly i1: number;
  readonly i2: number;
  readonly t1: number;
  readonly t2: number;
}

/** Each forward quantity from the values it depends on directly (one definition, used by the pass and by grading). */
export const FORWARD_RULES: Readonly<Record<ForwardQuantity, (v: NetworkValues) => number>> = {
  h1: (v) => v.w[0] * v.i1 + v.w[1] * v.i2,
  aH1: (v) => sigmoid(v.h1),
  h2: (v) => v.w[2] * v.i1 + v.w[3] * v.i2,
  aH2: (v) => sigmoid(v.h2),
  o1: (v) => v.w[4] * v.aH1 + v.w[5] * v.aH2,
  aO1: (v) => sigmoid(v.o1),
  o2: (v) => v.w[6] * v.aH1 + v.w[7] * v.aH2,
  aO2: (v) => sigmoid(v.o2),
  e1: (v) => 0.5 * (v.t1 - v.aO1) ** 2,
  e2: (v) => 0.5 * (v.t2 - v.aO2) ** 2,
  eTotal: (v) => v.e1 + v.e2,
};

/** ∂E_total/∂w_k (k = 1..8) from the activations, targets, inputs and weights, as the chain rule writes it. */
export function gradientRule(k: number, v: NetworkValues): number {
  const [, , , , w5, w6, w7, w8] = v.w;
  const { aH1, aH2, aO1, aO2, t1, t2, i1, i2 } = v;
  switch (k) {
    case 1:
      return ((aO1 - t1) * aO1 * (1 - aO1) * w5 + (aO2 - t2) * aO2 * (1 - aO2) * w7) * aH1 * (1 - aH1) * i1;
    case 2:
      return ((aO1 - t1) * aO1 * (1 - aO1) * w5 + (aO2 - t2) * aO2 * (1 - aO2) * w7) * aH1 * (1 - aH1) * i2;
    case 3:
      return ((aO1 - t1) * aO1 * (1 - aO1) * w6 + (aO2 - t2) * aO2 * (1 - aO2) * w8) * aH2 * (1 - aH2) * i1;
    case 4:
      return ((aO1 - t1) * aO1 * (1 - aO1) * w6 + (aO2 - t2) * aO2 * (1 - aO2) * w8) * aH2 * (1 - aH2) * i2;
    case 5:
      return (aO1 - t1) * aO1 * (1 - aO1) * aH1;
    case 6:
      return (aO1 - t1) * aO1 * (1 - aO1) * aH2;
    case 7:
      return (aO2 - t2) * aO2 * (1 - aO2) * aH1;
    case 8:
      return (aO2 - t2) * aO2 * (1 - aO2) * aH2;
    default:
      assertState(false, `there are eight weights; asked for w${k}`);
  }
}

/** w ← w − η·∂E_total/∂w for one weight. */
export function updateRule(weight: number, learningRate: number, gradient: number): number {
  return weight - learningRate * gradient;
}

/** Forward pass and chain-rule gradients for one set of weights. */
export function forwardBackward(w: Weights, inputs: Pair, targets: Pair): StepQuantities {
  // Filled in computation order: each rule reads only quantities computed before it.
  const v: { -readonly [K in keyof NetworkValues]: NetworkValues[K] } & { eTotal: number } = {
    w,
    i1: inputs[0],
    i2: inputs[1],
    t1: targets[0],
    t2: targets[1],
    h1: NaN,
    aH1: NaN,
    h2: NaN,
    aH2: NaN,
    o1: NaN,
    aO1: NaN,
    o2: NaN,
    aO2: NaN,
    e1: NaN,
    e2: NaN,
    eTotal: NaN,
  };
  for (const quantity of FORWARD_QUANTITIES) v[quantity] = FORWARD_RULES[quantity](v);
  const gradients = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => gradientRule(k, v)) as unknown as Weights;
  const { h1, aH1, h2, aH2, o1, aO1, o2, aO2, e1, e2, eTotal } = v;
  return { h1, aH1, h2, aH2, o1, aO1, o2, aO2, e1, e2, eTotal, gradients };
}

/** One gradient-descent update: w ← w − η·∂E_total/∂w, for all eight weights at once. */
export function descend(w: Weights, gradients: Weights, learningRate: number): Weights {
  return w.map((wk, k) => updateRule(wk, learningRate, gradients[k] as number)) as unknown as Weights;
}

/** Runs `steps` rows (steps 0 .. steps-1); each row holds the weights before that step's update. */
export function runBackprop(
  initialWeights: Weights,
  inputs: Pair,
  targets: Pair,
  learningRate: number,
  steps: number,
): StepRecord[] {
  const records: StepRecord[] = [];
  let weights = initialWeights;
  for (let step = 0; step < steps; step++) {
    const quantities = forwardBackward(weights, inputs, targets);
    records.push({ step, weights, ...quantities });
    weights = descend(weights, quantities.gradients, learningRate);
  }
  return records;
}
