import { forwardBackward } from '../backprop/engine.js';
import { DEFAULT_BACKPROP_PARAMETERS, type BackpropParameters, type Pair, type Weights } from '../backprop/parameters.js';
import { assertState, invalidInput } from '../errors.js';
import { seededRandom, uniform, type Random } from '../random.js';

/**
 * Each student's own starting point, derived from (seed, student id) alone, so the
 * same roster and seed always give the same workbooks, and no two students share
 * one answer. Values have two decimals, like the course's, so a learner can read
 * and type them.
 */

/** Ranges in the spirit of the course (inputs 0.05 and 0.1, weights 0.15 to 0.55, targets 0.01 and 0.99). */
export const STUDENT_RANGES = {
  inputs: [0.05, 0.95],
  targets: [0.05, 0.95],
  weights: [0.05, 0.95],
} as const;

/** Every output must start this far from its target, so that the gradients have something to say. */
const MIN_START_ERROR = 0.05;

/** FNV-1a over the UTF-16 code units of `text`: a stable 32-bit hash with no dependencies. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function twoDecimals(random: Random, [low, high]: readonly [number, number]): number {
  return Math.round(uniform(random, low, high) * 100) / 100;
}

/** Candidate `attempt` for a student; attempts after 0 are only needed to avoid a collision or a degenerate start. */
function candidate(seed: number, studentId: string, attempt: number): BackpropParameters {
  const random = seededRandom(stableHash(`${seed}\u0000${studentId}\u0000${attempt}`));
  const pair = (range: readonly [number, number]): Pair => {
    const first = twoDecimals(random, range);
    let second = twoDecimals(random, range);
    while (second === first) second = twoDecimals(random, range);
    return [first, second];
  };
  const inputs = pair(STUDENT_RANGES.inputs);
  const targets = pair(STUDENT_RANGES.targets);
  const initialWeights = Array.from({ length: 8 }, () => twoDecimals(random, STUDENT_RANGES.weights)) as unknown as Weights;
  return { learningRate: DEFAULT_BACKPROP_PARAMETERS.learningRate, inputs, targets, initialWeights };
}

function isSensible(p: BackpropParameters): boolean {
  const start = forwardBackward(p.initialWeights, p.inputs, p.targets);
  return Math.abs(p.targets[0] - start.aO1) >= MIN_START_ERROR && Math.abs(p.targets[1] - start.aO2) >= MIN_START_ERROR;
}

/** A string that is equal for equal parameter sets. */
export function parameterFingerprint(p: BackpropParameters): string {
  return [p.learningRate, ...p.inputs, ...p.targets, ...p.initialWeights].join(',');
}

const MAX_ATTEMPTS = 1000;

/**
 * The parameters of every student on a roster, in roster order. A student whose
 * first candidate collides with an earlier student's, or starts too close to its
 * targets, takes the next candidate of its own sequence, so the result depends only
 * on the seed and the ids (and, in a collision, on the roster order).
 */
export function rosterParameters(seed: number, studentIds: readonly string[]): Map<string, BackpropParameters> {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw invalidInput(`the seed must be a whole number from 0 to ${0xffffffff}, got ${String(seed)}`);
  }
  const taken = new Set<string>();
  const result = new Map<string, BackpropParameters>();
  for (const id of studentIds) {
    if (result.has(id)) throw invalidInput(`student id "${id}" appears twice`);
    let parameters: BackpropParameters | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !parameters; attempt++) {
      const next = candidate(seed, id, attempt);
      if (isSensible(next) && !taken.has(parameterFingerprint(next))) parameters = next;
    }
    // Parameters are drawn from a space of billions: a clash every attempt cannot happen.
    assertState(parameters, `distinct parameters for student "${id}" within ${MAX_ATTEMPTS} attempts`);
    taken.add(parameterFingerprint(parameters));
    result.set(id, parameters);
  }
  return result;
}
