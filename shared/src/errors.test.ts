import { describe, expect, it } from 'vitest';
import { assertState, ERROR_CODES, ERROR_TABLE, errorCodeOf, GradSheetError } from './errors.js';

describe('the error table', () => {
  it('gives every code a kind and a meaning', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(10);
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(['input', 'not-found', 'conflict', 'unavailable', 'internal']).toContain(ERROR_TABLE[code].kind);
      expect(ERROR_TABLE[code].meaning).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('carries the code, its kind and the details', () => {
    const error = new GradSheetError('NAMES_TAKEN', 'already taken', { sheets: ['Parameters'] });
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ sheets: ['Parameters'] });
    expect(errorCodeOf(error)).toBe('NAMES_TAKEN');
    expect(errorCodeOf(new Error('x'))).toBeUndefined();
  });

  it('names a failed assertion as INTERNAL', () => {
    expect(() => assertState(1 > 2, 'one is above two')).toThrow(expect.objectContaining({ code: 'INTERNAL', message: 'assertion failed: one is above two' }));
    expect(() => assertState(true, 'never')).not.toThrow();
  });
});
