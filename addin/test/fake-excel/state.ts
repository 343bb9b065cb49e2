/**
 * The fake workbook's state: plain JSON, so a browser test can keep it across page
 * reloads as Excel keeps the document while the pane reloads. Coordinates are
 * zero-based, as in `getRangeByIndexes`.
 */
import { FakeExcelError } from './errors.js';

export type CellInput = string | number | boolean | null;

export interface FakeCell {
  /** What was written through `values` or `formulas` (formulas keep their "="). */
  input?: string | number | boolean;
  /** What was written through `formulasR1C1`. */
  formulaR1C1?: string;
  numberFormat?: string;
  bold?: boolean;
  italic?: boolean;
  fontSize?: number;
  fontColor?: string;
  fill?: string;
  horizontal?: string;
  wrapText?: boolean;
  /** Border edges set on the ranges that covered this cell, e.g. "EdgeTop:Continuous:Thin". */
  borders?: string[];
  locked?: boolean;
}

export interface FakeArea {
  readonly sheet: string;
  readonly row: number;
  readonly col: number;
  readonly rows: number;
  readonly cols: number;
}

export interface FakeSeries {
  name: string;
  values: FakeArea;
  xValues?: FakeArea;
}

export interface FakeChart {
  name: string;
  type: string;
  seriesBy: string;
  title?: string;
  xAxisTitle?: string;
  yAxisTitle?: string;
  from?: string;
  to?: string;
  series: FakeSeries[];
}

/** A list drop-down (`range.dataValidation`), as Excel was given it. */
export interface FakeValidation {
  readonly area: FakeArea;
  list?: { source: string; inCellDropDown: boolean };
  errorAlert?: { message?: string; showAlert?: boolean; style?: string; title?: string };
  prompt?: { message?: string; showPrompt?: boolean; title?: string };
  ignoreBlanks?: boolean;
}

export interface FakeColorScaleCriterion {
  type: string;
  formula?: string | null;
  color?: string;
}

/** A conditional format on a range: a custom formula rule or a colour scale. */
export interface FakeConditionalFormat {
  readonly area: FakeArea;
  readonly type: 'Custom' | 'ColorScale';
  /** Custom: the rule's formula, with its "=". */
  formula?: string;
  fill?: string;
  fontColor?: string;
  /** ColorScale: the criteria as last set. */
  criteria?: { minimum: FakeColorScaleCriterion; midpoint?: FakeColorScaleCriterion; maximum: FakeColorScaleCriterion };
}

export interface FakeSheet {
  name: string;
  tabColor?: string;
  /** "row,col" → cell. */
  cells: Record<string, FakeCell>;
  columnWidths: Record<string, number>;
  /** Row index → height in points, where one was set. */
  rowHeights: Record<string, number>;
  frozen?: { rows: number; columns: number };
  merges: FakeArea[];
  charts: FakeChart[];
  /** Drop-down lists, in the order they were set. */
  validations: FakeValidation[];
  /** Conditional formats by priority: the first one wins where formats conflict, as in Excel. */
  conditionalFormats: FakeConditionalFormat[];
  protected: boolean;
  /** What protect() was given, when it was given anything. */
  protectionOptions?: Record<string, boolean>;
}

export interface FakeWorkbookState {
  sheets: FakeSheet[];
  /** Defined name → the area it refers to. */
  names: Record<string, FakeArea>;
  activeSheet?: string;
  /** Review > Protect Workbook: sheets cannot be added, removed or renamed. */
  structureLocked?: boolean;
  /** Formulas > Calculation Options (a setting of Excel, not of the file): "Automatic" unless a test sets it. */
  calculationMode?: 'Automatic' | 'AutomaticExceptTables' | 'Manual';
  /** Every `application.calculate(type)` asked of this Excel, in order. */
  calculations?: string[];
  /** The learner is typing in a cell: Excel refuses every batch until they leave it, or delays it when asked to. */
  cellEditing?: boolean;
}

export function emptyWorkbook(sheetNames: readonly string[] = ['Sheet1']): FakeWorkbookState {
  const state: FakeWorkbookState = { sheets: sheetNames.map(newSheet), names: {} };
  if (sheetNames[0] !== undefined) state.activeSheet = sheetNames[0];
  return state;
}

export function newSheet(name: string): FakeSheet {
  return { name, cells: {}, columnWidths: {}, rowHeights: {}, merges: [], charts: [], validations: [], conditionalFormats: [], protected: false };
}

export function areaText(area: FakeArea): string {
  return `${area.sheet}!R${area.row + 1}C${area.col + 1}:R${area.row + area.rows}C${area.col + area.cols}`;
}

export function sameArea(a: FakeArea, b: FakeArea): boolean {
  return a.sheet === b.sheet && a.row === b.row && a.col === b.col && a.rows === b.rows && a.cols === b.cols;
}

export function overlaps(a: FakeArea, b: FakeArea): boolean {
  return a.sheet === b.sheet && a.row < b.row + b.rows && b.row < a.row + a.rows && a.col < b.col + b.cols && b.col < a.col + a.cols;
}

/** "B4" → zero-based row and column. */
export function parseA1(address: string): { row: number; col: number } {
  const match = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(address.toUpperCase());
  if (!match) throw new FakeExcelError('InvalidArgument', `the fake understands A1 addresses only, got "${address}"`);
  let col = 0;
  for (const letter of match[1] as string) col = col * 26 + (letter.charCodeAt(0) - 64);
  return { row: Number(match[2]) - 1, col: col - 1 };
}
