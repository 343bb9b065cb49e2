/**
 * Ranges: values, formulas, number formats, formats, merges, copying, and the drop-downs
 * and conditional formats on them. A protected sheet refuses every change to them, as
 * Excel does unless protect() allowed it (allowFormatCells, allowFormatColumns, …).
 */
import { FakeConditionalFormatCollection } from './conditional-formats.js';
import type { FakeRequestContext } from './context.js';
import { FakeDataValidation } from './data-validation.js';
import { FakeExcelError, payloadSize, requireLoaded, setters } from './errors.js';
import { checkSheetAllows, checkSheetUnprotected, type FakeProtectionAllowance } from './protection.js';
import { areaText, type CellInput, type FakeArea, type FakeCell } from './state.js';
import type { FakeWorksheet } from './worksheets.js';

/** What a learner can type: the writes a protected sheet takes in unlocked cells. */
const CONTENT_PROPERTIES: readonly string[] = ['values', 'formulas'];

export class FakeRange {
  readonly loadState = { loaded: false };
  readonly format: FakeRangeFormat;

  constructor(
    private readonly context: FakeRequestContext,
    readonly worksheet: FakeWorksheet,
    readonly area: FakeArea,
    private readonly nullObject = false,
  ) {
    this.format = new FakeRangeFormat(context, this);
  }

  get isNullObject(): boolean {
    requireLoaded(this.loadState, 'Range.isNullObject');
    return this.nullObject;
  }

  get address(): string {
    return areaText(this.area);
  }

  /** Zero-based row of the range's top-left cell. */
  get rowIndex(): number {
    requireLoaded(this.loadState, 'Range.rowIndex');
    return this.area.row;
  }

  /** Zero-based column of the range's top-left cell. */
  get columnIndex(): number {
    requireLoaded(this.loadState, 'Range.columnIndex');
    return this.area.col;
  }

  /** ExcelApi 1.8. */
  get dataValidation(): FakeDataValidation {
    this.context.requires('1.8', 'Range.dataValidation');
    return new FakeDataValidation(this.context, this);
  }

  /** ExcelApi 1.6. */
  get conditionalFormats(): FakeConditionalFormatCollection {
    this.context.requires('1.6', 'Range.conditionalFormats');
    return new FakeConditionalFormatCollection(this.context, this);
  }

  /** Every cell of the range, creating missing ones. */
  eachCell(visit: (cell: FakeCell, r: number, c: number) => void): void {
    const sheet = this.worksheet.state();
    for (let r = 0; r < this.area.rows; r++) {
      for (let c = 0; c < this.area.cols; c++) {
        const key = `${this.area.row + r},${this.area.col + c}`;
        visit((sheet.cells[key] ??= {}), r, c);
      }
    }
  }

  /**
   * A write: checks protection, then applies `value` (a matching 2-D array, or one value for every cell unless the fake is strict).
   * On a protected sheet Excel still takes values and formulas in cells that are all unlocked, as a learner may type there.
   */
  write(property: string, value: unknown, apply: (cell: FakeCell, input: CellInput) => void): void {
    this.context.record(`Range.${property} ${this.address}`, payloadSize(value), true);
    const open = CONTENT_PROPERTIES.includes(property) && this.allUnlocked();
    if (!open && !checkSheetUnprotected(this.context, this.worksheet.state(), `set ${property}`)) return;
    if (Array.isArray(value)) {
      const rows = value as unknown[][];
      if (rows.length !== this.area.rows || rows.some((row) => !Array.isArray(row) || row.length !== this.area.cols)) {
        this.context.fail('InvalidArgument', `${property}: the array does not match ${this.address}`);
        return;
      }
      // null leaves a cell as it is, as Excel does.
      this.eachCell((cell, r, c) => {
        const input = rows[r]?.[c] as CellInput;
        if (input !== null) apply(cell, input);
      });
    } else if (this.context.strict) {
      this.context.fail('InvalidArgument', `${property} takes a 2-D array of ${this.area.rows}×${this.area.cols}; got one ${typeof value}`);
    } else {
      this.eachCell((cell) => apply(cell, value as CellInput));
    }
  }

  /** Whether every cell of the range says `locked: false` (a cell is locked unless told otherwise, as in Excel). */
  private allUnlocked(): boolean {
    const cells = this.worksheet.state().cells;
    for (let r = 0; r < this.area.rows; r++) {
      for (let c = 0; c < this.area.cols; c++) if (cells[`${this.area.row + r},${this.area.col + c}`]?.locked !== false) return false;
    }
    return true;
  }

  set values(value: unknown) {
    this.write('values', value, (cell, input) => {
      cell.input = input as string | number | boolean;
      delete cell.formulaR1C1;
    });
  }

  get values(): CellInput[][] {
    requireLoaded(this.loadState, 'Range.values');
    return this.read((cell) => (cell.input === undefined ? '' : typeof cell.input === 'string' && cell.input.startsWith('=') ? 0 : cell.input));
  }

  set formulas(value: unknown) {
    this.write('formulas', value, (cell, input) => {
      cell.input = input as string | number | boolean;
      delete cell.formulaR1C1;
    });
  }

  get formulas(): CellInput[][] {
    requireLoaded(this.loadState, 'Range.formulas');
    return this.read((cell) => cell.input ?? cell.formulaR1C1 ?? '');
  }

  set formulasR1C1(value: unknown) {
    this.write('formulasR1C1', value, (cell, input) => {
      cell.formulaR1C1 = String(input);
      delete cell.input;
    });
  }

  get formulasR1C1(): CellInput[][] {
    requireLoaded(this.loadState, 'Range.formulasR1C1');
    return this.read((cell) => cell.formulaR1C1 ?? cell.input ?? '');
  }

  set numberFormat(value: unknown) {
    this.write('numberFormat', value, (cell, input) => (cell.numberFormat = String(input)));
  }

  private read(pick: (cell: FakeCell) => CellInput): CellInput[][] {
    const sheet = this.worksheet.state();
    return Array.from({ length: this.area.rows }, (_, r) =>
      Array.from({ length: this.area.cols }, (_, c) => {
        const cell = sheet.cells[`${this.area.row + r},${this.area.col + c}`];
        return cell ? pick(cell) : '';
      }),
    );
  }

  getEntireColumn(): FakeRange {
    this.context.record(`Range.getEntireColumn ${this.address}`, 0);
    return new FakeColumnRange(this.context, this.worksheet, { ...this.area, row: 0, rows: 1_048_576 });
  }

  merge(across = false): void {
    this.context.record(`Range.merge ${this.address} ${across}`, 0, true);
    const sheet = this.worksheet.state();
    if (checkSheetUnprotected(this.context, sheet, 'merge cells')) sheet.merges.push(this.area);
  }

  /**
   * ExcelApi 1.9. Copies `source` over this range; as in Excel's paste, a destination that
   * is a whole multiple of the source repeats it. R1C1 formulas and constants are copied as
   * they are (an R1C1 formula reads the same in every cell); the fake refuses A1 formulas,
   * whose references Excel would shift.
   */
  copyFrom(source: FakeRange | string, copyType = 'All', skipBlanks = false, transpose = false): void {
    const from = typeof source === 'string' ? this.worksheet.getRange(source) : source;
    this.context.record(`Range.copyFrom ${from.address} → ${this.address} ${copyType}`, 0, true);
    if (!this.context.requires('1.9', 'Range.copyFrom')) return;
    if (copyType !== 'Formulas' || skipBlanks || transpose) throw new FakeExcelError('InvalidArgument', 'the fake copies formulas only, without skipBlanks or transpose');
    if (!checkSheetUnprotected(this.context, this.worksheet.state(), 'paste')) return;
    const { rows, cols } = from.area;
    const copies = this.area.rows % rows === 0 && this.area.cols % cols === 0 ? { rows: this.area.rows, cols: this.area.cols } : { rows, cols };
    const sourceCells = from.worksheet.state().cells;
    const target = this.worksheet.state();
    for (let r = 0; r < copies.rows; r++) {
      for (let c = 0; c < copies.cols; c++) {
        const original = sourceCells[`${from.area.row + (r % rows)},${from.area.col + (c % cols)}`];
        if (typeof original?.input === 'string' && original.input.startsWith('=')) throw new FakeExcelError('InvalidArgument', 'the fake copies R1C1 formulas only');
        const cell = (target.cells[`${this.area.row + r},${this.area.col + c}`] ??= {});
        delete cell.input;
        delete cell.formulaR1C1;
        if (original?.formulaR1C1 !== undefined) cell.formulaR1C1 = original.formulaR1C1;
        else if (original?.input !== undefined) cell.input = original.input;
      }
    }
  }

  load(_properties?: unknown): this {
    this.context.willLoad(this.loadState);
    return this;
  }
}

/** A whole column: only its width may be set (formatting a million cells is not what the writer does). */
class FakeColumnRange extends FakeRange {
  override eachCell(): void {
    throw new FakeExcelError('InvalidOperation', 'the fake does not format entire columns cell by cell');
  }
}

class FakeRangeFormat {
  readonly font: { bold?: boolean; italic?: boolean; size?: number; color?: string };
  readonly fill: { color?: string };
  readonly protection: { locked?: boolean };
  readonly borders: { getItem(edge: string): { style?: string; weight?: string } };

  constructor(
    private readonly context: FakeRequestContext,
    private readonly range: FakeRange,
  ) {
    const set =
      <K extends keyof FakeCell>(property: string, key: K) =>
      (value: FakeCell[K]) => {
        context.record(`Range.format.${property} ${range.address}`, payloadSize(value), true);
        if (this.allowed('allowFormatCells', `format cells (${property})`)) range.eachCell((cell) => (cell[key] = value));
      };
    this.font = setters({ bold: set('font.bold', 'bold'), italic: set('font.italic', 'italic'), size: set('font.size', 'fontSize'), color: set('font.color', 'fontColor') });
    this.fill = setters({ color: set('fill.color', 'fill') });
    const format = this;
    // Locking cells is refused on a protected sheet whatever protect() allowed.
    this.protection = setters({
      locked: (value: boolean) => {
        context.record(`Range.format.protection.locked ${range.address}`, 0, true);
        if (checkSheetUnprotected(context, range.worksheet.state(), 'lock or unlock cells')) range.eachCell((cell) => (cell.locked = value));
      },
    });
    this.borders = {
      getItem(edge: string) {
        const border: { style?: string; weight?: string } = {};
        const update = () => {
          if (border.style === undefined || border.weight === undefined) return;
          context.record(`Range.format.borders ${edge} ${range.address}`, 0, true);
          if (!format.allowed('allowFormatCells', 'format cells (borders)')) return;
          const text = `${edge}:${border.style}:${border.weight}`;
          range.eachCell((cell) => (cell.borders = [...(cell.borders ?? []).filter((b) => !b.startsWith(`${edge}:`)), text]));
        };
        return setters({
          style: (v: string) => ((border.style = v), update()),
          weight: (v: string) => ((border.weight = v), update()),
        });
      },
    };
  }

  /** A protected sheet refuses formats unless protect() was given `option`. Says whether the change may go ahead. */
  allowed(allowance: FakeProtectionAllowance, what: string): boolean {
    return checkSheetAllows(this.context, this.range.worksheet.state(), allowance, what);
  }

  set columnWidth(points: number) {
    this.context.record(`Range.format.columnWidth ${this.range.address}`, payloadSize(points), true);
    if (!this.allowed('allowFormatColumns', 'set a column width')) return;
    const sheet = this.range.worksheet.state();
    for (let c = 0; c < this.range.area.cols; c++) sheet.columnWidths[String(this.range.area.col + c)] = points;
  }

  set rowHeight(points: number) {
    this.context.record(`Range.format.rowHeight ${this.range.address}`, payloadSize(points), true);
    if (!this.allowed('allowFormatRows', 'set a row height')) return;
    const sheet = this.range.worksheet.state();
    for (let r = 0; r < this.range.area.rows; r++) sheet.rowHeights[String(this.range.area.row + r)] = points;
  }

  set horizontalAlignment(value: string) {
    this.context.record(`Range.format.horizontalAlignment ${this.range.address}`, payloadSize(value), true);
    if (this.allowed('allowFormatCells', 'format cells (alignment)')) this.range.eachCell((cell) => (cell.horizontal = value));
  }

  set wrapText(value: boolean) {
    this.context.record(`Range.format.wrapText ${this.range.address}`, 0, true);
    if (this.allowed('allowFormatCells', 'format cells (wrap text)')) this.range.eachCell((cell) => (cell.wrapText = value));
  }
}
