import type { BackpropParameters, Pair, Weights } from '../backprop/parameters.js';
import { parseBackpropWorkbookRequest } from '../requests/backprop-workbook.js';
import { invalidInput } from '../errors.js';

/**
 * The teacher's key: who is on the roster and each student's parameters. It holds
 * no expected values: those follow from the parameters through the float64 engine,
 * and a copy of the key gives a student nothing the workbook does not show already.
 */

export const TEACHER_KEY_FORMAT = 'gradsheet-teacher-key';
export const TEACHER_KEY_VERSION = 1;

/** Rows of the Backprop table a student fills in. */
export const DEFAULT_EXERCISE_STEPS = 5;
export const MIN_EXERCISE_STEPS = 2;
export const MAX_EXERCISE_STEPS = 100;

export interface KeyStudent {
  readonly id: string;
  readonly name: string;
  /** The workbook's file name, as handed out. */
  readonly file: string;
  readonly parameters: BackpropParameters;
}

export interface TeacherKey {
  readonly format: typeof TEACHER_KEY_FORMAT;
  readonly version: typeof TEACHER_KEY_VERSION;
  readonly seed: number;
  readonly steps: number;
  readonly students: readonly KeyStudent[];
}

export function checkExerciseSteps(steps: number): number {
  if (!Number.isInteger(steps) || steps < MIN_EXERCISE_STEPS || steps > MAX_EXERCISE_STEPS) {
    throw invalidInput(`steps must be a whole number from ${MIN_EXERCISE_STEPS} to ${MAX_EXERCISE_STEPS}, got ${String(steps)}`);
  }
  return steps;
}

/** Checks a parsed key file field by field; throws INVALID_INPUT naming the first problem. */
export function parseTeacherKey(data: unknown): TeacherKey {
  const record = (value: unknown, where: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(`${where} must be an object`);
    return value as Record<string, unknown>;
  };
  const numbers = (value: unknown, count: number, where: string): number[] => {
    if (!Array.isArray(value) || value.length !== count || !value.every((x) => typeof x === 'number')) {
      throw invalidInput(`${where} must be ${count} numbers`);
    }
    return value as number[];
  };
  const root = record(data, 'the key');
  if (root.format !== TEACHER_KEY_FORMAT) throw invalidInput(`this is not a GradSheet key file (format is not "${TEACHER_KEY_FORMAT}")`);
  if (root.version !== TEACHER_KEY_VERSION) throw invalidInput(`key version ${String(root.version)} is not supported; this GradSheet reads version ${TEACHER_KEY_VERSION}`);
  if (typeof root.seed !== 'number') throw invalidInput('the key has no seed');
  const steps = checkExerciseSteps(root.steps as number);
  if (!Array.isArray(root.students) || root.students.length === 0) throw invalidInput('the key lists no students');
  const seen = new Set<string>();
  const students = root.students.map((entry, index): KeyStudent => {
    const s = record(entry, `student ${index + 1}`);
    if (typeof s.id !== 'string' || s.id === '' || typeof s.name !== 'string' || typeof s.file !== 'string') {
      throw invalidInput(`student ${index + 1} needs an id, a name and a file`);
    }
    if (seen.has(s.id)) throw invalidInput(`student id "${s.id}" appears twice in the key`);
    seen.add(s.id);
    const p = record(s.parameters, `the parameters of student "${s.id}"`);
    // The parser fills what is left out with the course's values; a key must hold every value itself.
    if (typeof p.learningRate !== 'number') throw invalidInput(`learningRate of "${s.id}" must be a number`);
    const checked = parseBackpropWorkbookRequest({
      steps,
      comparisonLearningRates: [1],
      learningRate: p.learningRate,
      inputs: numbers(p.inputs, 2, `inputs of "${s.id}"`) as unknown as Pair,
      targets: numbers(p.targets, 2, `targets of "${s.id}"`) as unknown as Pair,
      initialWeights: numbers(p.initialWeights, 8, `initialWeights of "${s.id}"`) as unknown as Weights,
    });
    const { learningRate, inputs, targets, initialWeights } = checked;
    return { id: s.id, name: s.name, file: s.file, parameters: { learningRate, inputs, targets, initialWeights } };
  });
  return { format: TEACHER_KEY_FORMAT, version: TEACHER_KEY_VERSION, seed: root.seed, steps, students };
}
