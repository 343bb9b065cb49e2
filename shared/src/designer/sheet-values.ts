import type { SheetPlan } from '../workbook/plan.js';
import type { DesignCell } from './read-design.js';

/**
 * The values a sheet plan shows once written and before any recalculation: plain
 * values as they are, formulas as the results the plan predicts. The grid
 * designFromGrid reads, as a writer would leave it; tests edit it as a learner would.
 */
export function sheetValues(sheet: SheetPlan): DesignCell[][] {
  const grid: DesignCell[][] = [];
  const put = (row: number, col: number, value: DesignCell) => {
    const cells = (grid[row] ??= []);
    cells[col] = value;
  };
  for (const block of sheet.blocks) {
    block.rows.forEach((cells, r) =>
      cells.forEach((cell, c) => {
        if (cell) put(block.origin.row + r, block.origin.col + c, 'formula' in cell ? cell.result : cell.value);
      }),
    );
  }
  for (const fill of sheet.fills ?? []) fill.results.forEach((result, r) => put(fill.origin.row + r, fill.origin.col, result));
  return Array.from(grid, (cells) => Array.from(cells ?? [], (cell) => cell ?? null));
}
