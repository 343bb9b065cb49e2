import { buildBackpropWorkbookPlan, type BackpropWorkbookOptions } from '@gradsheet/shared';
import { writeWorkbookPlan, type WriteOptions } from './exceljs-writer.js';

/** The backprop workbook as .xlsx bytes: the one path the CLI and the service both use. */
export async function backpropXlsx(options: BackpropWorkbookOptions, writeOptions: WriteOptions = {}): Promise<Buffer> {
  return writeWorkbookPlan(buildBackpropWorkbookPlan(options), writeOptions);
}
