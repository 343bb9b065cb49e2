/** The worksheet collection and its sheets: names (by Excel's rules), tab colours, frozen panes, ranges, the used range. */
import { FakeChartCollection } from './charts.js';
import type { FakeRequestContext } from './context.js';
import { payloadSize, requireLoaded } from './errors.js';
import { sheetNameProblem } from './naming.js';
import { checkSheetUnprotected, checkStructure, worksheetProtection, type FakeWorksheetProtection } from './protection.js';
import { FakeRange } from './ranges.js';
import { areaText, newSheet, parseA1, type FakeSheet } from './state.js';

export class FakeWorksheetCollection {
  items: FakeWorksheet[] = [];
  private readonly loadState = { loaded: false };
  constructor(private readonly context: FakeRequestContext) {}

  add(name: string): FakeWorksheet {
    this.context.record(`Worksheets.add ${name}`, payloadSize(name), true);
    if (!checkStructure(this.context, `add sheet "${name}"`)) return new FakeWorksheet(this.context, name);
    const problem = sheetNameProblem(name);
    if (problem) this.context.fail('InvalidArgument', problem);
    else if (this.context.sheetState(name)) this.context.fail('ItemAlreadyExists', `a sheet named "${name}" exists`);
    else this.context.state.sheets.push(newSheet(name));
    return new FakeWorksheet(this.context, name);
  }

  getItem(name: string): FakeWorksheet {
    this.context.record(`Worksheets.getItem ${name}`, payloadSize(name));
    if (!this.context.sheetState(name)) this.context.fail('ItemNotFound', `there is no sheet "${name}"`);
    return new FakeWorksheet(this.context, name);
  }

  getItemOrNullObject(name: string): FakeWorksheet {
    this.context.record(`Worksheets.getItemOrNullObject ${name}`, payloadSize(name));
    const sheet = new FakeWorksheet(this.context, name, !this.context.sheetState(name));
    this.context.willLoad(sheet.loadState);
    return sheet;
  }

  getActiveWorksheet(): FakeWorksheet {
    const name = this.context.state.activeSheet ?? this.context.state.sheets[0]?.name ?? '';
    return new FakeWorksheet(this.context, name);
  }

  load(_properties?: unknown): this {
    this.items = this.context.state.sheets.map((s) => new FakeWorksheet(this.context, s.name));
    this.loadState.loaded = false;
    this.context.willLoad(this.loadState);
    return this;
  }
}

export class FakeWorksheet {
  readonly loadState = { loaded: false };
  readonly charts: FakeChartCollection;
  readonly protection: FakeWorksheetProtection;
  readonly freezePanes: { freezeAt(range: FakeRange | string): void; freezeRows(count?: number): void; freezeColumns(count?: number): void };
  /** The sheet's name when this object was made; renaming follows the state. */
  private current: string;

  constructor(
    private readonly context: FakeRequestContext,
    name: string,
    private readonly nullObject = false,
  ) {
    this.current = name;
    this.charts = new FakeChartCollection(context, () => this.state());
    this.protection = worksheetProtection(context, this);
    const sheet = this;
    const freeze = (frozen: { rows: number; columns: number }) => {
      const state = sheet.state();
      if (checkSheetUnprotected(context, state, 'freeze panes')) state.frozen = frozen;
    };
    this.freezePanes = {
      freezeAt(range) {
        const area = typeof range === 'string' ? sheet.getRange(range).area : range.area;
        context.record(`Worksheet.freezePanes.freezeAt ${areaText(area)}`, 0, true);
        freeze({ rows: area.row + area.rows, columns: area.col + area.cols });
      },
      freezeRows(count = 1) {
        context.record(`Worksheet.freezePanes.freezeRows ${count}`, 0, true);
        freeze({ rows: count, columns: 0 });
      },
      freezeColumns(count = 1) {
        context.record(`Worksheet.freezePanes.freezeColumns ${count}`, 0, true);
        freeze({ rows: 0, columns: count });
      },
    };
  }

  /** The sheet's state; a missing sheet gets a detached state so calls keep recording (Excel fails them at sync). */
  state(): FakeSheet {
    const found = this.context.sheetState(this.current);
    if (found) return found;
    this.context.fail('ItemNotFound', `there is no sheet "${this.current}"`);
    return newSheet(this.current);
  }

  get isNullObject(): boolean {
    requireLoaded(this.loadState, 'Worksheet.isNullObject');
    return this.nullObject;
  }

  get name(): string {
    return this.current;
  }

  set name(value: string) {
    this.context.record(`Worksheet.name ${this.current} → ${value}`, payloadSize(value), true);
    if (!checkStructure(this.context, `rename sheet "${this.current}"`)) return;
    const problem = sheetNameProblem(value);
    if (problem) {
      this.context.fail('InvalidArgument', problem);
      return;
    }
    if (this.context.sheetState(value)) this.context.fail('ItemAlreadyExists', `a sheet named "${value}" exists`);
    this.state().name = value;
    this.current = value;
  }

  get tabColor(): string {
    return this.state().tabColor ?? '';
  }

  set tabColor(color: string) {
    this.context.record(`Worksheet.tabColor ${this.current}`, payloadSize(color), true);
    this.state().tabColor = color;
  }

  getRangeByIndexes(row: number, col: number, rows: number, cols: number): FakeRange {
    this.context.record(`Worksheet.getRangeByIndexes ${this.current}`, 40);
    if (rows < 1 || cols < 1 || row < 0 || col < 0) this.context.fail('InvalidArgument', `bad range ${row},${col} ${rows}×${cols}`);
    return new FakeRange(this.context, this, { sheet: this.current, row, col, rows, cols });
  }

  getRange(address: string): FakeRange {
    this.context.record(`Worksheet.getRange ${this.current}!${address}`, payloadSize(address));
    const [start, end = start] = address.split(':') as [string, string?];
    const a = parseA1(start);
    const b = parseA1(end as string);
    return new FakeRange(this.context, this, { sheet: this.current, row: a.row, col: a.col, rows: b.row - a.row + 1, cols: b.col - a.col + 1 });
  }

  /** The smallest range holding every cell with content; a null object on an empty sheet. */
  getUsedRangeOrNullObject(_valuesOnly?: boolean): FakeRange {
    this.context.record(`Worksheet.getUsedRangeOrNullObject ${this.current}`, 0);
    const keys = Object.entries(this.state().cells)
      .filter(([, c]) => c.input !== undefined || c.formulaR1C1 !== undefined)
      .map(([k]) => k.split(',').map(Number) as [number, number]);
    if (keys.length === 0) {
      const range = new FakeRange(this.context, this, { sheet: this.current, row: 0, col: 0, rows: 1, cols: 1 }, true);
      this.context.willLoad(range.loadState);
      return range;
    }
    const rows = keys.map(([r]) => r);
    const cols = keys.map(([, c]) => c);
    const row = Math.min(...rows);
    const col = Math.min(...cols);
    const range = new FakeRange(this.context, this, { sheet: this.current, row, col, rows: Math.max(...rows) - row + 1, cols: Math.max(...cols) - col + 1 });
    this.context.willLoad(range.loadState);
    return range;
  }

  activate(): void {
    this.context.record(`Worksheet.activate ${this.current}`, 0);
    this.context.state.activeSheet = this.current;
  }

  delete(): void {
    this.context.record(`Worksheet.delete ${this.current}`, 0, true);
    if (!checkStructure(this.context, `delete sheet "${this.current}"`)) return;
    const sheets = this.context.state.sheets;
    if (sheets.length <= 1) {
      this.context.fail('InvalidOperation', 'a workbook must keep at least one sheet');
      return;
    }
    const index = sheets.findIndex((s) => s.name.toLowerCase() === this.current.toLowerCase());
    if (index < 0) this.context.fail('ItemNotFound', `there is no sheet "${this.current}"`);
    else sheets.splice(index, 1);
  }

  load(_properties?: unknown): this {
    this.context.willLoad(this.loadState);
    return this;
  }
}
