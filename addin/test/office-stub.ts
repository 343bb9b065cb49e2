/**
 * Stands in for https://appsforoffice.microsoft.com/lib/1/hosted/office.js in the
 * browser tests. It defines `Office` as a host would (or as office.js does outside
 * Office: host null) and an `Excel.run` over the recording fake of Excel's object
 * model. The fake workbook, the document settings and a record of every Excel.run
 * are kept in sessionStorage, so they outlive a reload of the pane as a real
 * workbook outlives a reload of its task pane.
 *
 * Inside Excel it also gives `Office.context.ui.openBrowserWindow`, which records the URLs
 * it is asked to open (a task pane on Mac cannot download; GradSheet opens the report in
 * the system browser instead).
 *
 * The test chooses the host before the page loads: `window.__officeStub = { host, excelApi, strict }`.
 */
import { emptyWorkbook, fakeExcelRun, fakeRequirements, type FakeRunRecord, type FakeWorkbookState } from './fake-excel/index.js';

interface StubOptions {
  readonly host: 'Excel' | null;
  /**
   * The newest ExcelApi requirement set this "Excel" supports: `isSetSupported` answers by it,
   * and the fake refuses newer APIs at sync. A string such as "1.12" (as a number, 1.10 would read as 1.1).
   * By default the manifest's minimum, 1.7: the oldest Excel the add-in loads in.
   */
  readonly excelApi: string | number;
  /** An Excel that takes values and formulas only as 2-D arrays (see the fake's `strict`). */
  readonly strict: boolean;
  /** Whether `Office.context.ui.openBrowserWindow` exists (OpenBrowserWindowApi 1.1); by default inside Excel. */
  readonly openBrowserWindow: boolean;
}

export type ExcelRunRecord = FakeRunRecord;

const win = window as unknown as Record<string, unknown>;
const given = win.__officeStub as Partial<StubOptions> | undefined;
const host = given?.host === undefined ? 'Excel' : given.host;
const options: StubOptions = { host, excelApi: '1.7', strict: false, openBrowserWindow: host === 'Excel', ...given };
const excelApi = String(options.excelApi);
const KEYS = { workbook: 'fake-excel.workbook', runs: 'fake-excel.runs', settings: 'fake-excel.settings', opened: 'fake-excel.opened' } as const;

const read = <T>(key: string, fallback: T): T => {
  const text = sessionStorage.getItem(key);
  return text === null ? fallback : (JSON.parse(text) as T);
};
const write = (key: string, value: unknown) => sessionStorage.setItem(key, JSON.stringify(value));

const settings = {
  values: read<Record<string, unknown>>(KEYS.settings, {}),
  get(name: string): unknown {
    return this.values[name] ?? null;
  },
  set(name: string, value: unknown): void {
    this.values[name] = value;
  },
  remove(name: string): void {
    delete this.values[name];
  },
  saveAsync(callback?: (result: { status: string }) => void): void {
    write(KEYS.settings, this.values);
    setTimeout(() => callback?.({ status: 'succeeded' }), 0);
  },
};

const info = { host: options.host, platform: options.host ? 'OfficeOnline' : null };

win.Office = {
  HostType: { Excel: 'Excel', Word: 'Word' },
  AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
  onReady(callback?: (value: typeof info) => void) {
    callback?.(info);
    return Promise.resolve(info);
  },
  context: {
    requirements: fakeRequirements(excelApi),
    document: { settings },
    ui: options.openBrowserWindow ? { openBrowserWindow: (url: string) => write(KEYS.opened, [...read<string[]>(KEYS.opened, []), url]) } : {},
  },
};

win.Excel = {
  run: fakeExcelRun(
    () => read<FakeWorkbookState>(KEYS.workbook, emptyWorkbook()),
    { excelApi, strict: options.strict },
    (state, record) => {
      write(KEYS.workbook, state);
      write(KEYS.runs, [...read<ExcelRunRecord[]>(KEYS.runs, []), record]);
    },
  ),
};

win.__fakeExcel = {
  workbook: () => read<FakeWorkbookState>(KEYS.workbook, emptyWorkbook()),
  /**
   * Types a value into a cell (zero-based row and column), as a learner does in Excel: the cell's value
   * changes, nothing else; null clears it. A locked cell of a protected sheet refuses, as Excel does.
   */
  typeInto(sheetName: string, row: number, col: number, value: string | number | boolean | null): void {
    const state = read<FakeWorkbookState>(KEYS.workbook, emptyWorkbook());
    const sheet = state.sheets.find((s) => s.name === sheetName);
    if (!sheet) throw new Error(`there is no sheet "${sheetName}"`);
    const cell = (sheet.cells[`${row},${col}`] ??= {});
    if (sheet.protected && cell.locked !== false) throw new Error(`the cell ${row},${col} of "${sheetName}" is locked`);
    if (value === null) delete cell.input;
    else cell.input = value;
    write(KEYS.workbook, state);
  },
  runs: () => read<ExcelRunRecord[]>(KEYS.runs, []),
  settings: () => read<Record<string, unknown>>(KEYS.settings, {}),
  /** The URLs given to Office.context.ui.openBrowserWindow. */
  opened: () => read<string[]>(KEYS.opened, []),
  /** Sets Excel's calculation mode, as Formulas > Calculation Options does. */
  setCalculationMode(mode: 'Automatic' | 'Manual'): void {
    write(KEYS.workbook, { ...read<FakeWorkbookState>(KEYS.workbook, emptyWorkbook()), calculationMode: mode });
  },
};
