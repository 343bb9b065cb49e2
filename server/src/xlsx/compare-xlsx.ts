import { compareRunsPlan, type CompareRunInput } from '@gradsheet/shared';
import { writeWorkbookPlan } from './exceljs-writer.js';

/** The compare workbook as .xlsx bytes: the Runs sheet and its charts, one series per run. */
export async function compareRunsXlsx(runs: readonly CompareRunInput[]): Promise<Buffer> {
  return writeWorkbookPlan(compareRunsPlan(runs));
}
