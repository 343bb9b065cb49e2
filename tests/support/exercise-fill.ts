import ExcelJS from 'exceljs';
import { answerCells, answerKey, columnLetters, columnOf, type AnswerCell } from '@gradsheet/shared';

/**
 * Fills an exercise workbook as a student would: a formula in each answer cell,
 * typed by hand in A1 notation (not GradSheet's own formula builders), referring
 * to cells by address and to the parameters by their names. LibreOffice then
 * computes the values, independently of GradSheet's engine.
 */

export interface FillOptions {
  /** Answer keys ("step:quantity") whose cell gets this number typed in instead of a formula. */
  readonly typed?: ReadonlyMap<string, number>;
  /** Answer keys whose formula is off by +0.1: a slip upstream. */
  readonly slips?: ReadonlySet<string>;
  /** Fill only the steps before this one; later answer cells stay empty. */
  readonly stepsFilled?: number;
  /** Insert a row of the student's own above the step table, and a column before it. */
  readonly insertRowAndColumn?: boolean;
  /** Write this id into the Student id cell (a student who took someone else's file). */
  readonly studentId?: string;
  /** Change parameters on the Parameters sheet, by label (e.g. "i1"), as a student who unprotected it might. */
  readonly parameterEdits?: ReadonlyMap<string, number>;
}

const FIRST_DATA_ROW = 2; // one-based: row 1 holds the headers

export async function fillExercise(templatePath: string, outPath: string, steps: number, options: FillOptions = {}): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(templatePath);
  const sheet = workbook.getWorksheet('Backprop')!;
  let rowShift = 0;
  let colShift = 0;
  if (options.insertRowAndColumn) {
    sheet.spliceRows(1, 0, ['My working: one row per step']);
    sheet.spliceColumns(1, 0, ['notes']);
    rowShift = 1;
    colShift = 1;
  }
  const at = (cell: AnswerCell | { step: number; quantity: string }, rowOffset = 0): string =>
    `${columnLetters(columnOf(cell.quantity as AnswerCell['quantity']) + colShift)}${FIRST_DATA_ROW + cell.step + rowShift + rowOffset}`;
  for (const cell of answerCells(steps)) {
    if (cell.step >= (options.stepsFilled ?? steps)) continue;
    const key = answerKey(cell);
    const target = sheet.getCell(at(cell));
    const typed = options.typed?.get(key);
    if (typed !== undefined) {
      target.value = typed;
      continue;
    }
    const formula = studentFormula(cell, (quantity, rowOffset = 0) => at({ step: cell.step, quantity }, rowOffset));
    target.value = { formula: options.slips?.has(key) ? `${formula}+0.1` : formula } as ExcelJS.CellFormulaValue;
  }
  const parameters = workbook.getWorksheet('Parameters')!;
  parameters.eachRow((row) => {
    const label = String(row.getCell(1).value);
    if (label === 'Student id' && options.studentId !== undefined) row.getCell(2).value = options.studentId;
    const edit = options.parameterEdits?.get(label);
    if (edit !== undefined) row.getCell(2).value = edit;
  });
  await workbook.xlsx.writeFile(outPath);
}

/** The formula a student types for one cell; `ref(q, -1)` is quantity q one row up. */
function studentFormula(cell: AnswerCell, ref: (quantity: string, rowOffset?: number) => string): string {
  const w = (k: number) => ref(`w${k}`);
  const d1 = `(${ref('aO1')}-Target_t1)*${ref('aO1')}*(1-${ref('aO1')})`;
  const d2 = `(${ref('aO2')}-Target_t2)*${ref('aO2')}*(1-${ref('aO2')})`;
  const q = cell.quantity;
  const weight = /^w(\d)$/.exec(q);
  if (weight) return `${ref(q, -1)}-LearningRate*${ref(`dw${weight[1]}`, -1)}`;
  switch (q) {
    case 'h1':
      return `${w(1)}*Input_i1+${w(2)}*Input_i2`;
    case 'h2':
      return `${w(3)}*Input_i1+${w(4)}*Input_i2`;
    case 'aH1':
      return `1/(1+EXP(-${ref('h1')}))`;
    case 'aH2':
      return `1/(1+EXP(-${ref('h2')}))`;
    case 'o1':
      return `${w(5)}*${ref('aH1')}+${w(6)}*${ref('aH2')}`;
    case 'o2':
      return `${w(7)}*${ref('aH1')}+${w(8)}*${ref('aH2')}`;
    case 'aO1':
      return `1/(1+EXP(-${ref('o1')}))`;
    case 'aO2':
      return `1/(1+EXP(-${ref('o2')}))`;
    case 'e1':
      return `0.5*(Target_t1-${ref('aO1')})^2`;
    case 'e2':
      return `0.5*(Target_t2-${ref('aO2')})^2`;
    case 'eTotal':
      return `${ref('e1')}+${ref('e2')}`;
    case 'dw1':
      return `(${d1}*${w(5)}+${d2}*${w(7)})*${ref('aH1')}*(1-${ref('aH1')})*Input_i1`;
    case 'dw2':
      return `(${d1}*${w(5)}+${d2}*${w(7)})*${ref('aH1')}*(1-${ref('aH1')})*Input_i2`;
    case 'dw3':
      return `(${d1}*${w(6)}+${d2}*${w(8)})*${ref('aH2')}*(1-${ref('aH2')})*Input_i1`;
    case 'dw4':
      return `(${d1}*${w(6)}+${d2}*${w(8)})*${ref('aH2')}*(1-${ref('aH2')})*Input_i2`;
    case 'dw5':
      return `${d1}*${ref('aH1')}`;
    case 'dw6':
      return `${d1}*${ref('aH2')}`;
    case 'dw7':
      return `${d2}*${ref('aH1')}`;
    case 'dw8':
      return `${d2}*${ref('aH2')}`;
    default:
      throw new Error(`no formula for ${q}`);
  }
}
