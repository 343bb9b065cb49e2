import type { FormulaFill, PlanCell, SheetPlan, StyleId } from '@gradsheet/shared';

/** One cell of a sheet as the writer meets it, row by row. */
export type RowCell =
  | { readonly col: number; readonly kind: 'cell'; readonly cell: PlanCell; readonly style: StyleId | undefined }
  | { readonly col: number; readonly kind: 'fill'; readonly fill: FormulaFill; readonly index: number };

/**
 * Walks a sheet's blocks and fills in row order (a streaming writer must commit
 * rows top to bottom), yielding each row's cells sorted by column.
 */
export function* sheetRows(sheet: SheetPlan): Generator<{ row: number; cells: RowCell[] }> {
  const fills = sheet.fills ?? [];
  let lastRow = -1;
  for (const block of sheet.blocks) lastRow = Math.max(lastRow, block.origin.row + block.rows.length - 1);
  for (const fill of fills) lastRow = Math.max(lastRow, fill.origin.row + fill.results.length - 1);

  for (let row = 0; row <= lastRow; row++) {
    const cells: RowCell[] = [];
    for (const block of sheet.blocks) {
      const cellsOfBlock = block.rows[row - block.origin.row];
      if (!cellsOfBlock) continue;
      cellsOfBlock.forEach((cell, c) => {
        const style = cell?.style ?? block.columnStyles?.[c];
        if (cell || style !== undefined) cells.push({ col: block.origin.col + c, kind: 'cell', cell, style });
      });
    }
    for (const fill of fills) {
      const index = row - fill.origin.row;
      if (index >= 0 && index < fill.results.length) cells.push({ col: fill.origin.col, kind: 'fill', fill, index });
    }
    if (cells.length > 0) {
      cells.sort((a, b) => a.col - b.col);
      yield { row, cells };
    }
  }
}
