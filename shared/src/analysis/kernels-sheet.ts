import { DIGIT_SIDE, type FirstLayerKernels } from './analysis.types.js';
import { invalidInput } from '../errors.js';
import { a1 } from '../workbook/addresses.js';
import type { CellBlock, ConditionalFormatPlan, PlanCell, RangeRef, SheetPlan } from '../workbook/plan.js';
import { ANALYSIS_STYLE as S, divergingScale, finiteNumber, indices, inkScale, largestMagnitude, rectangle, SMALL_PIXEL, squareCells, valueGrid } from './cell-pictures.js';

/**
 * The Kernels sheet: the first convolution's filters as heat-maps of their weights
 * (blue below zero, red above, each centred on 0), each above its feature map on one
 * test digit, drawn the same way beside that digit. A weight takes a square of m×m
 * cells, big enough to show its number.
 */

export const KERNELS_SHEET = 'Kernels';
/** Panels side by side in one band; the digit is the first panel. */
export const KERNEL_PANELS_PER_BAND = 4;
const FIRST_BAND_ROW = 4;

/** Cells per side of one weight's square: a 3×3 kernel becomes 12×12 cells. */
export function kernelMagnification(kernelSize: number): number {
  return Math.max(1, Math.min(4, Math.floor(DIGIT_SIDE / kernelSize)));
}

/** Where the sheet puts each part (zero-based). Panel 0 is the digit; panel f + 1 is filter f. */
export interface KernelsLayout {
  readonly panelWidth: number;
  readonly bandHeight: number;
  readonly magnification: number;
  /** The top-left of panel p's caption, kernel (filters), feature map (filters) or pixels (the digit). */
  panel(p: number): { caption: Cell; kernel: Cell; map: Cell; pixels: Cell };
  /** The cell showing weight i (row by row) of the kernel whose top-left is `kernel`. */
  weight(kernel: Cell, i: number): Cell;
}

interface Cell {
  readonly row: number;
  readonly col: number;
}

export function kernelsLayout(kernels: FirstLayerKernels): KernelsLayout {
  const k = kernels.kernelSize;
  const magnification = kernelMagnification(k);
  const maps = kernels.digits[0]?.maps ?? [];
  const mapHeight = Math.max(0, ...maps.map((m) => m.height));
  const mapWidth = Math.max(0, ...maps.map((m) => m.width));
  const kernelSide = k * magnification;
  const panelWidth = Math.max(DIGIT_SIDE, mapWidth, kernelSide) + 1;
  // Caption, then the tallest of the digit or a kernel with its map under it, then an empty row.
  const body = Math.max(kernels.digits.length > 0 ? DIGIT_SIDE : 0, kernelSide + (mapHeight > 0 ? 1 + mapHeight : 0));
  const bandHeight = 1 + body + 1;
  return {
    panelWidth,
    bandHeight,
    magnification,
    panel(p) {
      const top = FIRST_BAND_ROW + Math.floor(p / KERNEL_PANELS_PER_BAND) * bandHeight;
      const left = (p % KERNEL_PANELS_PER_BAND) * panelWidth;
      return {
        caption: { row: top, col: left },
        pixels: { row: top + 1, col: left },
        kernel: { row: top + 1, col: left },
        map: { row: top + 1 + kernelSide + 1, col: left },
      };
    },
    weight(kernel, i) {
      return { row: kernel.row + Math.floor(i / k) * magnification + middle(magnification), col: kernel.col + (i % k) * magnification };
    },
  };
}

/** The row of an m-cell square that shows its number: the middle one, or above the middle. */
function middle(m: number): number {
  return Math.floor((m - 1) / 2);
}

function checkKernels(kernels: FirstLayerKernels): void {
  const k = kernels.kernelSize;
  if (!Number.isInteger(k) || k < 1 || k > DIGIT_SIDE) throw invalidInput(`a kernel size of ${k} cannot be drawn`);
  if (kernels.weights.length === 0) throw invalidInput('the first convolution has no filters to draw');
  kernels.weights.forEach((w, f) => {
    if (w.length !== k * k) throw invalidInput(`filter ${f + 1} has ${w.length} weights, not ${k}×${k}`);
  });
  for (const digit of kernels.digits) {
    if (digit.pixels.length !== DIGIT_SIDE * DIGIT_SIDE) throw invalidInput(`test image ${digit.index} has ${digit.pixels.length} pixels, not ${DIGIT_SIDE * DIGIT_SIDE}`);
    if (digit.maps.length !== kernels.weights.length) throw invalidInput(`test image ${digit.index} has ${digit.maps.length} feature maps for ${kernels.weights.length} filters`);
    digit.maps.forEach((m, f) => {
      if (m.values.length !== m.height * m.width || m.height > DIGIT_SIDE || m.width > DIGIT_SIDE) throw invalidInput(`feature map ${f + 1} of test image ${digit.index} is not ${m.height}×${m.width} values`);
    });
  }
}

/** The sheet for the first digit that `kernels` keeps (the others are for other views). */
export function kernelsSheet(kernels: FirstLayerKernels): SheetPlan {
  checkKernels(kernels);
  const layout = kernelsLayout(kernels);
  const k = kernels.kernelSize;
  const m = layout.magnification;
  const digit = kernels.digits[0];
  const blocks: CellBlock[] = [
    {
      origin: { row: 0, col: 0 },
      rows: [
        [{ value: 'Kernels: what the first convolution looks for', style: S.title }],
        ...kernelsNote(kernels, digit?.index).map((line): PlanCell[] => [{ value: line, style: S.note }]),
      ],
    },
  ];
  const merges: RangeRef[] = [];
  const formats: ConditionalFormatPlan[] = [];

  if (digit) {
    const panel = layout.panel(0);
    blocks.push(
      { origin: panel.caption, rows: [[{ value: `Test image ${digit.index}: a ${digit.actual}`, style: S.label }]] },
      valueGrid(panel.pixels, digit.pixels, DIGIT_SIDE, S.pixel),
    );
    formats.push(inkScale(rectangle(KERNELS_SHEET, panel.pixels, DIGIT_SIDE, DIGIT_SIDE)));
  }
  kernels.weights.forEach((weights, f) => {
    const panel = layout.panel(digit ? f + 1 : f);
    blocks.push({ origin: panel.caption, rows: [[{ value: `Filter ${f + 1}`, style: S.label }]] });
    blocks.push(kernelBlock(panel.kernel, weights, k, m, layout));
    if (m > 1) {
      for (const i of indices(k * k)) merges.push(rectangle(KERNELS_SHEET, layout.weight(panel.kernel, i), 1, m));
    }
    formats.push(divergingScale(rectangle(KERNELS_SHEET, panel.kernel, k * m, k * m), largestMagnitude([weights])));
    const map = digit?.maps[f];
    if (map && map.height > 0) {
      blocks.push(valueGrid(panel.map, map.values, map.width, S.pixel));
      formats.push(divergingScale(rectangle(KERNELS_SHEET, panel.map, map.height, map.width), largestMagnitude([map.values])));
    }
  });

  const panels = kernels.weights.length + (digit ? 1 : 0);
  const bands = Math.ceil(panels / KERNEL_PANELS_PER_BAND);
  // Every row of a band but its caption and the empty row after it is a row of square cells.
  const squareRows = indices(bands).flatMap((band) => indices(layout.bandHeight - 2, FIRST_BAND_ROW + band * layout.bandHeight + 1));
  return {
    name: KERNELS_SHEET,
    tabColor: 'B2182B',
    ...squareCells(SMALL_PIXEL, indices(Math.min(panels, KERNEL_PANELS_PER_BAND) * layout.panelWidth), squareRows),
    blocks,
    merges,
    charts: [],
    conditionalFormats: formats,
  };
}

/**
 * One kernel as k×k squares of m×m cells: the weight itself in the square's middle
 * row, merged across the square so its number shows, and every other cell of the
 * square a formula equal to it, so the whole square takes the weight's colour (and
 * follows it, should a learner change the weight).
 */
function kernelBlock(origin: Cell, weights: readonly number[], k: number, m: number, layout: KernelsLayout): CellBlock {
  const rows: PlanCell[][] = indices(k * m).map(() => indices(k * m).map((): PlanCell => null));
  for (const i of indices(k * k)) {
    const weight = finiteNumber(weights[i] as number);
    const shown = layout.weight(origin, i);
    const top = origin.row + Math.floor(i / k) * m;
    const left = origin.col + (i % k) * m;
    for (const r of indices(m, top)) {
      for (const c of indices(m, left)) {
        const row = rows[r - origin.row] as PlanCell[];
        if (r === shown.row) row[c - origin.col] = c === shown.col ? { value: weight, style: S.weight } : null;
        else row[c - origin.col] = { formula: a1(shown, { row: true, col: true }), result: weight, style: S.pixel };
      }
    }
  }
  return { origin, rows };
}

/** Two lines: a long one would run past what a window shows. */
function kernelsNote(kernels: FirstLayerKernels, digitIndex: number | undefined): [string, string] {
  const k = kernels.kernelSize;
  const filters = `The first convolution's ${kernels.weights.length} filters: ${k}×${k} weights each (of the first input channel), blue below zero and red above, each on its own scale.`;
  if (digitIndex === undefined) return [filters, 'Click a weight to read it.'];
  return [filters, `Under each filter, its feature map on test image ${digitIndex}: the filter slid over the digit, before BatchNorm and ReLU. Red where the filter finds its pattern, blue where it finds the opposite.`];
}
