import { GradSheetError, type ChartPlan } from '@gradsheet/shared';
import { addChartParts } from './charts/add-charts.js';
import { editWorksheet, type NewWorksheetChild } from './package/worksheet-part.js';
import { XlsxPackage } from './package/xlsx-package.js';

export interface PackageFinish {
  /** Ask Excel to recalculate every formula on open. */
  readonly fullCalcOnLoad?: boolean;
  /** Lock the workbook's structure without a password. */
  readonly lockStructure?: boolean;
  /** Charts to add, by sheet name; every named sheet must exist and have no drawing yet. */
  readonly charts?: ReadonlyMap<string, readonly ChartPlan[]>;
  /** Sheets whose children exceljs may have written out of schema order (see editWorksheet). */
  readonly reorderSheets?: Iterable<string>;
}

/**
 * What exceljs cannot write, added to its package in one pass: the
 * full-recalculation flag and the structure lock (one edit of the workbook
 * part), the charts, and worksheet children in schema order. The package is
 * saved without folder entries. Unchanged parts keep their compressed bytes.
 */
export async function finishPackage(xlsx: Buffer, finish: PackageFinish): Promise<Buffer> {
  const pkg = await XlsxPackage.open(xlsx);
  const workbook = await pkg.workbook();
  if (finish.fullCalcOnLoad) workbook.setFullCalcOnLoad();
  if (finish.lockStructure) workbook.lockStructure();

  const edits = new Map<string, NewWorksheetChild[]>();
  for (const name of finish.reorderSheets ?? []) edits.set(sheetPartOf(workbook.worksheetParts, name), []);
  for (const [name, charts] of finish.charts ?? []) {
    if (charts.length === 0) continue;
    const sheetPart = sheetPartOf(workbook.worksheetParts, name);
    const drawing = await addChartParts(pkg, sheetPart, charts);
    edits.set(sheetPart, [...(edits.get(sheetPart) ?? []), drawing]);
  }
  for (const [sheetPart, added] of edits) await editWorksheet(pkg, sheetPart, added);
  return pkg.save();
}

function sheetPartOf(parts: ReadonlyMap<string, string>, name: string): string {
  const part = parts.get(name);
  if (part === undefined) throw new GradSheetError('INVALID_FILE', `the workbook has no sheet named "${name}"`);
  return part;
}
