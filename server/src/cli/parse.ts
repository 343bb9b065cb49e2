import { checkNumber, invalidInput, type NumberRule } from '@gradsheet/shared';

/**
 * Flag text to values, and nothing more: the request parsers in shared check the
 * values, naming each flag as the command line spells it.
 */

/** A number written in full: "0.5", "-2", "1e-3". Rejects "", "abc", "0x10", "Infinity". */
export function parseNumber(flag: string, text: string): number {
  const trimmed = text.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) {
    throw invalidInput(`${flag}: "${text}" is not a number`);
  }
  return Number(trimmed);
}

/** A comma-separated list of numbers. */
export function parseNumberList(flag: string, text: string): number[] {
  return text.split(',').map((part) => parseNumber(flag, part));
}

/** A number held to a rule, for flags that are not part of a request (ports, seeds of the exercises). */
export function parseBounded(flag: string, text: string, rule: NumberRule): number {
  return checkNumber(parseNumber(flag, text), rule, flag);
}
