/** Ranges: values, formulas, number formats, formats, merges, and the drop-downs and conditional formats on them. */
import { FakeConditionalFormatCollection } from './conditional-formats.js';
import type { FakeRequestContext } from './context.js';
import { FakeDataValidation } from './data-validation.js';
import { FakeExcelError, payloadSize, requireLoaded, setters } from './errors.js';
import { checkSheetUnprotected } from './protection.js';
import { areaText, type CellInput, type FakeArea, type FakeCell } from './state.js';
import type { FakeWorksheet } from './worksheets.js';

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

  /** A write: checks protection, then applies `value` (one value for every cell, or a matching 2-D array). */
  write(property: string, value: unknown, apply: (cell: FakeCell, input: CellInput) => void): void {
    this.context.record(`Range.${property} ${this.address}`, payloadSize(value), true);
    if (!checkSheetUnprotected(this.context, this.worksheet.state(), `set ${property}`)) return;
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
    } else {
      this.eachCell((cell) => apply(cell, value as CellInput));
    }
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
    this.worksheet.state().merges.push(this.area);
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
        range.eachCell((cell) => (cell[key] = value));
      };
    this.font = setters({ bold: set('font.bold', 'bold'), italic: set('font.italic', 'italic'), size: set('font.size', 'fontSize'), color: set('font.color', 'fontColor') });
    this.fill = setters({ color: set('fill.color', 'fill') });
    this.protection = setters({ locked: set('protection.locked', 'locked') });
    this.borders = {
      getItem(edge: string) {
        const border: { style?: string; weight?: string } = {};
        const update = () => {
          if (border.style === undefined || border.weight === undefined) return;
          context.record(`Range.format.borders ${edge} ${range.address}`, 0, true);
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

  set columnWidth(points: number) {
    this.context.record(`Range.format.columnWidth ${this.range.address}`, payloadSize(points), true);
    const sheet = this.range.worksheet.state();
    for (let c = 0; c < this.range.area.cols; c++) sheet.columnWidths[String(this.range.area.col + c)] = points;
  }

  set horizontalAlignment(value: string) {
    this.context.record(`Range.format.horizontalAlignment ${this.range.address}`, payloadSize(value), true);
    this.range.eachCell((cell) => (cell.horizontal = value));
  }

  set wrapText(value: boolean) {
    this.context.record(`Range.format.wrapText ${this.range.address}`, 0, true);
    this.range.eachCell((cell) => (cell.wrapText = value));
  }
}
