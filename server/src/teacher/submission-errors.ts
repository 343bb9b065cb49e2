/**
 * Why a submitted file could not be graded: one code and one sentence per file,
 * reported for that file while the others are graded.
 */
export const SUBMISSION_ERROR_CODES = {
  NOT_XLSX: 'NOT_XLSX',
  CORRUPT_PACKAGE: 'CORRUPT_PACKAGE',
  TOO_LARGE: 'TOO_LARGE',
  ZIP_BOMB: 'ZIP_BOMB',
  MACROS: 'MACROS',
  EXTERNAL_LINKS: 'EXTERNAL_LINKS',
  SHEET_TOO_LARGE: 'SHEET_TOO_LARGE',
  NOT_AN_EXERCISE: 'NOT_AN_EXERCISE',
  UNREADABLE: 'UNREADABLE',
} as const;

export type SubmissionErrorCode = keyof typeof SUBMISSION_ERROR_CODES;

export class SubmissionError extends Error {
  override readonly name = 'SubmissionError';
  constructor(
    readonly code: SubmissionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Any failure while reading one file, as a SubmissionError (unexpected ones become UNREADABLE). */
export function toSubmissionError(error: unknown): SubmissionError {
  if (error instanceof SubmissionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SubmissionError('UNREADABLE', `could not be read: ${message}`);
}
