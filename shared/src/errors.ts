/**
 * One error class for GradSheet's pure logic, with codes from one table.
 * Edges map codes to exit statuses (CLI) or HTTP statuses (service).
 */
export const ERROR_CODES = {
  /** The caller asked for something invalid: bad number, out of range, wrong count. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** A plan breaks a rule every writer relies on (e.g. a defined name that is a cell address). */
  INVALID_PLAN: 'INVALID_PLAN',
} as const;

export type GradSheetErrorCode = keyof typeof ERROR_CODES;

export class GradSheetError extends Error {
  override readonly name = 'GradSheetError';
  constructor(
    readonly code: GradSheetErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function invalidInput(message: string): GradSheetError {
  return new GradSheetError('INVALID_INPUT', message);
}
