import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_TABLE, GradSheetError } from '@gradsheet/shared';
import { CLI_EXIT_STATUS, EXIT_FAILURE, EXIT_USAGE, exitStatusOf } from './exit-status.js';

describe('the CLI edge of the error table', () => {
  it('gives every code an exit status: 2 for what the caller can fix, 1 for the rest', () => {
    expect(Object.keys(CLI_EXIT_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const { kind } = ERROR_TABLE[code];
      expect(exitStatusOf(new GradSheetError(code, 'x')), code).toBe(kind === 'input' || kind === 'not-found' ? EXIT_USAGE : EXIT_FAILURE);
    }
  });

  it('treats an output path that went away as bad input, anything else as a failure', () => {
    expect(exitStatusOf(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe(EXIT_USAGE);
    expect(exitStatusOf(Object.assign(new Error('full'), { code: 'ENOSPC' }))).toBe(EXIT_FAILURE);
    expect(exitStatusOf('a string')).toBe(EXIT_FAILURE);
  });
});
