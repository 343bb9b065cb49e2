import { invalidInput } from '../errors.js';

/**
 * The rule of one request field, as data: the parsers check values against it, the
 * service builds its JSON schemas from it, and the CLI and the pane word their hints
 * from it. Messages name the field through a FieldNamer, so each edge names it its
 * own way (`--steps`, `body.steps`, the form's "Steps").
 */

/** A number within bounds; `above`/`below` make a bound exclusive. */
export interface NumberRule {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The value must be greater than `min` (not equal to it). */
  readonly above?: true;
  /** The value must be less than `max` (not equal to it). */
  readonly below?: true;
}

/** A list of numbers, each by `item`, of `minItems` to `maxItems` values. */
export interface ListRule {
  readonly kind: 'list';
  readonly item: NumberRule;
  readonly minItems: number;
  readonly maxItems: number;
}

export interface ChoiceRule<T extends string = string> {
  readonly kind: 'choice';
  readonly values: readonly T[];
}

export interface FlagRule {
  readonly kind: 'boolean';
}

export type FieldRule = NumberRule | ListRule | ChoiceRule | FlagRule;

/** How an edge names a request field in its messages. */
export type FieldNamer<F extends string> = (field: F) => string;

export const integerRule = (min: number, max: number): NumberRule => ({ kind: 'number', integer: true, min, max });

const en = (value: number) => value.toLocaleString('en-US');

/** The rule in words, after "must be": `a whole number from 1 to 50`, `a number greater than 0 and at most 10`. */
export function describeNumber(rule: NumberRule): string {
  if (rule.integer) return `a whole number from ${en(rule.min)} to ${en(rule.max)}`;
  const low = rule.above ? `greater than ${en(rule.min)}` : `at least ${en(rule.min)}`;
  const high = rule.below ? `below ${en(rule.max)}` : `at most ${en(rule.max)}`;
  return `a number ${low} and ${high}`;
}

/** The rule's bounds as a hint, e.g. `1 to 10,000` or `greater than 0`. */
export function numberHint(rule: NumberRule): string {
  if (rule.integer) return `${en(rule.min)} to ${en(rule.max)}`;
  return `${rule.above ? 'greater than' : 'at least'} ${en(rule.min)}, ${rule.below ? 'below' : 'at most'} ${en(rule.max)}`;
}

function inRange(value: number, rule: NumberRule): boolean {
  if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) return false;
  const low = rule.above ? value > rule.min : value >= rule.min;
  const high = rule.below ? value < rule.max : value <= rule.max;
  return low && high;
}

export function checkNumber(value: unknown, rule: NumberRule, name: string): number {
  if (typeof value !== 'number' || !inRange(value, rule)) throw invalidInput(`${name} must be ${describeNumber(rule)}, got ${show(value)}`);
  return value;
}

export function checkList(value: unknown, rule: ListRule, name: string): number[] {
  if (!Array.isArray(value)) throw invalidInput(`${name} must be a list of numbers, got ${show(value)}`);
  if (value.length < rule.minItems || value.length > rule.maxItems) {
    const count = rule.minItems === rule.maxItems ? `exactly ${rule.minItems}` : `${rule.minItems} to ${rule.maxItems}`;
    throw invalidInput(`${name} needs ${count} numbers, got ${value.length}`);
  }
  return value.map((item, index) => {
    if (typeof item !== 'number' || !inRange(item, rule.item)) {
      throw invalidInput(`${name}: value ${index + 1} must be ${describeNumber(rule.item)}, got ${show(item)}`);
    }
    return item;
  });
}

export function checkChoice<T extends string>(value: unknown, rule: ChoiceRule<T>, name: string): T {
  if (typeof value !== 'string' || !(rule.values as readonly string[]).includes(value)) {
    throw invalidInput(`${name} must be one of ${rule.values.join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

export function checkFlag(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidInput(`${name} must be true or false, got ${show(value)}`);
  return value;
}

/** A value as a message quotes it: numbers as written, text in quotes, long values cut. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 40 ? `${json.slice(0, 40)}…` : json;
}
