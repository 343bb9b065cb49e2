import type { CellBlock, CellStyle, ColorScaleConditionalFormat, PlanCell, RangeRef, StyleId } from '../workbook/plan.js';
import { invalidInput } from '../errors.js';

/**
 * Pictures drawn in cells: each cell holds one number (a pixel, a weight, an
 * activation) and a colour scale fills it by that number, so a learner sees the
 * picture and can still click any cell to read its value. The styles here are
 * shared by every sheet of what a run learned and by the Runs sheet.
 */

/** Style ids, prefixed so that they never clash with the styles of a workbook they join. */
export const ANALYSIS_STYLE = {
  title: 'analysisTitle',
  note: 'analysisNote',
  heading: 'analysisHeading',
  header: 'analysisHeader',
  label: 'analysisLabel',
  caption: 'analysisCaption',
  count: 'analysisCount',
  diagonal: 'analysisDiagonal',
  percent: 'analysisPercent',
  total: 'analysisTotal',
  totalPercent: 'analysisTotalPercent',
  check: 'analysisCheck',
  input: 'analysisInput',
  inputPercent: 'analysisInputPercent',
  loss: 'analysisLoss',
  minutes: 'analysisMinutes',
  rate: 'analysisRate',
  integer: 'analysisInteger',
  /** A pixel or an activation: the number is there, but only its colour shows. */
  pixel: 'analysisPixel',
  /** A cell of the Try it grid: as a pixel, and open to the learner on the protected sheet. */
  gridInput: 'analysisGridInput',
  /** A kernel weight: big enough (merged) to show its number in a small font. */
  weight: 'analysisWeight',
  trueClass: 'analysisTrueClass',
  predictedClass: 'analysisPredictedClass',
  probability: 'analysisProbability',
  probabilityInput: 'analysisProbabilityInput',
} as const;

const S = ANALYSIS_STYLE;

/** `;;;` shows nothing for any number, so the colour alone draws the picture; the formula bar still shows the value. */
const HIDDEN = ';;;';

export const ANALYSIS_STYLES: Readonly<Record<StyleId, CellStyle>> = {
  [S.title]: { bold: true, fontSize: 14 },
  [S.note]: { italic: true, fontColor: '595959' },
  [S.heading]: { bold: true, fontSize: 12 },
  [S.header]: { bold: true, fill: 'D9E1F2', border: 'thin', horizontal: 'center' },
  [S.label]: { bold: true },
  [S.caption]: { italic: true, fontColor: '595959', fontSize: 9 },
  [S.count]: { numberFormat: '#,##0', border: 'thin', horizontal: 'center' },
  [S.diagonal]: { fill: 'F2F2F2', border: 'thin' },
  [S.percent]: { numberFormat: '0.00%', border: 'thin' },
  [S.total]: { bold: true, numberFormat: '#,##0', border: 'thin', horizontal: 'center' },
  [S.totalPercent]: { bold: true, numberFormat: '0.00%', border: 'thin' },
  [S.check]: { bold: true, border: 'thin', horizontal: 'center' },
  [S.input]: { fill: 'FFCC99', fontColor: '3F3F76', border: 'thin', locked: false },
  [S.inputPercent]: { fill: 'FFCC99', fontColor: '3F3F76', border: 'thin', numberFormat: '0.00%', locked: false },
  [S.loss]: { numberFormat: '0.0000' },
  [S.minutes]: { numberFormat: '0.0' },
  [S.rate]: { numberFormat: '#,##0' },
  [S.integer]: { numberFormat: '0', horizontal: 'center' },
  [S.pixel]: { numberFormat: HIDDEN },
  [S.gridInput]: { numberFormat: HIDDEN, border: 'thin', locked: false },
  [S.weight]: { numberFormat: '0.00;-0.00;0', fontSize: 7, horizontal: 'center' },
  [S.trueClass]: { numberFormat: '"true "0', horizontal: 'center', fontSize: 9 },
  [S.predictedClass]: { numberFormat: '"predicted "0', horizontal: 'center', fontSize: 9, bold: true, fontColor: 'C00000' },
  [S.probability]: { numberFormat: '0.0%', horizontal: 'center', fontSize: 9 },
  [S.probabilityInput]: { numberFormat: '0.0%', border: 'thin', locked: false },
};

/**
 * Cells that look square: a row of `rowHeight` points (4/3 pixel each) and a column
 * whose width, in the file's characters of Calibri 11, comes to the same pixels
 * (ECMA-376: pixels = trunc((256·width + trunc(128/7)) / 256 · 7)).
 */
export interface CellSize {
  readonly columnWidth: number;
  readonly rowHeight: number;
}

/** 12 × 12 pixels: a 28×28 digit is 336 pixels wide, six fit side by side on a wide screen. */
export const SMALL_PIXEL: CellSize = { columnWidth: 1.71, rowHeight: 9 };
/** 18 × 18 pixels: big enough to click and type into. */
export const LARGE_PIXEL: CellSize = { columnWidth: 2.57, rowHeight: 13.5 };

/** The picture's colours: paper white, ink black; weights and activations blue below zero, red above. */
export const INK_SCALE = { paper: 'FFFFFF', ink: '000000' } as const;
export const DIVERGING_SCALE = { negative: '2166AC', zero: 'FFFFFF', positive: 'B2182B' } as const;

/** A block of `values` laid out `width` to a row (row-major), every cell in `style`. */
export function valueGrid(origin: { row: number; col: number }, values: readonly number[], width: number, style: StyleId): CellBlock {
  if (width <= 0 || values.length % width !== 0) throw invalidInput(`${values.length} values do not make rows of ${width}`);
  const rows: PlanCell[][] = [];
  for (let start = 0; start < values.length; start += width) {
    rows.push(values.slice(start, start + width).map((value): PlanCell => ({ value: finiteNumber(value), style })));
  }
  return { origin, rows };
}

/** A number the sheets can hold; a picture's values come from files, so anything else is refused. */
export function finiteNumber(value: number): number {
  if (!Number.isFinite(value)) throw invalidInput(`a picture holds ${String(value)}, not a finite number`);
  return value;
}

/** A range of `rows`×`cols` cells from `origin`. */
export function rectangle(sheet: string, origin: { row: number; col: number }, rows: number, cols: number): RangeRef {
  return { sheet, start: origin, end: { row: origin.row + rows - 1, col: origin.col + cols - 1 } };
}

/** White at 0 (paper), black at 1 (ink): the colour scale every digit is drawn with. */
export function inkScale(range: RangeRef): ColorScaleConditionalFormat {
  return { kind: 'colorScale', range, min: { value: 0, color: INK_SCALE.paper }, max: { value: 1, color: INK_SCALE.ink } };
}

/** Blue at −limit, white at 0, red at +limit: weights and activations, whose sign matters. */
export function divergingScale(range: RangeRef, limit: number): ColorScaleConditionalFormat {
  // All-zero values would leave no width to scale over.
  const a = limit > 0 && Number.isFinite(limit) ? limit : 1;
  return {
    kind: 'colorScale',
    range,
    min: { value: -a, color: DIVERGING_SCALE.negative },
    mid: { value: 0, color: DIVERGING_SCALE.zero },
    max: { value: a, color: DIVERGING_SCALE.positive },
  };
}

/** The largest |value|, for a symmetric scale shared by several pictures so that they compare. */
export function largestMagnitude(groups: readonly (readonly number[])[]): number {
  let largest = 0;
  for (const values of groups) for (const value of values) if (Math.abs(value) > largest) largest = Math.abs(value);
  return largest;
}

/** Column widths and row heights that make the given columns and rows square cells. */
export function squareCells(size: CellSize, cols: Iterable<number>, rows: Iterable<number>): {
  columnWidths: { col: number; width: number }[];
  rowHeights: { row: number; height: number }[];
} {
  return {
    columnWidths: [...cols].map((col) => ({ col, width: size.columnWidth })),
    rowHeights: [...rows].map((row) => ({ row, height: size.rowHeight })),
  };
}

/** from, from + 1, …, from + n − 1. */
export function indices(n: number, from = 0): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => from + i);
}
