import ExcelJS from 'exceljs';
import {
  ANSWER_QUANTITIES,
  answerCells,
  answerKey,
  headerOf,
  parametersByLabel,
  quantityOfHeader,
  SHEET_NAMES,
  STEP_HEADER,
  STUDENT_LABELS,
  WEIGHT_NUMBERS,
  type AnswerQuantity,
  type BackpropParameters,
  type SubmittedCell,
  type SubmissionValues,
  type Weights,
} from '@gradsheet/shared';
import { removeOutsideReferences, type OutsideReference } from './outside-references.js';
import { submissionError } from './submission-errors.js';

/**
 * Finds a submission's cells by their labels, not their addresses: the Backprop
 * table by its header row (wherever it now is) and its step numbers, the
 * parameters and the student id by the labels beside them. A learner who inserts
 * a row or a column loses nothing.
 */

export interface CellLocation {
  readonly sheet: string;
  readonly row: number;
  readonly col: number;
}

export interface ReadSubmission {
  readonly workbook: ExcelJS.Workbook;
  readonly claimedId: string | null;
  readonly values: SubmissionValues & { readonly parameters: BackpropParameters };
  /** Where each answer cell was found, by answerKey. */
  readonly locations: ReadonlyMap<string, CellLocation>;
  /** Formulas that reached outside the workbook: taken out of it (the workbook above no longer holds them), and scoring nothing. */
  readonly outside: readonly OutsideReference[];
}

/** How far down and across labels are looked for: far past the template's layout, short of a whole sheet. */
const SEARCH_ROWS = 200;
const SEARCH_COLS = 60;

export async function readSubmission(xlsx: Buffer, steps: number): Promise<ReadSubmission> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw submissionError('SUBMISSION_UNREADABLE', `could not be read as a workbook (${error instanceof Error ? error.message : String(error)})`);
  }
  // Before anything is read from it: what reaches outside scores nothing, and no copy of the workbook may carry it.
  const outside = removeOutsideReferences(workbook);
  const outsideAt = new Map(outside.map((o) => [o.where, o.why]));
  const table = findStepTable(workbook);
  const { parameters, claimedId } = readParameters(workbook);

  const locations = new Map<string, CellLocation>();
  const cells = new Map<string, SubmittedCell>();
  for (const cell of answerCells(steps)) {
    const row = table.rowOfStep.get(cell.step);
    const col = table.colOf.get(cell.quantity);
    if (row === undefined || col === undefined) continue;
    const key = answerKey(cell);
    locations.set(key, { sheet: table.sheet.name, row, col });
    const found = table.sheet.getCell(row, col);
    const why = outsideAt.get(`${table.sheet.name}!${found.address}`);
    const submitted = why === undefined ? submittedCell(found) : { value: null, nonNumeric: `a formula that reaches outside the workbook (${why})`, formula: null };
    if (submitted) cells.set(key, submitted);
  }
  const step0 = table.rowOfStep.get(0);
  const given = WEIGHT_NUMBERS.map((k) => {
    const col = table.colOf.get(`w${k}`);
    const value = step0 === undefined || col === undefined ? undefined : submittedCell(table.sheet.getCell(step0, col))?.value;
    return typeof value === 'number' ? value : undefined;
  });
  const givenWeights = given.every((x) => x !== undefined) ? (given as unknown as Weights) : undefined;
  return {
    workbook,
    claimedId,
    values: { parameters, cells, ...(givenWeights ? { givenWeights } : {}) },
    locations,
    outside,
  };
}

/** A cell's text when it holds text (plain, rich, or a formula's text result). */
export function cellText(cell: ExcelJS.Cell): string | undefined {
  const v = cell.value;
  if (typeof v === 'string') return v.trim();
  if (v && typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('').trim();
  if (v && typeof v === 'object' && 'result' in v && typeof v.result === 'string') return v.result.trim();
  return undefined;
}

/** A cell as grading sees it, or undefined when it is empty. */
export function submittedCell(cell: ExcelJS.Cell): SubmittedCell | undefined {
  const v = cell.value;
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'number') return { value: v, formula: null };
  if (typeof v === 'string') return { value: null, nonNumeric: `the text "${v.slice(0, 40)}"`, formula: null };
  if (typeof v === 'boolean') return { value: null, nonNumeric: v ? 'TRUE' : 'FALSE', formula: null };
  if (v instanceof Date) return { value: null, nonNumeric: 'a date', formula: null };
  if ('error' in v) return { value: null, nonNumeric: String(v.error), formula: null };
  if ('richText' in v) return { value: null, nonNumeric: `the text "${cellText(cell) ?? ''}"`, formula: null };
  if ('formula' in v || 'sharedFormula' in v) {
    const formula = cell.formula ?? null;
    const result = (v as ExcelJS.CellFormulaValue).result;
    if (typeof result === 'number') return { value: result, formula };
    if (result && typeof result === 'object' && 'error' in result) return { value: null, nonNumeric: String(result.error), formula };
    if (result === undefined || result === null) return { value: null, nonNumeric: 'no saved result (open the workbook in Excel and save it again)', formula };
    return { value: null, nonNumeric: typeof result === 'string' ? `the text "${result}"` : String(result), formula };
  }
  return { value: null, nonNumeric: 'something that is not a number', formula: null };
}

interface StepTable {
  readonly sheet: ExcelJS.Worksheet;
  readonly colOf: ReadonlyMap<AnswerQuantity, number>;
  readonly rowOfStep: ReadonlyMap<number, number>;
}

/** Sheets to search, the template's own first. */
function sheetsPreferring(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet[] {
  const sheets = workbook.worksheets.filter((s) => s.state !== 'veryHidden');
  return [...sheets.filter((s) => s.name === name), ...sheets.filter((s) => s.name !== name)];
}

function findStepTable(workbook: ExcelJS.Workbook): StepTable {
  const required = [STEP_HEADER, headerOf('aH1'), headerOf('eTotal')];
  for (const sheet of sheetsPreferring(workbook, SHEET_NAMES.steps)) {
    const lastRow = Math.min(sheet.rowCount, SEARCH_ROWS);
    for (let r = 1; r <= lastRow; r++) {
      const texts = new Map<number, string>();
      const row = sheet.getRow(r);
      for (let c = 1; c <= Math.min(row.cellCount, SEARCH_COLS); c++) {
        const text = cellText(row.getCell(c));
        if (text) texts.set(c, text);
      }
      const found = new Set(texts.values());
      if (!required.every((h) => found.has(h))) continue;
      const colOf = new Map<AnswerQuantity, number>();
      let stepCol = 0;
      for (const [c, text] of texts) {
        if (text === STEP_HEADER && stepCol === 0) stepCol = c;
        const quantity = quantityOfHeader(text);
        if (quantity && !colOf.has(quantity)) colOf.set(quantity, c);
      }
      const rowOfStep = new Map<number, number>();
      // Only the rows the file holds: a sheet's row count is its highest row number, which a file of a
      // few KB may set to 1,048,576, and asking for each row up to it would make every one of them.
      sheet.eachRow((row, below) => {
        if (below <= r) return;
        const value = row.findCell(stepCol)?.value;
        const step = typeof value === 'number' ? value : typeof value === 'object' && value && 'result' in value ? value.result : undefined;
        if (typeof step === 'number' && Number.isInteger(step) && step >= 0 && !rowOfStep.has(step)) rowOfStep.set(step, below);
      });
      const missing = ANSWER_QUANTITIES.filter((q) => !colOf.has(q));
      if (missing.length > 0) {
        throw submissionError('SUBMISSION_NOT_AN_EXERCISE', `its step table on "${sheet.name}" lacks the column${missing.length > 1 ? 's' : ''} ${missing.map(headerOf).join(', ')}`);
      }
      return { sheet, colOf, rowOfStep };
    }
  }
  throw submissionError('SUBMISSION_NOT_AN_EXERCISE', `is not a GradSheet exercise: no sheet has the step table's headers (${required.join(', ')})`);
}

function readParameters(workbook: ExcelJS.Workbook): { parameters: BackpropParameters; claimedId: string | null } {
  let firstProblem = 'no sheet holds the parameters';
  for (const sheet of sheetsPreferring(workbook, SHEET_NAMES.parameters)) {
    const labels = new Map<string, { row: number; col: number }>();
    const lastRow = Math.min(sheet.rowCount, SEARCH_ROWS);
    for (let r = 1; r <= lastRow; r++) {
      const row = sheet.getRow(r);
      for (let c = 1; c <= Math.min(row.cellCount, SEARCH_COLS); c++) {
        const text = cellText(row.getCell(c));
        if (text && !labels.has(text)) labels.set(text, { row: r, col: c });
      }
    }
    // The value is the first cell to the right of its label that holds one.
    const right = (label: string): SubmittedCell | undefined => {
      const at = labels.get(label);
      if (!at) return undefined;
      for (let c = at.col + 1; c <= at.col + 4; c++) {
        const cell = submittedCell(sheet.getCell(at.row, c));
        if (cell) return cell;
      }
      return undefined;
    };
    const found = parametersByLabel((label) => right(label)?.value ?? undefined);
    if ('missing' in found) {
      if (found.missing.length < 13 && sheet.name === SHEET_NAMES.parameters) firstProblem = `"${sheet.name}" has no number beside ${found.missing.join(', ')}`;
      continue;
    }
    return { parameters: found, claimedId: textRightOf(sheet, labels.get(STUDENT_LABELS.id)) };
  }
  throw submissionError('SUBMISSION_NOT_AN_EXERCISE', `is not a GradSheet exercise: ${firstProblem}`);
}

/** The first text or number to the right of a label, as text. */
function textRightOf(sheet: ExcelJS.Worksheet, at: { row: number; col: number } | undefined): string | null {
  if (!at) return null;
  for (let c = at.col + 1; c <= at.col + 4; c++) {
    const cell = sheet.getCell(at.row, c);
    const text = cellText(cell) ?? (typeof cell.value === 'number' ? String(cell.value) : undefined);
    if (text) return text;
  }
  return null;
}
