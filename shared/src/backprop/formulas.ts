import { assertState } from '../errors.js';

/**
 * Excel formula text for each quantity of the network, written over "symbol
 * references" (a cell address or a defined name per symbol). The Backprop sheet,
 * the LR Runs sheet and the Derivation sheet all build their formulas here, so the
 * maths exists once in formula form, mirroring engine.ts term by term.
 */

/** Where each symbol lives, as formula text (e.g. "B2", "Input_i1"). */
export interface NetworkRefs {
  readonly w: readonly [string, string, string, string, string, string, string, string];
  readonly i1: string;
  readonly i2: string;
  readonly t1: string;
  readonly t2: string;
  readonly aH1: string;
  readonly aH2: string;
  readonly aO1: string;
  readonly aO2: string;
}

/** 1/(1+EXP(-x)); `x` is wrapped in parentheses unless it is a plain reference. */
export function sigmoidFormula(x: string): string {
  return `1/(1+EXP(-${isPlainReference(x) ? x : `(${x})`}))`;
}

export function hiddenNetInputFormula(unit: 1 | 2, r: Pick<NetworkRefs, 'w' | 'i1' | 'i2'>): string {
  const [wa, wb] = unit === 1 ? [r.w[0], r.w[1]] : [r.w[2], r.w[3]];
  return `${wa}*${r.i1}+${wb}*${r.i2}`;
}

export function outputNetInputFormula(unit: 1 | 2, r: Pick<NetworkRefs, 'w' | 'aH1' | 'aH2'>): string {
  const [wa, wb] = unit === 1 ? [r.w[4], r.w[5]] : [r.w[6], r.w[7]];
  return `${wa}*${r.aH1}+${wb}*${r.aH2}`;
}

/** E_k = ½(t_k − a_ok)². */
export function errorFormula(target: string, output: string): string {
  return `0.5*(${target}-${output})^2`;
}

/** δ of an output unit: ∂E_k/∂a_ok · ∂a_ok/∂o_k = (a_ok − t_k)·a_ok·(1 − a_ok). */
function outputDelta(output: string, target: string): string {
  return `(${output}-${target})*${output}*(1-${output})`;
}

/**
 * ∂E_total/∂w_k for k = 1..8, the chain rule written out as in the course:
 * output weights: δ_o · a_h; hidden weights: (δ_o1·w_a + δ_o2·w_b) · a_h(1 − a_h) · i.
 */
export function gradientFormula(k: number, r: NetworkRefs): string {
  const d1 = outputDelta(r.aO1, r.t1);
  const d2 = outputDelta(r.aO2, r.t2);
  const [, , , , w5, w6, w7, w8] = r.w;
  switch (k) {
    case 1:
      return `(${d1}*${w5}+${d2}*${w7})*${r.aH1}*(1-${r.aH1})*${r.i1}`;
    case 2:
      return `(${d1}*${w5}+${d2}*${w7})*${r.aH1}*(1-${r.aH1})*${r.i2}`;
    case 3:
      return `(${d1}*${w6}+${d2}*${w8})*${r.aH2}*(1-${r.aH2})*${r.i1}`;
    case 4:
      return `(${d1}*${w6}+${d2}*${w8})*${r.aH2}*(1-${r.aH2})*${r.i2}`;
    case 5:
      return `${d1}*${r.aH1}`;
    case 6:
      return `${d1}*${r.aH2}`;
    case 7:
      return `${d2}*${r.aH1}`;
    case 8:
      return `${d2}*${r.aH2}`;
    default:
      assertState(false, `there are eight weights; asked for w${k}`);
  }
}

/** w ← w − η·∂E_total/∂w; the gradient is parenthesised so η multiplies it whole, as in the engine. */
export function updateFormula(weight: string, learningRate: string, gradient: string): string {
  return `${weight}-${learningRate}*${isPlainReference(gradient) ? gradient : `(${gradient})`}`;
}

function isPlainReference(text: string): boolean {
  return /^(?:'[^']+'!|[A-Za-z_][A-Za-z0-9_]*!)?(?:\$?[A-Za-z_][A-Za-z0-9_.]*\$?\d*|R(?:\[-?\d+\]|\d+)?C(?:\[-?\d+\]|\d+)?)$/.test(text);
}
