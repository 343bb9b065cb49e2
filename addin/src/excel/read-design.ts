import { designFromGrid, DESIGNER_SHEET, invalidModel, type DesignCell, type ModelSpec } from '@gradsheet/shared';

/**
 * Reads the design on the workbook's Model sheet through Office.js, in one sync: the
 * sheet's used range, whose values shared's reader searches for the table by its
 * labels. The reader takes each row's Type and the fields that type uses, never the
 * formulas' results, and checks them with the design parser; a bad design is
 * GradSheetError INVALID_MODEL with one sentence per bad row in `details.problems`,
 * naming the rows as Excel numbers them.
 */
export async function readDesignSheet(context: Excel.RequestContext, sheetName: string = DESIGNER_SHEET): Promise<ModelSpec> {
  const sheet = context.workbook.worksheets.getItem(sheetName);
  // Values only: the blank, formatted rows below the table are no part of it.
  const used = sheet.getUsedRangeOrNullObject(true).load(['values', 'rowIndex']);
  try {
    await context.sync();
  } catch (error) {
    if ((error as { code?: string }).code === 'ItemNotFound') {
      throw invalidModel(`this workbook has no sheet named “${sheetName}”: press Design a model to write one, then change its rows`);
    }
    throw error;
  }
  if (used.isNullObject) return designFromGrid([]);
  return designFromGrid(used.values as DesignCell[][], { firstRow: used.rowIndex + 1 });
}
