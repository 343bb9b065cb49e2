import type { ConfusionMatrix } from './analysis.types.js';
import { invalidInput } from '../errors.js';
import { a1 } from '../workbook/addresses.js';
import type { CellBlock, ConditionalFormatPlan, PlanCell, SheetPlan } from '../workbook/plan.js';
import { ANALYSIS_STYLE as S, indices, rectangle } from './cell-pictures.js';

/**
 * The Confusion sheet: the 10×10 counts (rows: the true digit, columns: the digit
 * predicted) coloured by a scale, each class's accuracy and the overall accuracy as
 * live formulas over the counts, and the same counts without the diagonal, so that
 * the mistakes stand out (4 taken for 9, 7 for 2, …).
 */

export const CONFUSION_SHEET = 'Confusion';
const CLASSES = 10;

/** Where the sheet keeps its numbers (zero-based). Counts sit at (firstRow + actual, countsCol + predicted). */
export const CONFUSION_LAYOUT = {
  headerRow: 3,
  firstRow: 4,
  countsCol: 1,
  /** Images of each true digit: the row's sum. */
  imagesCol: 11,
  /** The diagonal: images of that digit predicted right. */
  rightCol: 12,
  /** Right over images, per class. */
  accuracyCol: 13,
  /** Column sums; at accuracyCol the overall accuracy, the diagonal's sum over the total. */
  totalsRow: 14,
  /** Right over predicted, per predicted class. */
  precisionRow: 15,
  /** The run's recorded accuracy (col 1), and whether it equals the overall accuracy (row below). */
  recordedRow: 17,
  /** The second matrix: the counts without the diagonal. */
  mistakesHeaderRow: 22,
  mistakesFirstRow: 23,
} as const;

const L = CONFUSION_LAYOUT;

/** What the sheet compares its overall accuracy with: the last epoch's test accuracy, as a value or a formula. */
export type RecordedAccuracy = { readonly value: number } | { readonly formula: string; readonly result: number };

export function checkConfusion(confusion: ConfusionMatrix): void {
  const { counts, total } = confusion;
  if (counts.length !== CLASSES || counts.some((row) => row.length !== CLASSES)) throw invalidInput('a confusion matrix has 10 rows of 10 counts');
  if (!counts.every((row) => row.every((n) => Number.isInteger(n) && n >= 0))) throw invalidInput('a confusion matrix holds whole counts from 0');
  const sum = counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  if (sum !== total || total === 0) throw invalidInput(`a confusion matrix's counts add up to ${sum}, and its total says ${total}`);
}

/** The right predictions: the diagonal's sum. */
export function rightCount(confusion: ConfusionMatrix): number {
  return indices(CLASSES).reduce((sum, k) => sum + (confusion.counts[k]?.[k] ?? 0), 0);
}

export function confusionSheet(confusion: ConfusionMatrix, recorded?: RecordedAccuracy): SheetPlan {
  checkConfusion(confusion);
  const counts = confusion.counts;
  const at = (row: number, col: number) => a1({ row, col });
  const cell = (k: number, j: number) => counts[k]?.[j] ?? 0;
  const rowTotal = (k: number) => indices(CLASSES).reduce((s, j) => s + cell(k, j), 0);
  const colTotal = (j: number) => indices(CLASSES).reduce((s, k) => s + cell(k, j), 0);
  const firstCount = L.countsCol;
  const lastCount = L.countsCol + CLASSES - 1;
  const lastRow = L.firstRow + CLASSES - 1;
  const span = (row: number) => `${at(row, firstCount)}:${at(row, lastCount)}`;
  const columnSpan = (col: number) => `${at(L.firstRow, col)}:${at(lastRow, col)}`;
  const ratio = (right: number, of: number): number | string => (of === 0 ? '' : right / of);
  const header = (text: string | number): PlanCell => ({ value: text, style: S.header });

  const matrixRows: PlanCell[][] = indices(CLASSES).map((k) => {
    const row = L.firstRow + k;
    return [
      header(k),
      ...indices(CLASSES).map((j): PlanCell => ({ value: cell(k, j), style: S.count })),
      { formula: `SUM(${span(row)})`, result: rowTotal(k), style: S.total },
      { formula: at(row, L.countsCol + k), result: cell(k, k), style: S.total },
      // A class without test images (a run on a few of them) has no accuracy rather than a #DIV/0!.
      { formula: `IF(${at(row, L.imagesCol)}=0,"",${at(row, L.rightCol)}/${at(row, L.imagesCol)})`, result: ratio(cell(k, k), rowTotal(k)), style: S.percent },
    ];
  });
  const right = rightCount(confusion);
  const overall = right / confusion.total;
  const totalsRow: PlanCell[] = [
    { value: 'Predicted', style: S.header },
    ...indices(CLASSES).map((j): PlanCell => ({ formula: `SUM(${columnSpan(L.countsCol + j)})`, result: colTotal(j), style: S.total })),
    { formula: `SUM(${columnSpan(L.imagesCol)})`, result: confusion.total, style: S.total },
    { formula: `SUM(${columnSpan(L.rightCol)})`, result: right, style: S.total },
    { formula: `${at(L.totalsRow, L.rightCol)}/${at(L.totalsRow, L.imagesCol)}`, result: overall, style: S.totalPercent },
  ];
  const precisionRow: PlanCell[] = [
    { value: 'Precision', style: S.header },
    ...indices(CLASSES).map((j): PlanCell => {
      const col = L.countsCol + j;
      return { formula: `IF(${at(L.totalsRow, col)}=0,"",${at(L.firstRow + j, col)}/${at(L.totalsRow, col)})`, result: ratio(cell(j, j), colTotal(j)), style: S.percent };
    }),
  ];

  const overallCell = at(L.totalsRow, L.accuracyCol);
  const recordedCell = at(L.recordedRow, 1);
  const recordedValue = recorded === undefined ? undefined : 'value' in recorded ? recorded.value : recorded.result;
  const recordedBlock: CellBlock = {
    origin: { row: L.recordedRow, col: 0 },
    rows:
      recorded === undefined || recordedValue === undefined
        ? [[{ value: 'The run recorded no test accuracy to compare with.', style: S.note }]]
        : [
            [{ value: 'Last epoch’s test accuracy', style: S.label }, { ...recorded, style: S.totalPercent }],
            [
              { value: 'Equals the overall accuracy', style: S.label },
              // Both are right/total over the same images; rounding keeps float noise from saying FALSE.
              { formula: `ROUND(${overallCell}-${recordedCell},9)=0`, result: Math.round((overall - recordedValue) * 1e9) === 0, style: S.check },
            ],
          ],
  };

  const mistakes = mistakesOnly(at, cell);
  const countsRange = rectangle(CONFUSION_SHEET, { row: L.firstRow, col: L.countsCol }, CLASSES, CLASSES);
  const formats: ConditionalFormatPlan[] = [
    { kind: 'colorScale', range: countsRange, min: { value: 0, color: 'FFFFFF' }, max: { color: '5B9BD5' } },
    {
      kind: 'colorScale',
      range: rectangle(CONFUSION_SHEET, { row: L.firstRow, col: L.accuracyCol }, CLASSES, 1),
      min: { color: 'F8696B' },
      mid: { color: 'FFEB84' },
      max: { color: '63BE7B' },
    },
    { kind: 'colorScale', range: rectangle(CONFUSION_SHEET, { row: L.mistakesFirstRow, col: L.countsCol }, CLASSES, CLASSES), min: { value: 0, color: 'FFFFFF' }, max: { color: 'F8696B' } },
  ];
  if (recordedValue !== undefined) {
    const check = rectangle(CONFUSION_SHEET, { row: L.recordedRow + 1, col: 1 }, 1, 1);
    formats.push(
      { kind: 'formula', range: check, formula: `${at(L.recordedRow + 1, 1)}=TRUE`, style: { fill: 'C6EFCE', fontColor: '006100' } },
      { kind: 'formula', range: check, formula: `${at(L.recordedRow + 1, 1)}=FALSE`, style: { fill: 'FFC7CE', fontColor: '9C0006' } },
    );
  }

  return {
    name: CONFUSION_SHEET,
    tabColor: '5B9BD5',
    columnWidths: [{ col: 0, width: 32 }, ...indices(CLASSES).map((j) => ({ col: L.countsCol + j, width: 9 })), { col: L.imagesCol, width: 10 }, { col: L.rightCol, width: 10 }, { col: L.accuracyCol, width: 11 }],
    blocks: [
      {
        origin: { row: 0, col: 0 },
        rows: [
          [{ value: 'Confusion matrix', style: S.title }],
          [{ value: `Rows: the true digit. Columns: the digit the model predicted, over ${confusion.total.toLocaleString('en-US')} test images. The diagonal holds the right answers.`, style: S.note }],
        ],
      },
      {
        origin: { row: L.headerRow, col: 0 },
        rows: [
          [header('True ↓  Predicted →'), ...indices(CLASSES).map(header), header('Images'), header('Right'), header('Accuracy')],
          ...matrixRows,
          totalsRow,
          precisionRow,
        ],
      },
      recordedBlock,
      mistakes,
    ],
    charts: [],
    conditionalFormats: formats,
  };
}

/** The counts again, without the diagonal, so that a scale over them shows where the mistakes go. */
function mistakesOnly(at: (row: number, col: number) => string, cell: (k: number, j: number) => number): CellBlock {
  const header = (text: string | number): PlanCell => ({ value: text, style: S.header });
  const lastCount = L.countsCol + CLASSES - 1;
  const rows: PlanCell[][] = indices(CLASSES).map((k) => {
    const row = L.mistakesFirstRow + k;
    const wrong = indices(CLASSES).reduce((s, j) => (j === k ? s : s + cell(k, j)), 0);
    return [
      header(k),
      ...indices(CLASSES).map((j): PlanCell => (j === k ? { value: '', style: S.diagonal } : { formula: at(L.firstRow + k, L.countsCol + j), result: cell(k, j), style: S.count })),
      { formula: `SUM(${at(row, L.countsCol)}:${at(row, lastCount)})`, result: wrong, style: S.total },
    ];
  });
  const lastRow = L.mistakesFirstRow + CLASSES - 1;
  const mistakenFor: PlanCell[] = [
    { value: 'Mistaken for', style: S.header },
    ...indices(CLASSES).map((j): PlanCell => {
      const col = L.countsCol + j;
      const wrong = indices(CLASSES).reduce((s, k) => (j === k ? s : s + cell(k, j)), 0);
      return { formula: `SUM(${at(L.mistakesFirstRow, col)}:${at(lastRow, col)})`, result: wrong, style: S.total };
    }),
  ];
  return {
    origin: { row: L.mistakesHeaderRow - 2, col: 0 },
    rows: [
      [{ value: 'Where the mistakes go', style: S.heading }],
      [{ value: 'The same counts without the diagonal: the darker a cell, the more often that digit was taken for another.', style: S.note }],
      [header('True ↓  Predicted →'), ...indices(CLASSES).map(header), header('Mistakes')],
      ...rows,
      mistakenFor,
    ],
  };
}
