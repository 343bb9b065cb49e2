import { errorCodeOf, GradSheetError, type GradSheetErrorCode } from '@gradsheet/shared';

/** What the pane says when Excel lacks the API GradSheet needs. */
export const EXCEL_TOO_OLD =
  'This version of Excel is too old for GradSheet: it needs the Excel JavaScript API 1.7 (Microsoft 365 or Office 2021 and later, Excel on the web, or Excel for Mac 16.x). Update Excel, or open this page in a browser to preview and download the workbook.';

const list = (items: readonly string[]) => items.map((item) => `“${item}”`).join(', ');
const strings = (value: unknown): readonly string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The error's own message as a sentence: it already names the field, file or sheet. */
const own = (error: GradSheetError) => sentence(error.message);

function namesTakenSentence(error: GradSheetError): string {
  const taken = strings(error.details?.sheets);
  const names = strings(error.details?.definedNames);
  const sheets = taken.length > 0 ? `sheet${taken.length > 1 ? 's' : ''} named ${list(taken)}` : '';
  const defined = names.length > 0 ? `the defined name${names.length > 1 ? 's' : ''} ${list(names)}` : '';
  return `This workbook already has ${[sheets, defined].filter(Boolean).join(' and ')}. Press “Replace them” to build over them, or open a blank workbook and build there.`;
}

/** Each error as the pane says it: one or two sentences a learner can act on. */
export const PANE_SENTENCES: Record<GradSheetErrorCode, (error: GradSheetError) => string> = {
  INVALID_INPUT: own,
  INVALID_MODEL: own,
  UNKNOWN_MODEL: own,
  INVALID_FILE: own,
  OUTPUT_REFUSED: own,
  SUBMISSION_NOT_XLSX: own,
  SUBMISSION_CORRUPT: own,
  SUBMISSION_TOO_LARGE: own,
  SUBMISSION_ZIP_BOMB: own,
  SUBMISSION_MACROS: own,
  SUBMISSION_EXTERNAL_LINKS: own,
  SUBMISSION_SHEET_TOO_LARGE: own,
  SUBMISSION_NOT_AN_EXERCISE: own,
  SUBMISSION_UNREADABLE: own,
  UNKNOWN_RUN: own,
  RUN_STATE: own,
  ACCOUNTS_BUSY: own,
  QUEUE_FULL: own,
  NO_WEIGHTS: own,
  NAMES_TAKEN: namesTakenSentence,
  WORKBOOK_PROTECTED: () =>
    'This workbook’s structure is protected, so GradSheet cannot add its sheets. Unprotect it (Review > Protect Workbook) or open a blank workbook, then try again.',
  SHEET_GONE: own,
  EXCEL_TOO_OLD: () => EXCEL_TOO_OLD,
  SERVICE_UNREACHABLE: own,
  // The service words its answers for people already.
  SERVICE_REFUSED: (error) => error.message,
  BACKEND_UNAVAILABLE: own,
  INVALID_PLAN: (error) => `GradSheet made a workbook it cannot write (${error.message}). This is GradSheet’s fault: please report it.`,
  INTERNAL: (error) => `Something went wrong inside GradSheet (${error.message}). Reload the pane and try again.`,
};

/** Any error, as one or two sentences a learner can act on. */
export function plainMessage(error: unknown): string {
  if (error instanceof GradSheetError) return PANE_SENTENCES[error.code](error);
  const office = error as { name?: string; code?: string; message?: string } | null;
  if (office?.name === 'RichApi.Error' || (office && typeof office.code === 'string' && office.message)) {
    return `Excel refused a change (${office.code ?? 'error'}): ${office.message ?? ''}`.trim();
  }
  if (error instanceof Error) return sentence(error.message);
  return `Something went wrong: ${String(error)}`;
}

/** A run that failed, with the service's reason. */
export function runFailedMessage(reason?: string): string {
  return `The run failed${reason ? `: ${sentence(reason)}` : '.'} Change the settings and start again.`;
}

/** Where a panel reports a write into the workbook. */
export interface WriteFeedback {
  readonly status: HTMLElement;
  readonly notice: (text: string) => void;
  /** The panel's "replace the sheets" choice, offered when the workbook has the names already. */
  readonly replace: HTMLElement;
}

/** A write into the workbook failed: the status is cleared, the error said as a sentence, and replacing offered if names were taken. */
export function showWriteFailure(error: unknown, { status, notice, replace }: WriteFeedback): void {
  status.textContent = '';
  notice(plainMessage(error));
  if (errorCodeOf(error) === 'NAMES_TAKEN') replace.hidden = false;
}
