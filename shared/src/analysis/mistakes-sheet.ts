import { DIGIT_SIDE, type Mistake } from './analysis.types.js';
import { invalidInput } from '../errors.js';
import type { CellBlock, ConditionalFormatPlan, PlanCell, RangeRef, SheetPlan } from '../workbook/plan.js';
import { ANALYSIS_STYLE as S, finiteNumber, indices, inkScale, rectangle, SMALL_PIXEL, squareCells, valueGrid } from './cell-pictures.js';

/**
 * The Mistakes sheet: the test digits the model got wrong, most confident first,
 * each drawn as 28×28 cells holding its pixels (0 paper to 1 ink) under a white-to-
 * black colour scale, with its true class, the class predicted and the probability
 * the model gave it underneath.
 */

export const MISTAKES_SHEET = 'Mistakes';
/** Digits drawn at most: the sheet stays a few tens of thousands of cells. */
export const MAX_MISTAKES_SHOWN = 48;
/** Digits side by side in one band. */
export const MISTAKES_PER_BAND = 6;

/** Zero-based geometry: digit i sits in band floor(i / perBand), panel i mod perBand. */
export const MISTAKES_LAYOUT = {
  firstBandRow: 3,
  /** A panel: caption row, 28 pixel rows, the labels row; then one empty column or row. */
  panelWidth: DIGIT_SIDE + 1,
  bandHeight: 1 + DIGIT_SIDE + 1 + 1,
  /** Within the labels row, the columns of each label's merged cells. */
  trueClass: { from: 0, to: 8 },
  predictedClass: { from: 9, to: 19 },
  probability: { from: 20, to: DIGIT_SIDE - 1 },
} as const;

const L = MISTAKES_LAYOUT;

/** Where digit `i` of the sheet keeps its parts. */
export interface MistakePanel {
  readonly caption: { row: number; col: number };
  /** The top-left pixel; pixel (y, x) is at (row + y, col + x). */
  readonly pixels: { row: number; col: number };
  readonly trueClass: { row: number; col: number };
  readonly predictedClass: { row: number; col: number };
  readonly probability: { row: number; col: number };
}

export function mistakePanel(i: number): MistakePanel {
  const top = L.firstBandRow + Math.floor(i / MISTAKES_PER_BAND) * L.bandHeight;
  const left = (i % MISTAKES_PER_BAND) * L.panelWidth;
  const labels = top + 1 + DIGIT_SIDE;
  return {
    caption: { row: top, col: left },
    pixels: { row: top + 1, col: left },
    trueClass: { row: labels, col: left + L.trueClass.from },
    predictedClass: { row: labels, col: left + L.predictedClass.from },
    probability: { row: labels, col: left + L.probability.from },
  };
}

function checkMistake(m: Mistake): void {
  if (m.pixels.length !== DIGIT_SIDE * DIGIT_SIDE) throw invalidInput(`mistake at test image ${m.index} has ${m.pixels.length} pixels, not ${DIGIT_SIDE * DIGIT_SIDE}`);
  if (![m.actual, m.predicted].every((c) => Number.isInteger(c) && c >= 0 && c <= 9)) throw invalidInput(`mistake at test image ${m.index} names a class outside 0..9`);
}

/**
 * The sheet for the first `MAX_MISTAKES_SHOWN` mistakes as given (most confident
 * first). `totalMistakes`, when known (from the confusion matrix), is said in the note.
 */
export function mistakesSheet(mistakes: readonly Mistake[], totalMistakes?: number): SheetPlan {
  const shown = mistakes.slice(0, MAX_MISTAKES_SHOWN);
  shown.forEach(checkMistake);
  const bands = Math.ceil(shown.length / MISTAKES_PER_BAND);
  const blocks: CellBlock[] = [
    {
      origin: { row: 0, col: 0 },
      rows: [
        [{ value: 'Mistakes: the test digits the model got wrong', style: S.title }],
        [{ value: mistakesNote(shown.length, totalMistakes), style: S.note }],
      ],
    },
  ];
  const merges: RangeRef[] = [];
  const formats: ConditionalFormatPlan[] = [];
  shown.forEach((m, i) => {
    const panel = mistakePanel(i);
    blocks.push(
      { origin: panel.caption, rows: [[{ value: `#${i + 1} · test image ${m.index}`, style: S.caption }]] },
      valueGrid(panel.pixels, m.pixels, DIGIT_SIDE, S.pixel),
    );
    const labels: [{ row: number; col: number }, { from: number; to: number }, PlanCell][] = [
      [panel.trueClass, L.trueClass, { value: m.actual, style: S.trueClass }],
      [panel.predictedClass, L.predictedClass, { value: m.predicted, style: S.predictedClass }],
      [panel.probability, L.probability, { value: finiteNumber(m.probability), style: S.probability }],
    ];
    for (const [origin, span, cell] of labels) {
      blocks.push({ origin, rows: [[cell]] });
      merges.push(rectangle(MISTAKES_SHEET, origin, 1, span.to - span.from + 1));
    }
  });
  // One scale per band's pixel rows: it spans the columns between digits too, which hold nothing.
  for (let band = 0; band < bands; band++) {
    const first = mistakePanel(band * MISTAKES_PER_BAND).pixels;
    const inBand = Math.min(MISTAKES_PER_BAND, shown.length - band * MISTAKES_PER_BAND);
    formats.push(inkScale(rectangle(MISTAKES_SHEET, first, DIGIT_SIDE, inBand * L.panelWidth - 1)));
  }
  const pixelRows = indices(bands).flatMap((band) => indices(DIGIT_SIDE, mistakePanel(band * MISTAKES_PER_BAND).pixels.row));
  return {
    name: MISTAKES_SHEET,
    tabColor: 'C00000',
    ...squareCells(SMALL_PIXEL, indices(Math.min(shown.length, MISTAKES_PER_BAND) * L.panelWidth), pixelRows),
    blocks,
    merges,
    charts: [],
    conditionalFormats: formats,
  };
}

function mistakesNote(shown: number, total: number | undefined): string {
  if (shown === 0) return 'The model got every test image right: there is no mistake to show.';
  const which = total === undefined || total === shown ? `The ${shown} mistakes` : `The ${shown} most confident of ${total.toLocaleString('en-US')} mistakes`;
  return `${which}, most confident first. Each cell holds a pixel, from 0 (paper) to 1 (ink): click one to read it. Under each digit: its true class, the class the model predicted, and the probability it gave.`;
}
