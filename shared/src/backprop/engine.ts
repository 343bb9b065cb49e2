import type { Pair, Weights } from './parameters.js';

/**
 * The float64 reference for the 2-2-2 sigmoid network. Every expression is evaluated
 * in the same order as the workbook formula that implements it, so a spreadsheet
 * engine working in IEEE doubles reproduces these numbers to the last few bits.
 */

/** All quantities of one step, computed from the weights at the start of the step. */
export interface StepQuantities {
  readonly h1: number;
  readonly aH1: number;
  readonly h2: number;
  readonly aH2: number;
  readonly o1: number;
  readonly aO1: number;
  readonly o2: number;
  readonly aO2: number;
  readonly e1: number;
  readonly e2: number;
  readonly eTotal: number;
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

/** Forward pass and chain-rule gradients for one set of weights. */
export function forwardBackward(w: Weights, inputs: Pair, targets: Pair): StepQuantities {
  const [w1, w2, w3, w4, w5, w6, w7, w8] = w;
  const [i1, i2] = inputs;
  const [t1, t2] = targets;
  const h1 = w1 * i1 + w2 * i2;
  const aH1 = sigmoid(h1);
  const h2 = w3 * i1 + w4 * i2;
  const aH2 = sigmoid(h2);
  const o1 = w5 * aH1 + w6 * aH2;
  const aO1 = sigmoid(o1);
  const o2 = w7 * aH1 + w8 * aH2;
  const aO2 = sigmoid(o2);
  const e1 = 0.5 * (t1 - aO1) ** 2;
  const e2 = 0.5 * (t2 - aO2) ** 2;
  const eTotal = e1 + e2;
  const gradients: Weights = [
    ((aO1 - t1) * aO1 * (1 - aO1) * w5 + (aO2 - t2) * aO2 * (1 - aO2) * w7) * aH1 * (1 - aH1) * i1,
    ((aO1 - t1) * aO1 * (1 - aO1) * w5 + (aO2 - t2) * aO2 * (1 - aO2) * w7) * aH1 * (1 - aH1) * i2,
    ((aO1 - t1) * aO1 * (1 - aO1) * w6 + (aO2 - t2) * aO2 * (1 - aO2) * w8) * aH2 * (1 - aH2) * i1,
    ((aO1 - t1) * aO1 * (1 - aO1) * w6 + (aO2 - t2) * aO2 * (1 - aO2) * w8) * aH2 * (1 - aH2) * i2,
    (aO1 - t1) * aO1 * (1 - aO1) * aH1,
    (aO1 - t1) * aO1 * (1 - aO1) * aH2,
    (aO2 - t2) * aO2 * (1 - aO2) * aH1,
    (aO2 - t2) * aO2 * (1 - aO2) * aH2,
  ];
  return { h1, aH1, h2, aH2, o1, aO1, o2, aO2, e1, e2, eTotal, gradients };
}

/** One gradient-descent update: w ← w − η·∂E_total/∂w, for all eight weights at once. */
export function descend(w: Weights, gradients: Weights, learningRate: number): Weights {
  return w.map((wk, k) => wk - learningRate * (gradients[k] as number)) as unknown as Weights;
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
