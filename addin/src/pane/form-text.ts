import { invalidInput } from '@gradsheet/shared';

/**
 * A form field's text as values, and nothing more: the request parsers in shared
 * check the values, naming each field as the form labels it.
 */

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number written in full: "0.5", "-2", "1e-3"; `name` names the field in the message. */
export function formNumber(name: string, text: string): number {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) throw invalidInput(`${name}: “${trimmed}” is not a number`);
  return Number(trimmed);
}

/** Comma-separated numbers. */
export function formNumbers(name: string, text: string): number[] {
  return text.split(',').map((part) => formNumber(name, part));
}
