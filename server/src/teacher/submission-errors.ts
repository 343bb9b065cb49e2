import { GradSheetError, type GradSheetErrorCode } from '@gradsheet/shared';

/**
 * Why a submitted file could not be graded: one SUBMISSION_* code of the error table
 * and one sentence per file, reported for that file while the others are graded.
 */
export type SubmissionErrorCode = Extract<GradSheetErrorCode, `SUBMISSION_${string}`>;

export function submissionError(code: SubmissionErrorCode, message: string): GradSheetError {
  return new GradSheetError(code, message);
}

/** Any failure while reading one file, as a submission error (unexpected ones become SUBMISSION_UNREADABLE). */
export function toSubmissionError(error: unknown): GradSheetError & { readonly code: SubmissionErrorCode } {
  if (error instanceof GradSheetError && error.code.startsWith('SUBMISSION_')) return error as GradSheetError & { readonly code: SubmissionErrorCode };
  const message = error instanceof Error ? error.message : String(error);
  return new GradSheetError('SUBMISSION_UNREADABLE', `could not be read: ${message}`) as GradSheetError & { readonly code: SubmissionErrorCode };
}
