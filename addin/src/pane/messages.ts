import { GradSheetError } from '@gradsheet/shared';
import { NamesTakenError, WorkbookProtectedError } from '../excel/plan-writer.js';
import { ServiceError } from '../service/client.js';

/** What the pane says when Excel lacks the API GradSheet needs. */
export const EXCEL_TOO_OLD =
  'This version of Excel is too old for GradSheet: it needs the Excel JavaScript API 1.7 (Excel 2019 or later, Microsoft 365, or Excel on the web). Update Excel, or open this page in a browser to preview and download the workbook.';

const list = (items: readonly string[]) => items.map((item) => `“${item}”`).join(', ');

/** Any error, as one or two sentences a learner can act on. */
export function plainMessage(error: unknown): string {
  if (error instanceof NamesTakenError) {
    const sheets = error.sheets.length > 0 ? `sheet${error.sheets.length > 1 ? 's' : ''} named ${list(error.sheets)}` : '';
    const names = error.definedNames.length > 0 ? `the defined name${error.definedNames.length > 1 ? 's' : ''} ${list(error.definedNames)}` : '';
    return `This workbook already has ${[sheets, names].filter(Boolean).join(' and ')}. Press “Replace them” to build over them, or open a blank workbook and build there.`;
  }
  if (error instanceof WorkbookProtectedError) {
    return 'This workbook’s structure is protected, so GradSheet cannot add its sheets. Unprotect it (Review > Protect Workbook) or open a blank workbook, then try again.';
  }
  if (error instanceof ServiceError) return error.message;
  if (error instanceof GradSheetError) return sentence(error.message);
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

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
