import { trainingReportPlan, type TrainingReportInput } from '@gradsheet/shared';
import { writeWorkbookPlan } from './exceljs-writer.js';

/** A run's training report as .xlsx bytes: the plan, applied by the same writer as every other workbook. */
export async function trainingReportXlsx(input: TrainingReportInput): Promise<Buffer> {
  return writeWorkbookPlan(trainingReportPlan(input));
}
