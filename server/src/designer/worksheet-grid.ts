import type ExcelJS from 'exceljs';
import type { DesignCell } from '@gradsheet/shared';

/** How far a designer table is looked for: past the sheet GradSheet writes, short of a whole sheet. */
export const GRID_LIMITS = { rows: 300, columns: 60 } as const;

/**
 * A worksheet's cells as plain values, for readers that find cells by their labels.
 * A formula is given as its text (`=2*8`), never as the result a file has cached:
 * a design is read from what the learner typed, and a cached result may be stale.
 */
export function worksheetGrid(sheet: ExcelJS.Worksheet): DesignCell[][] {
  const rows = Math.min(sheet.rowCount, GRID_LIMITS.rows);
  const grid: DesignCell[][] = [];
  for (let r = 1; r <= rows; r++) {
    const row = sheet.getRow(r);
    const cells: DesignCell[] = [];
    for (let c = 1; c <= Math.min(row.cellCount, GRID_LIMITS.columns); c++) cells.push(plainValue(row.getCell(c)));
    grid.push(cells);
  }
  return grid;
}

function plainValue(cell: ExcelJS.Cell): DesignCell {
  const value = cell.value;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return `=${cell.formula ?? ''}`;
  if ('error' in value) return String(value.error);
  if ('text' in value && typeof value.text === 'string') return value.text;
  return String(cell.text);
}
