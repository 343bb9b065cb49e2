/**
 * Every error GradSheet raises, in one table: a code, the kind of failure it is,
 * and what it means. Code throws a GradSheetError with a code from here; each edge
 * maps codes once (the CLI to exit statuses, the service to HTTP statuses, the
 * task pane to sentences), and a test fails when an edge leaves a code out.
 */
export const ERROR_TABLE = {
  INVALID_INPUT: { kind: 'input', meaning: 'The caller asked for something invalid: a bad number, a value out of range, a wrong count.' },
  INVALID_MODEL: { kind: 'input', meaning: 'A model spec or design cannot be built: a layer does not fit its input, or the design is out of bounds.' },
  UNKNOWN_MODEL: { kind: 'not-found', meaning: 'No built-in model has this id.' },
  INVALID_FILE: { kind: 'input', meaning: 'A file GradSheet was given cannot be used: missing, of the wrong kind, corrupt or truncated.' },
  OUTPUT_REFUSED: { kind: 'input', meaning: 'An output path cannot be written: wrong extension, an existing file, or a folder that is missing or read-only.' },
  SUBMISSION_NOT_XLSX: { kind: 'input', meaning: 'A submitted file is not an .xlsx workbook.' },
  SUBMISSION_CORRUPT: { kind: 'input', meaning: 'A submitted workbook is a damaged zip package.' },
  SUBMISSION_TOO_LARGE: { kind: 'input', meaning: 'A submitted workbook, or one of its parts, is larger than the grader reads.' },
  SUBMISSION_ZIP_BOMB: { kind: 'input', meaning: 'A submitted workbook inflates far beyond its size.' },
  SUBMISSION_MACROS: { kind: 'input', meaning: 'A submitted workbook carries macros.' },
  SUBMISSION_EXTERNAL_LINKS: { kind: 'input', meaning: 'A submitted workbook links to other files.' },
  SUBMISSION_SHEET_TOO_LARGE: { kind: 'input', meaning: 'A sheet of a submitted workbook has more cells than an exercise can.' },
  SUBMISSION_NOT_AN_EXERCISE: { kind: 'input', meaning: 'A submitted workbook is not one of GradSheet’s exercises.' },
  SUBMISSION_UNREADABLE: { kind: 'input', meaning: 'A submitted workbook could not be read for another reason.' },
  UNKNOWN_RUN: { kind: 'not-found', meaning: 'No run has this id.' },
  RUN_STATE: { kind: 'conflict', meaning: 'The run is not in a state that allows this (e.g. cancelling a finished run).' },
  ACCOUNTS_BUSY: { kind: 'conflict', meaning: 'Another `gradsheet users` command is changing the accounts file: wait for it to finish, then run this one again.' },
  QUEUE_FULL: { kind: 'conflict', meaning: 'The service is at one of its limits (this user’s runs, its whole queue, or workbooks being built at once): wait a while (Retry-After says how long), then try again.' },
  NO_WEIGHTS: { kind: 'not-found', meaning: 'The run has no final weights to predict or analyse with: it has not finished training, or it ended without them.' },
  NAMES_TAKEN: { kind: 'conflict', meaning: 'The open workbook already has sheets or names that the new workbook needs.' },
  WORKBOOK_PROTECTED: { kind: 'conflict', meaning: 'The open workbook’s structure is protected, so no sheet can be added.' },
  SHEET_GONE: { kind: 'conflict', meaning: 'A sheet GradSheet writes into was deleted or renamed while it was in use.' },
  EXCEL_TOO_OLD: { kind: 'unavailable', meaning: 'This Excel lacks an API set GradSheet needs.' },
  SERVICE_UNREACHABLE: { kind: 'unavailable', meaning: 'The training service does not answer.' },
  SERVICE_REFUSED: { kind: 'input', meaning: 'The training service answered a request with an error; its sentence, status and GS_ERR_* code say why.' },
  BACKEND_UNAVAILABLE: { kind: 'unavailable', meaning: 'A training backend cannot start here: its package is missing, or GradSheet’s kernels are not built.' },
  INVALID_PLAN: { kind: 'internal', meaning: 'A workbook plan breaks a rule every writer relies on; GradSheet’s own fault.' },
  INTERNAL: { kind: 'internal', meaning: 'A state that cannot happen did: an assertion failed inside GradSheet.' },
} as const satisfies Record<string, { kind: ErrorKind; meaning: string }>;

/** input: the caller can fix it; not-found and conflict: the thing asked for is absent or busy; unavailable: the environment lacks something; internal: GradSheet's fault. */
export type ErrorKind = 'input' | 'not-found' | 'conflict' | 'unavailable' | 'internal';

export type GradSheetErrorCode = keyof typeof ERROR_TABLE;

export const ERROR_CODES = Object.keys(ERROR_TABLE) as GradSheetErrorCode[];

export class GradSheetError extends Error {
  override readonly name = 'GradSheetError';
  constructor(
    readonly code: GradSheetErrorCode,
    message: string,
    /** Facts an edge may need to phrase the error (e.g. the names that are taken). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }

  get kind(): ErrorKind {
    return ERROR_TABLE[this.code].kind;
  }
}

export function invalidInput(message: string): GradSheetError {
  return new GradSheetError('INVALID_INPUT', message);
}

/** Throws INTERNAL unless `condition` holds: for states that cannot happen, named as such. */
export function assertState(condition: unknown, message: string): asserts condition {
  if (!condition) throw new GradSheetError('INTERNAL', `assertion failed: ${message}`);
}

/** The error's code when it is a GradSheetError, else undefined. */
export function errorCodeOf(error: unknown): GradSheetErrorCode | undefined {
  return error instanceof GradSheetError ? error.code : undefined;
}

/** A model spec or design that cannot be built, or is out of bounds. */
export function invalidModel(message: string): GradSheetError {
  return new GradSheetError('INVALID_MODEL', message);
}
