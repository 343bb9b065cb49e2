import { UsageError } from './usage-error.js';

/** A number written in full: "0.5", "-2", "1e-3". Rejects "", "abc", "0x10", "Infinity". */
export function parseNumber(flag: string, text: string): number {
  const trimmed = text.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) {
    throw new UsageError(`${flag}: "${text}" is not a number`);
  }
  return Number(trimmed);
}

/** A comma-separated list of numbers, optionally of an exact length. */
export function parseNumberList(flag: string, text: string, expected?: number): number[] {
  const values = text.split(',').map((part) => parseNumber(flag, part));
  if (expected !== undefined && values.length !== expected) {
    throw new UsageError(`${flag} needs exactly ${expected} comma-separated numbers, got ${values.length}`);
  }
  return values;
}

/** A whole number within bounds. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = parseNumber(flag, text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${text}"`);
  }
  return value;
}
