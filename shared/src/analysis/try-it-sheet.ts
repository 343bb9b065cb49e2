import { DIGIT_SIDE } from './analysis.types.js';
import { a1, rangeFormula } from '../workbook/addresses.js';
import type { PlanCell, RangeRef, SheetPlan, WorkbookPlan } from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';
import { ANALYSIS_STYLE as S, ANALYSIS_STYLES, indices, inkScale, LARGE_PIXEL, rectangle, squareCells } from './cell-pictures.js';

/**
 * The Try it sheet: a 28×28 grid in which a learner draws a digit by typing values
 * from 0 (paper) to 1 (ink), drawn live by the same colour scale as the test digits;
 * beside it the ten probabilities that the pane's Predict writes, the digit they
 * pick (a live formula), and a bar chart of them. The sheet is protected: only the
 * grid and the probabilities take input.
 */

export const TRY_IT_SHEET = 'Try it';

const GRID_ORIGIN = { row: 4, col: 0 } as const;
const PROBABILITY_COL = DIGIT_SIDE + 2;
const HEADER_ROW = GRID_ORIGIN.row;
const FIRST_PROBABILITY_ROW = HEADER_ROW + 1;
const PREDICTED_ROW = FIRST_PROBABILITY_ROW + 11;

/**
 * Where the pane and `gradsheet predict --grid` find things: the grid (28 rows of 28
 * values, row-major, blank meaning 0), the ten probabilities (digit 0 on top), and the
 * cell holding the digit they pick. `checkDigitGrid` reads the grid's values back.
 */
export const TRY_IT = {
  sheet: TRY_IT_SHEET,
  grid: rectangle(TRY_IT_SHEET, GRID_ORIGIN, DIGIT_SIDE, DIGIT_SIDE),
  probabilities: rectangle(TRY_IT_SHEET, { row: FIRST_PROBABILITY_ROW, col: PROBABILITY_COL + 1 }, 10, 1),
  predicted: rectangle(TRY_IT_SHEET, { row: PREDICTED_ROW, col: PROBABILITY_COL + 1 }, 1, 1),
} as const satisfies Record<string, RangeRef | string>;

/** The grid as a formula reference: `'Try it'!$A$5:$AB$32`. */
export const TRY_IT_GRID_ADDRESS = rangeFormula(TRY_IT.grid);

export function tryItSheet(): SheetPlan {
  const probabilities = `${a1(TRY_IT.probabilities.start, { row: true, col: true })}:${a1(TRY_IT.probabilities.end, { row: true, col: true })}`;
  const gridRows: PlanCell[][] = indices(DIGIT_SIDE).map(() => indices(DIGIT_SIDE).map(() => null));
  const header = (text: string): PlanCell => ({ value: text, style: S.header });
  const label = (text: string): PlanCell => ({ value: text, style: S.label });
  const picks = `MATCH(MAX(${probabilities}),${probabilities},0)-1`;
  return {
    name: TRY_IT_SHEET,
    tabColor: '70AD47',
    ...withWidths(squareCells(LARGE_PIXEL, indices(DIGIT_SIDE + 1), indices(DIGIT_SIDE, GRID_ORIGIN.row)), [
      { col: PROBABILITY_COL, width: 18 },
      { col: PROBABILITY_COL + 1, width: 12 },
    ]),
    blocks: [
      {
        origin: { row: 0, col: 0 },
        rows: [
          [{ value: 'Try it: draw a digit', style: S.title }],
          [{ value: 'Type values in the grid from 0 (paper) to 1 (ink); a blank cell is 0. To draw a stroke, select cells, type 1 and press Ctrl+Enter.', style: S.note }],
          [{ value: 'Then press Predict in the GradSheet pane: the ten probabilities appear beside the grid, as the trained model gives them.', style: S.note }],
        ],
      },
      // The grid's cells are blank but styled: open to the learner, value hidden behind its colour.
      { origin: GRID_ORIGIN, rows: gridRows, columnStyles: indices(DIGIT_SIDE).map(() => S.gridInput) },
      {
        origin: { row: HEADER_ROW, col: PROBABILITY_COL },
        rows: [
          [header('Digit'), header('Probability')],
          ...indices(10).map((d): PlanCell[] => [{ value: d, style: S.integer }]),
          [],
          [label('Predicted digit'), { formula: `IF(COUNT(${probabilities})=0,"",${picks})`, result: '', style: S.check }],
          [label('Its probability'), { formula: `IF(COUNT(${probabilities})=0,"",MAX(${probabilities}))`, result: '', style: S.totalPercent }],
        ],
      },
      // Blank until Predict writes them; open to the pane on the protected sheet.
      { origin: TRY_IT.probabilities.start, rows: indices(10).map(() => [null]), columnStyles: [S.probabilityInput] },
    ],
    charts: [
      {
        kind: 'bar',
        title: 'Probability of each digit',
        xAxisTitle: 'Digit',
        yAxisTitle: 'Probability',
        categories: rectangle(TRY_IT_SHEET, { row: FIRST_PROBABILITY_ROW, col: PROBABILITY_COL }, 10, 1),
        series: [{ name: 'Probability', values: TRY_IT.probabilities }],
        anchor: { from: { row: PREDICTED_ROW + 3, col: PROBABILITY_COL }, to: { row: PREDICTED_ROW + 3 + 16, col: PROBABILITY_COL + 6 } },
      },
    ],
    conditionalFormats: [inkScale(TRY_IT.grid)],
    protect: true,
  };
}

function withWidths<T extends { columnWidths: { col: number; width: number }[] }>(cells: T, more: { col: number; width: number }[]): T {
  return { ...cells, columnWidths: [...cells.columnWidths, ...more] };
}

/** The Try it sheet alone, for the pane to add to the open workbook. */
export function tryItPlan(): WorkbookPlan {
  return validatePlan({ title: 'GradSheet: try it', styles: ANALYSIS_STYLES, names: [], sheets: [tryItSheet()] });
}
