/** Bad input on the command line: reported as one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The command wrote its output, but part of its work could not be done, and it has
 * already said which part: no further message, just the exit status.
 */
export class PartialFailure extends Error {
  override readonly name = 'PartialFailure';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
