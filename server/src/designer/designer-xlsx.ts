import { designerPlan, type ModelSpec } from '@gradsheet/shared';
import { writeWorkbookPlan } from '../xlsx/exceljs-writer.js';

/** The designer workbook as .xlsx bytes: blank, or holding `start`. */
export function designerXlsx(start?: ModelSpec): Promise<Buffer> {
  return writeWorkbookPlan(designerPlan(start));
}
