import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { FakeWorkbookState } from '../../addin/test/fake-excel/index.js';
import { launchChromium, OFFICE_JS, screenshot, sheetHtml, type Browser } from './browser.js';
import { buildPane, officeStubScript } from './pane-build.js';
import { startService, tempDir, tinyRun, type AppOptions, type Service } from './service.js';

type TempDir = Awaited<ReturnType<typeof tempDir>>;

/** The task pane in a tab of Chromium, with office.js routed to the stub over the recording fake of Excel. */

/** Where the pane runs: Excel of an ExcelApi version (by default the manifest's 1.7), a browser without a host, or no office.js at all. */
/** `strict`: an Excel that takes values and formulas only as 2-D arrays (see the fake's `strict`). */
export type PaneHostChoice = { host: 'Excel' | null; excelApi?: string | number; strict?: boolean } | 'no office.js';

export interface PaneOpener {
  readonly browser: Browser;
  /** The office.js stub's code (officeStubScript). */
  readonly stub: string;
  /** Uncaught exceptions of every page opened, for the test to check. */
  readonly pageErrors: string[];
}

/** A new tab (fresh sessionStorage, so a fresh fake workbook) on the pane at `url`, as the given host. */
export async function openPane({ browser, stub, pageErrors }: PaneOpener, url: string, host: PaneHostChoice): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  if (host === 'no office.js') {
    // Offline, the CDN cannot be reached: office.js never loads.
    await page.route(OFFICE_JS, (route) => route.abort('internetdisconnected'));
  } else {
    await page.addInitScript(`window.__officeStub = ${JSON.stringify(host)};`);
    await page.route(OFFICE_JS, (route) => route.fulfill({ contentType: 'application/javascript', body: stub }));
  }
  await page.goto(`${url}/taskpane.html`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

export const workbookOf = (page: Page) => page.evaluate('window.__fakeExcel.workbook()') as Promise<FakeWorkbookState>;

/** The document settings the pane saved (Office.context.document.settings). */
export const settingsOf = (page: Page) => page.evaluate('window.__fakeExcel.settings()') as Promise<Record<string, unknown>>;

/** Types a value into a cell of the fake workbook (zero-based row and column), as a learner does in Excel. */
export async function typeInto(page: Page, sheet: string, row: number, col: number, value: string | number | boolean | null): Promise<void> {
  await page.evaluate(`window.__fakeExcel.typeInto(${JSON.stringify(sheet)}, ${row}, ${col}, ${JSON.stringify(value)})`);
}

/** Screenshots of sheets of the fake workbook, beside the pane's own. */
export async function showSheets(browser: Browser, pane: Page, names: readonly string[], prefix: string, size: { rows?: number; cols?: number } = {}): Promise<void> {
  const state = await workbookOf(pane);
  const page = await browser.context.newPage();
  for (const name of names) {
    const sheet = state.sheets.find((s) => s.name === name);
    if (!sheet) throw new Error(`no sheet ${name}`);
    await page.setContent(sheetHtml(sheet, size.rows, size.cols));
    await screenshot(page, `${prefix}-sheet-${name.replace(/\W+/g, '-')}`);
  }
  await page.close();
}

/** A tiny run's settings for the training form: tinyRun's (support/service.ts). */
export interface TinyRunForm {
  readonly epochs: number;
  /** Also tinyRun's optimiser, rate and schedule; left out, the form keeps the model's recipe. */
  readonly adam?: boolean;
}

/** Fills the training form for a tiny run, with the same values tinyRun sends through the API; the test then starts it. */
export async function fillTinyRun(page: Page, { epochs, adam = false }: TinyRunForm): Promise<void> {
  const run = tinyRun({ epochs });
  await page.fill('#epochs', String(run.epochs));
  await page.fill('#batchSize', String(run.batchSize));
  if (adam) {
    await page.selectOption('#optimizer', String(run.optimizer));
    await page.fill('#trainLr', String(run.lr));
    await page.selectOption('#schedule', String(run.schedule));
  }
  await page.fill('#limitTrain', String(run.limitTrain));
  await page.fill('#limitTest', String(run.limitTest));
}

/** What a browser test of the pane runs against: the pane built from its sources, served by a real service on loopback, and Chromium. */
export interface PaneSession extends PaneOpener {
  readonly service: Service;
  readonly dir: TempDir;
  /** The built pane, for a second service to serve. */
  readonly dist: string;
  close(): Promise<void>;
}

/**
 * Builds the pane as its sources are now (not as the last `npm run build` left it),
 * serves it from a new data directory, and starts Chromium; `beforeStart` prepares the
 * data directory first (accounts, say).
 */
export async function startPaneSession(options: Partial<AppOptions> = {}, beforeStart?: (dataDir: string) => Promise<void>): Promise<PaneSession> {
  const stub = await officeStubScript();
  const dir = await tempDir();
  const dist = join(dir.path, 'pane');
  await buildPane(dist);
  const dataDir = join(dir.path, 'data');
  await beforeStart?.(dataDir);
  const service = await startService({ dataDir, taskpaneDir: dist, threads: 1, ...options });
  const browser = await launchChromium();
  return {
    browser,
    stub,
    pageErrors: [],
    service,
    dir,
    dist,
    async close() {
      await browser.close();
      await service.close();
      await dir.remove();
    },
  };
}
