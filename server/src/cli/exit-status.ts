import { GradSheetError, type GradSheetErrorCode } from '@gradsheet/shared';

/** The CLI's exit statuses. */
export const EXIT_OK = 0;
/** GradSheet broke, or the environment lacks something. */
export const EXIT_FAILURE = 1;
/** The input was wrong (a flag, a file, an output path): the message says which. */
export const EXIT_USAGE = 2;
/** The command wrote its output, but some of its inputs could not be used; it has said which (`gradsheet grade`). */
export const EXIT_SOME_FILES_FAILED = 3;

/** Each error's exit status: input and not-found are the caller's to fix (2), the rest are not (1). */
export const CLI_EXIT_STATUS: Record<GradSheetErrorCode, number> = {
  INVALID_INPUT: EXIT_USAGE,
  INVALID_MODEL: EXIT_USAGE,
  UNKNOWN_MODEL: EXIT_USAGE,
  INVALID_FILE: EXIT_USAGE,
  OUTPUT_REFUSED: EXIT_USAGE,
  SUBMISSION_NOT_XLSX: EXIT_USAGE,
  SUBMISSION_CORRUPT: EXIT_USAGE,
  SUBMISSION_TOO_LARGE: EXIT_USAGE,
  SUBMISSION_ZIP_BOMB: EXIT_USAGE,
  SUBMISSION_MACROS: EXIT_USAGE,
  SUBMISSION_EXTERNAL_LINKS: EXIT_USAGE,
  SUBMISSION_SHEET_TOO_LARGE: EXIT_USAGE,
  SUBMISSION_NOT_AN_EXERCISE: EXIT_USAGE,
  SUBMISSION_UNREADABLE: EXIT_USAGE,
  UNKNOWN_RUN: EXIT_USAGE,
  RUN_STATE: EXIT_FAILURE,
  ACCOUNTS_BUSY: EXIT_FAILURE,
  QUEUE_FULL: EXIT_FAILURE,
  // A run folder that never finished: the caller named the wrong folder, or must train it first.
  NO_WEIGHTS: EXIT_USAGE,
  NAMES_TAKEN: EXIT_FAILURE,
  WORKBOOK_PROTECTED: EXIT_FAILURE,
  SHEET_GONE: EXIT_FAILURE,
  EXCEL_TOO_OLD: EXIT_FAILURE,
  SERVICE_UNREACHABLE: EXIT_FAILURE,
  SERVICE_REFUSED: EXIT_USAGE,
  BACKEND_UNAVAILABLE: EXIT_FAILURE,
  INVALID_PLAN: EXIT_FAILURE,
  INTERNAL: EXIT_FAILURE,
};

/** File-system errors that mean the output path went away or became unwritable between the check and the write. */
const OUTPUT_PATH_ERRNOS = new Set(['EACCES', 'ENOENT', 'EROFS', 'ENOTDIR', 'EISDIR']);

/** The exit status for anything a command threw. */
export function exitStatusOf(error: unknown): number {
  if (error instanceof GradSheetError) return CLI_EXIT_STATUS[error.code];
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && OUTPUT_PATH_ERRNOS.has(code) ? EXIT_USAGE : EXIT_FAILURE;
}
