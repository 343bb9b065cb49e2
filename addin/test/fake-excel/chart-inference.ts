/**
 * The series Excel makes from a chart's source range, as Insert > Chart and
 * `charts.add(type, source, seriesBy)` do: one series per column (or row); a first row
 * without numbers names the series; a first column without numbers, or under a blank
 * top-left cell, holds the categories; a range without numbers gives no series at all.
 * A writer that wants exactly its own series must set them after `charts.add`.
 */
import type { FakeArea, FakeCell, FakeSeries } from './state.js';

type CellKind = 'blank' | 'number' | 'text';

/** The fake computes no formula, so a formula counts as the number it would give in GradSheet's sheets. */
function kindOf(cell: FakeCell | undefined): CellKind {
  if (cell?.formulaR1C1 !== undefined) return 'number';
  const input = cell?.input;
  if (input === undefined || input === '') return 'blank';
  if (typeof input === 'string') return input.startsWith('=') ? 'number' : 'text';
  return 'number';
}

export function inferSeries(cells: Readonly<Record<string, FakeCell>>, area: FakeArea, seriesBy: string): FakeSeries[] {
  // "Auto": series in columns when the range has more rows than columns, as Excel decides.
  const byColumns = seriesBy === 'Columns' || (seriesBy !== 'Rows' && area.rows > area.cols);
  const lines = byColumns ? area.cols : area.rows;
  const length = byColumns ? area.rows : area.cols;
  const cell = (line: number, at: number) => (byColumns ? cells[`${area.row + at},${area.col + line}`] : cells[`${area.row + line},${area.col + at}`]);
  const kind = (line: number, at: number) => kindOf(cell(line, at));
  const positions = (from: number) => Array.from({ length: length - from }, (_, i) => from + i);
  const linesFrom = (from: number) => Array.from({ length: lines - from }, (_, i) => from + i);

  const hasNumber = linesFrom(0).some((line) => positions(0).some((at) => kind(line, at) === 'number'));
  if (!hasNumber) return [];
  const headerRow = length > 1 && linesFrom(0).every((line) => kind(line, 0) !== 'number') && linesFrom(0).some((line) => positions(1).some((at) => kind(line, at) === 'number'));
  const first = headerRow ? 1 : 0;
  const categoryLine =
    lines > 1 &&
    ((positions(first).every((at) => kind(0, at) !== 'number') && linesFrom(1).some((line) => positions(first).some((at) => kind(line, at) === 'number'))) ||
      (headerRow && kind(0, 0) === 'blank'));

  /** The data cells of one line, as an area. */
  const dataArea = (line: number): FakeArea =>
    byColumns
      ? { sheet: area.sheet, row: area.row + first, col: area.col + line, rows: length - first, cols: 1 }
      : { sheet: area.sheet, row: area.row + line, col: area.col + first, rows: 1, cols: length - first };

  return linesFrom(categoryLine ? 1 : 0).map((line, index): FakeSeries => {
    const header = headerRow ? cell(line, 0)?.input : undefined;
    return {
      name: typeof header === 'string' && header !== '' ? header : `Series${index + 1}`,
      values: dataArea(line),
      ...(categoryLine ? { xValues: dataArea(0) } : {}),
    };
  });
}
