import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import {
  a1,
  designerColumn,
  designerGeometry,
  designerPlan,
  type DesignCell,
  type DesignerColumnKey,
  type ModelSpec,
  type PlanCell,
  type WorkbookPlan,
} from '@gradsheet/shared';
import { writeWorkbookPlan } from '@gradsheet/server';
import { convertAllTo } from './libreoffice.js';

/**
 * Designer workbooks for tests: written, edited as a learner would, recalculated in
 * LibreOffice many at a time, and read back as grids of the values LibreOffice computed.
 */

/** The plan with every formula's cached result replaced by 0, so that only a recalculation can give the right numbers. */
export function withoutResults(plan: WorkbookPlan): WorkbookPlan {
  const blank = (cell: PlanCell): PlanCell => (cell && 'formula' in cell ? { ...cell, result: 0 } : cell);
  return {
    ...plan,
    sheets: plan.sheets.map((sheet) => ({ ...sheet, blocks: sheet.blocks.map((block) => ({ ...block, rows: block.rows.map((row) => row.map(blank)) })) })),
  };
}

/** Writes the designer workbook of `spec` (blank without one); with `fromScratch`, no formula carries its result. */
export async function writeDesigner(path: string, spec: ModelSpec | undefined, options: { fromScratch?: boolean } = {}): Promise<void> {
  const plan = designerPlan(spec);
  await writeFile(path, await writeWorkbookPlan(options.fromScratch ? withoutResults(plan) : plan));
}

/** The A1 address of a layer row's cell: `layerIndex` counts from 0, in a sheet written for `layers` layers. */
export function designerAddress(layers: number, layerIndex: number, key: DesignerColumnKey): string {
  return a1({ row: designerGeometry(layers).firstLayerRow + layerIndex, col: designerColumn(key) });
}

/**
 * Opens every workbook in LibreOffice in one start, recalculating every formula, and
 * returns each one's first sheet as the values LibreOffice computed (in input order).
 */
export async function recalculateAll(paths: readonly string[], outDir: string): Promise<DesignCell[][][]> {
  const outputs = await convertAllTo(paths, outDir, 'xlsx');
  return Promise.all(outputs.map(computedGrid));
}

/** A workbook's first sheet as values: a formula cell as its saved result ('' for an empty text result). */
export async function computedGrid(path: string): Promise<DesignCell[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error(`${path} has no sheet`);
  const grid: DesignCell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, r) => {
    const cells: DesignCell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      // A formula's value object leaves out a result of 0 or FALSE; `cell.result` keeps it.
      cells[c - 1] = cell.type === ExcelJS.ValueType.Formula ? resultOf(cell.result) : valueOf(cell.value);
    });
    grid[r - 1] = Array.from(cells, (cell) => cell ?? null);
  });
  return Array.from(grid, (cells) => cells ?? []);
}

function resultOf(result: unknown): DesignCell {
  if (result === undefined || result === null) return '';
  if (typeof result === 'object' && 'error' in result) return String((result as { error: unknown }).error);
  return result as DesignCell;
}

function valueOf(value: ExcelJS.CellValue): DesignCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((run) => run.text).join('');
  if (typeof value === 'object' && 'error' in value) return String(value.error);
  return String(value);
}
