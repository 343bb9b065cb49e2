/**
 * The declarative WorkbookPlan: everything a writer needs to produce a workbook,
 * and nothing about how. The exceljs writer (offline .xlsx) and the Office.js
 * writer (live Excel) both apply the same plan, so a workbook is described once.
 *
 * Coordinates are zero-based ({ row: 0, col: 0 } is A1). Formulas are stored
 * without the leading "=" (exceljs' convention); writers that need it add it.
 */

/** A cell position, zero-based. */
export interface CellPosition {
  readonly row: number;
  readonly col: number;
}

/** A rectangular range on one sheet, both corners inclusive. */
export interface RangeRef {
  readonly sheet: string;
  readonly start: CellPosition;
  readonly end: CellPosition;
}

export type ScalarValue = number | string | boolean;

/** A cell holding a live formula, with the result the float64 engine predicts for it. */
export interface FormulaCell {
  readonly formula: string;
  readonly result: ScalarValue;
  readonly style?: StyleId;
}

/** A cell holding a plain value. */
export interface ValueCell {
  readonly value: ScalarValue;
  readonly style?: StyleId;
}

/** `null` leaves the cell empty (but a block's column style still applies to it). */
export type PlanCell = FormulaCell | ValueCell | null;

/**
 * A rectangle of cells written together. Writers that talk to Excel set a whole
 * block with one range assignment, which is why the plan groups cells this way.
 */
export interface CellBlock {
  readonly origin: CellPosition;
  readonly rows: readonly (readonly PlanCell[])[];
  /** Style applied to each column of the block, unless a cell names its own. */
  readonly columnStyles?: readonly (StyleId | undefined)[];
}

/**
 * A column of live formulas filled down from its first cell, as Excel's fill handle
 * does: every cell holds the same R1C1 formula, so relative references move with
 * the row. Writers keep it compact (shared formulas in .xlsx, one R1C1 formula per
 * range in Office.js) instead of a million separate formula strings.
 */
export interface FormulaFill {
  /** The first (top) cell. */
  readonly origin: CellPosition;
  /** The formula of every cell, in R1C1 notation, without "=". */
  readonly formulaR1C1: string;
  /** The float64 engine's result for each cell, top to bottom; its length is the fill's height. */
  readonly results: readonly number[];
  readonly style?: StyleId;
}

export type StyleId = string;

export interface CellStyle {
  readonly bold?: boolean;
  readonly italic?: boolean;
  readonly fontSize?: number;
  /** RGB hex without '#', e.g. "3F3F76". */
  readonly fontColor?: string;
  /** Solid fill, RGB hex without '#'. */
  readonly fill?: string;
  readonly numberFormat?: string;
  readonly horizontal?: 'left' | 'center' | 'right';
  readonly wrapText?: boolean;
  readonly border?: 'thin';
  /** Cells are locked by default, as in Excel; `false` lets a learner edit a protected sheet. */
  readonly locked?: boolean;
}

export interface LineSeriesPlan {
  /** The series' name: a cell to read it from, or literal text. */
  readonly name: RangeRef | string;
  readonly values: RangeRef;
}

export interface LineChartPlan {
  readonly kind: 'line';
  readonly title: string;
  readonly xAxisTitle: string;
  readonly yAxisTitle: string;
  readonly categories: RangeRef;
  readonly series: readonly LineSeriesPlan[];
  /** Where the chart floats: from the top-left of `from` to the top-left of `to`. */
  readonly anchor: { readonly from: CellPosition; readonly to: CellPosition };
}

/**
 * A clustered column chart (Excel calls vertical bars "columns"): one bar per
 * category for each series, e.g. the ten probabilities of a prediction.
 */
export interface BarChartPlan extends Omit<LineChartPlan, 'kind'> {
  readonly kind: 'bar';
}

export type ChartPlan = LineChartPlan | BarChartPlan;

/**
 * A drop-down list on a range (Excel's list data validation, ExcelApi 1.8 in Office.js).
 * Writers that cannot add one leave the cells as plain input; the sheet's own
 * formulas must still say when a typed value is not in the list.
 */
export interface ListValidationPlan {
  readonly range: RangeRef;
  /** The allowed values, in the order the drop-down shows them. */
  readonly values: readonly string[];
  /** Shown by Excel when a typed value is not in the list. */
  readonly errorMessage?: string;
}

/** The look a conditional format gives a cell. */
export interface ConditionalStyle {
  /** Solid fill, RGB hex without '#'. */
  readonly fill?: string;
  /** RGB hex without '#'. */
  readonly fontColor?: string;
}

/**
 * A format applied where an A1 formula is TRUE. The formula is written for the
 * range's top-left cell, without "=", and moves with each cell as Excel's
 * relative references do.
 */
export interface FormulaConditionalFormat {
  readonly kind: 'formula';
  readonly range: RangeRef;
  readonly formula: string;
  readonly style: ConditionalStyle;
}

/** One end (or the middle) of a colour scale. */
export interface ColorScalePoint {
  /** A fixed number; the range's lowest (or highest) value when absent. */
  readonly value?: number;
  /** RGB hex without '#'. */
  readonly color: string;
}

/** A two- or three-colour scale: each cell's fill follows its value. */
export interface ColorScaleConditionalFormat {
  readonly kind: 'colorScale';
  readonly range: RangeRef;
  readonly min: ColorScalePoint;
  readonly mid?: ColorScalePoint;
  readonly max: ColorScalePoint;
}

export type ConditionalFormatPlan = FormulaConditionalFormat | ColorScaleConditionalFormat;

export interface SheetPlan {
  readonly name: string;
  /** RGB hex without '#'. */
  readonly tabColor?: string;
  /** Column widths in characters, by zero-based column index. */
  readonly columnWidths?: readonly { readonly col: number; readonly width: number }[];
  /** Row heights in points (Excel's default is 15), by zero-based row index; other rows keep the default. */
  readonly rowHeights?: readonly { readonly row: number; readonly height: number }[];
  /** Rows and columns kept in view while scrolling. */
  readonly frozen?: { readonly rows: number; readonly columns: number };
  readonly blocks: readonly CellBlock[];
  readonly fills?: readonly FormulaFill[];
  readonly merges?: readonly RangeRef[];
  readonly charts: readonly ChartPlan[];
  /** When set, the sheet is protected without a password: only cells whose style says `locked: false` can be edited. */
  readonly protect?: boolean;
  /** With `protect`: rows and columns may still be inserted, so a learner can add working of their own. */
  readonly allowInsertingRowsAndColumns?: boolean;
  /** Drop-down lists; every range is on this sheet. */
  readonly validations?: readonly ListValidationPlan[];
  /** Conditional formats, applied in order; every range is on this sheet. */
  readonly conditionalFormats?: readonly ConditionalFormatPlan[];
}

/** A workbook-scoped defined name, e.g. LearningRate → Parameters!$B$4. */
export interface DefinedNamePlan {
  readonly name: string;
  readonly refersTo: RangeRef;
}

export interface WorkbookPlan {
  readonly title: string;
  readonly styles: Readonly<Record<StyleId, CellStyle>>;
  readonly names: readonly DefinedNamePlan[];
  readonly sheets: readonly SheetPlan[];
  /** Locks the workbook's structure without a password: sheets cannot be added, removed, renamed or moved. */
  readonly lockStructure?: boolean;
}
