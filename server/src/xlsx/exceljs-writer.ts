import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { a1, assertState, rangeFormula, r1c1ToA1, type CellStyle, type SheetPlan, type WorkbookPlan } from '@gradsheet/shared';
import { finishPackage } from './finish-package.js';
import { addConditionalFormats, addListValidations } from './sheet-rules.js';
import { sheetRows, type RowCell } from './sheet-rows.js';

export interface WriteProgress {
  /** Rows written so far, over all sheets. */
  readonly rowsDone: number;
  readonly rowsTotal: number;
}

export interface WriteOptions {
  readonly onProgress?: (progress: WriteProgress) => void;
}

/** A shared formula's master cell; exceljs supports it at run time, though its typings omit the fields. */
interface SharedFormulaMaster extends ExcelJS.CellFormulaValue {
  readonly shareType: 'shared';
  readonly ref: string;
}

/** The workbook's default font, as exceljs writes it for unstyled cells. */
const DEFAULT_FONT: Partial<ExcelJS.Font> = { name: 'Calibri', family: 2, size: 11 };

/** exceljs reuses a style's index when it meets the same object again, so cells share these. */
const NO_STYLE: Partial<ExcelJS.Style> = Object.freeze({}) as Partial<ExcelJS.Style>;

/**
 * Applies a WorkbookPlan with exceljs' streaming writer and returns the .xlsx bytes.
 * Fills become shared formulas (one master formula per column, as Excel itself
 * saves filled-down columns). exceljs writes no charts, so the plan's charts are
 * added to the package afterwards as DrawingML (see finishPackage).
 */
export async function writeWorkbookPlan(plan: WorkbookPlan, options: WriteOptions = {}): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const drained = finished(sink);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: true,
    useSharedStrings: false,
    // Level 1: most of the size win for a fraction of the time; these sheets are repetitive.
    zip: { zlib: { level: 1 } },
  });
  workbook.creator = 'GradSheet';
  workbook.title = plan.title;

  const styles = new Map(Object.entries(plan.styles).map(([id, style]) => [id, toExcelJsStyle(style)]));
  const rowsTotal = plan.sheets.reduce((sum, sheet) => sum + countRows(sheet), 0);
  const progress = { rowsDone: 0, rowsTotal };
  for (const sheet of plan.sheets) {
    await writeSheet(workbook, sheet, styles, progress, options.onProgress);
  }
  for (const { name, refersTo } of plan.names) {
    workbook.definedNames.add(rangeFormula(refersTo), name);
  }
  await workbook.commit();
  await drained;

  return finishPackage(Buffer.concat(chunks), {
    // Cached results come from the float64 engine; Excel still recalculates everything on open.
    fullCalcOnLoad: true,
    lockStructure: plan.lockStructure === true,
    charts: new Map(plan.sheets.filter((s) => s.charts.length > 0).map((s) => [s.name, s.charts])),
    reorderSheets: plan.sheets.filter(writtenOutOfOrder).map((s) => s.name),
  });
}

/**
 * exceljs' streaming writer puts `<sheetProtection>` after merges, conditional
 * formats and validations, where the schema wants it before them.
 */
function writtenOutOfOrder(sheet: SheetPlan): boolean {
  const laterParts = (sheet.merges?.length ?? 0) + (sheet.validations?.length ?? 0) + (sheet.conditionalFormats?.length ?? 0);
  return sheet.protect === true && laterParts > 0;
}

function countRows(sheet: SheetPlan): number {
  let last = 0;
  for (const b of sheet.blocks) last = Math.max(last, b.origin.row + b.rows.length);
  for (const f of sheet.fills ?? []) last = Math.max(last, f.origin.row + f.results.length);
  return last;
}

async function writeSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: SheetPlan,
  styles: ReadonlyMap<string, Partial<ExcelJS.Style>>,
  progress: { rowsDone: number; rowsTotal: number },
  onProgress: WriteOptions['onProgress'],
): Promise<void> {
  const sheetOptions: Partial<ExcelJS.AddWorksheetOptions> = {};
  if (sheet.tabColor) sheetOptions.properties = { tabColor: { argb: `FF${sheet.tabColor}` } };
  if (sheet.frozen) {
    sheetOptions.views = [{ state: 'frozen', xSplit: sheet.frozen.columns, ySplit: sheet.frozen.rows }];
  }
  const worksheet = workbook.addWorksheet(sheet.name, sheetOptions);
  if (sheet.columnWidths?.length) {
    const widths: Partial<ExcelJS.Column>[] = [];
    for (const { col, width } of sheet.columnWidths) widths[col] = { width };
    worksheet.columns = Array.from(widths, (w) => w ?? {});
  }
  if (sheet.protect) {
    // No password: the protection guards against accidental edits, not against the learner.
    await worksheet.protect('', {
      selectLockedCells: true,
      selectUnlockedCells: true,
      formatColumns: true,
      formatRows: true,
      insertRows: sheet.allowInsertingRowsAndColumns === true,
      insertColumns: sheet.allowInsertingRowsAndColumns === true,
    });
  }
  for (const merge of sheet.merges ?? []) {
    worksheet.mergeCells(merge.start.row + 1, merge.start.col + 1, merge.end.row + 1, merge.end.col + 1);
  }
  addListValidations(worksheet, sheet);
  addConditionalFormats(worksheet, sheet);
  const sharedFormulaCounter = sharedFormulaCounterOf(worksheet);
  const heights = rowHeightsOf(worksheet, sheet);
  let sinceReport = 0;
  for (const { row, cells } of sheetRows(sheet)) {
    heights.commitBefore(row);
    const excelRow = worksheet.getRow(row + 1);
    heights.apply(excelRow, row);
    let masters = 0;
    for (const entry of cells) {
      writeCell(excelRow.getCell(entry.col + 1), entry, styles);
      if (entry.kind === 'fill' && entry.index === 0 && entry.fill.results.length > 1) masters++;
    }
    excelRow.commit();
    sharedFormulaCounter.advance(masters);
    if (++sinceReport === 1000) {
      progress.rowsDone += sinceReport;
      sinceReport = 0;
      onProgress?.({ ...progress });
    }
  }
  heights.commitBefore(Number.POSITIVE_INFINITY);
  progress.rowsDone += sinceReport;
  onProgress?.({ ...progress });
  await worksheet.commit();
}

/**
 * The plan's row heights. A streaming writer commits rows top to bottom, so a row
 * that holds no cell but has a height is committed on its own, in its turn.
 */
function rowHeightsOf(worksheet: ExcelJS.Worksheet, sheet: SheetPlan): { commitBefore(row: number): void; apply(excelRow: ExcelJS.Row, row: number): void } {
  const heights = new Map((sheet.rowHeights ?? []).map(({ row, height }) => [row, height]));
  const rows = [...heights.keys()].sort((a, b) => a - b);
  let next = 0;
  return {
    commitBefore(row) {
      for (; next < rows.length && (rows[next] as number) < row; next++) {
        const bare = worksheet.getRow((rows[next] as number) + 1);
        bare.height = heights.get(rows[next] as number) as number;
        bare.commit();
      }
      if (rows[next] === row) next++;
    },
    apply(excelRow, row) {
      const height = heights.get(row);
      if (height !== undefined) excelRow.height = height;
    },
  };
}

/**
 * exceljs' streaming WorksheetWriter hands its shared-formula counter (`_siFormulae`)
 * to each row by value and never stores it back, so every row would restart at
 * si="0" and formulas would collide. A committed row is written synchronously, so
 * advancing the counter by the masters that row introduced keeps each si unique.
 */
function sharedFormulaCounterOf(worksheet: ExcelJS.Worksheet): { advance(by: number): void } {
  const writer = worksheet as unknown as { _siFormulae?: unknown };
  assertState(typeof writer._siFormulae === 'number', 'this exceljs version has no shared-formula counter where GradSheet expects one; see sharedFormulaCounterOf');
  return {
    advance(by: number) {
      (writer as { _siFormulae: number })._siFormulae += by;
    },
  };
}

function writeCell(target: ExcelJS.Cell, entry: RowCell, styles: ReadonlyMap<string, Partial<ExcelJS.Style>>): void {
  if (entry.kind === 'fill') {
    const { fill, index } = entry;
    const result = fill.results[index] as number;
    if (index === 0) {
      const height = fill.results.length;
      const master = r1c1ToA1(fill.formulaR1C1, fill.origin);
      const shared: SharedFormulaMaster = {
        formula: master,
        result,
        shareType: 'shared',
        ref: `${a1(fill.origin)}:${a1({ row: fill.origin.row + height - 1, col: fill.origin.col })}`,
      };
      target.value = height > 1 ? shared : { formula: master, result };
    } else {
      target.value = { sharedFormula: a1(fill.origin), result } as ExcelJS.CellSharedFormulaValue;
    }
    target.style = (fill.style !== undefined ? styles.get(fill.style) : undefined) ?? NO_STYLE;
    return;
  }
  const { cell, style } = entry;
  if (cell) target.value = 'formula' in cell ? { formula: cell.formula, result: cell.result } : cell.value;
  target.style = (style !== undefined ? styles.get(style) : undefined) ?? NO_STYLE;
}

function toExcelJsStyle(style: CellStyle): Partial<ExcelJS.Style> {
  const result: Partial<ExcelJS.Style> = {};
  const font: Partial<ExcelJS.Font> = {};
  if (style.bold) font.bold = true;
  if (style.italic) font.italic = true;
  if (style.fontSize) font.size = style.fontSize;
  if (style.fontColor) font.color = { argb: `FF${style.fontColor}` };
  // A font part without a name and a size leaves the reader to guess them (LibreOffice takes a serif): the workbook's own default.
  if (Object.keys(font).length > 0) result.font = { ...DEFAULT_FONT, ...font };
  if (style.fill) result.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${style.fill}` } };
  if (style.numberFormat) result.numFmt = style.numberFormat;
  if (style.horizontal || style.wrapText) {
    const alignment: Partial<ExcelJS.Alignment> = {};
    if (style.horizontal) alignment.horizontal = style.horizontal;
    if (style.wrapText) alignment.wrapText = true;
    result.alignment = alignment;
  }
  if (style.border === 'thin') {
    const edge: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FFBFBFBF' } };
    result.border = { top: edge, left: edge, bottom: edge, right: edge };
  }
  if (style.locked === false) result.protection = { locked: false };
  return result;
}
