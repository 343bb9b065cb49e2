import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBackpropWorkbookPlan, DEFAULT_BACKPROP_WORKBOOK_OPTIONS, EPOCH_COLUMNS, type RunView } from '@gradsheet/shared';
import { hasChromium, OFFICE_JS, screenshot, type Browser } from './support/browser.js';
import { fillTinyRun, openPane as openPaneAt, showSheets as showSheetsOf, workbookOf, type PaneHostChoice, type PaneSession, startPaneSession } from './support/pane-page.js';
import { createRun, getRun, startService, tempDir, tinyRun, waitFor, type Service } from './support/service.js';

/**
 * The task pane in Debian's Chromium, served by a real service on loopback. office.js
 * is routed to a stub whose Excel.run records into the fake of Excel's object model.
 */

interface RunRecord {
  syncs: number;
  bytes: number[];
  unsynced: number;
  options?: { delayForCellEdit?: boolean };
  error?: string;
}

let session: PaneSession;
let browser: Browser;
let service: Service;
let stub: string;
let dist: string;
/** Uncaught exceptions in any page: a test fails if its page threw. */
let pageErrors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startPaneSession();
  ({ browser, service, stub, dist, pageErrors } = session);
});
afterAll(() => session?.close());
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

/** A new tab on the pane (support/pane-page.ts), as the given host. */
const openPane = (host: PaneHostChoice, url = service.url): Promise<Page> => openPaneAt({ browser, stub, pageErrors }, url, host);

/** Screenshots of sheets of the fake workbook, beside the pane's own. */
const showSheets = (pane: Page, names: readonly string[], prefix: string): Promise<void> => showSheetsOf(browser, pane, names, prefix);
const runsOf = (page: Page) => page.evaluate('window.__fakeExcel.runs()') as Promise<RunRecord[]>;

describe.skipIf(!hasChromium)('the task pane in Chromium', () => {
  it('builds the backprop workbook through Excel.run (asking once how Excel fills a column), then offers to replace it', async () => {
    const page = await openPane({ host: 'Excel' });
    expect(await page.textContent('#mode')).toMatch(/In Excel/);
    expect(await page.isVisible('#download')).toBe(false);
    await page.fill('#bp-steps', '250');
    await page.fill('#bp-lr', '0.8');
    await page.click('#build');
    await page.waitForSelector('#build-status:has-text("Built")');
    // Check, make the sheets, ask how Excel fills a column, write, then charts and protection.
    expect(await page.textContent('#build-status')).toBe('Built 5 sheets with 250 steps in 5 requests to Excel. Edit the orange cells on Parameters.');
    await screenshot(page, '01-built-in-excel');
    await showSheets(page, ['Parameters', 'Backprop'], '01');

    const plan = buildBackpropWorkbookPlan({ ...DEFAULT_BACKPROP_WORKBOOK_OPTIONS, steps: 250, learningRate: 0.8 });
    const state = await workbookOf(page);
    expect(state.sheets.map((s) => s.name)).toEqual(['Sheet1', ...plan.sheets.map((s) => s.name)]);
    for (const sheetPlan of plan.sheets) {
      const sheet = state.sheets.find((s) => s.name === sheetPlan.name);
      const r1c1 = Object.values(sheet?.cells ?? {}).filter((c) => c.formulaR1C1 !== undefined).length;
      expect(r1c1, sheetPlan.name).toBe((sheetPlan.fills ?? []).reduce((n, f) => n + f.results.length, 0));
      expect(sheet?.charts.length).toBe(sheetPlan.charts.length);
      expect(sheet?.protected).toBe(sheetPlan.protect === true);
    }
    expect(state.names.LearningRate).toEqual({ sheet: 'Parameters', row: 4, col: 1, rows: 1, cols: 1 });
    expect(state.sheets.find((s) => s.name === 'Parameters')?.cells['4,1']).toMatchObject({ input: 0.8, locked: false, fill: '#FFCC99' });
    const runs = await runsOf(page);
    // Excel holds each batch while the learner types in a cell, instead of refusing it.
    expect(runs).toEqual([{ syncs: 5, bytes: Array.from({ length: 5 }, () => expect.any(Number)), unsynced: 0, options: { delayForCellEdit: true } }]);

    // Building again: the sheets are taken; the pane says so in plain words and offers to replace them.
    await page.click('#build');
    await page.waitForSelector('#notice:has-text("already has sheets named")');
    expect(await page.textContent('#notice')).toMatch(/“Parameters”, “Backprop”.*Press “Replace them”/);
    expect(await page.isVisible('#replace')).toBe(true);
    await screenshot(page, '02-sheets-taken');
    await page.click('#replace');
    await page.waitForSelector('#build-status:has-text("Built")');
    // The pane asked once: the second build takes three syncs.
    expect(await page.textContent('#build-status')).toMatch(/ in 3 requests to Excel\./);
    expect(await page.isVisible('#notice')).toBe(false);
    expect((await workbookOf(page)).sheets.map((s) => s.name)).toEqual(['Sheet1', ...plan.sheets.map((s) => s.name)]);
    await page.close();
  });

  it('builds the same workbook in an Excel that takes values only as 2-D arrays, with and without copyFrom (ExcelApi 1.9)', async () => {
    const plan = buildBackpropWorkbookPlan({ ...DEFAULT_BACKPROP_WORKBOOK_OPTIONS, steps: 400 });
    for (const excelApi of ['1.9', '1.8']) {
      const page = await openPane({ host: 'Excel', excelApi, strict: true });
      await page.fill('#bp-steps', '400');
      await page.click('#build');
      await page.waitForSelector('#build-status:has-text("Built")');
      const state = await workbookOf(page);
      for (const sheetPlan of plan.sheets) {
        const cells = state.sheets.find((s) => s.name === sheetPlan.name)?.cells ?? {};
        for (const fill of sheetPlan.fills ?? []) {
          const column = fill.results.map((_, r) => cells[`${fill.origin.row + r},${fill.origin.col}`]?.formulaR1C1);
          expect(new Set(column), `${excelApi} ${sheetPlan.name}`).toEqual(new Set([`=${fill.formulaR1C1}`]));
        }
      }
      const runs = await runsOf(page);
      expect(runs.map((r) => r.error)).toEqual([undefined]);
      expect(Math.max(...runs.flatMap((r) => r.bytes))).toBeLessThan(5 * 1024 * 1024);
      await page.close();
    }
  });

  it('recalculates once and says F9 is needed when Excel calculates by hand', async () => {
    const page = await openPane({ host: 'Excel' });
    await page.evaluate("window.__fakeExcel.setCalculationMode('Manual')");
    await page.fill('#bp-steps', '30');
    await page.click('#build');
    await page.waitForSelector('#build-status:has-text("Built")');
    expect(await page.textContent('#build-status')).toMatch(/Edit the orange cells on Parameters\. Excel’s calculation is set to manual, so GradSheet recalculated the workbook once\. After each change, press F9/);
    expect((await workbookOf(page)).calculations).toEqual(['Full']);
    await page.close();
  });

  it('says plainly that an old webview cannot run the pane, instead of "Starting…" forever', async () => {
    // Chromium without EventSource stands for EdgeHTML, which has none.
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript('delete window.EventSource; window.__officeStub = { host: "Excel" };');
    await page.route(OFFICE_JS, (route) => route.fulfill({ contentType: 'application/javascript', body: stub }));
    await page.goto(`${service.url}/taskpane.html`);
    await page.waitForSelector('body[data-webview="unsupported"]');
    await page.waitForLoadState('load');
    expect(await page.textContent('#mode')).toBe('This version of Excel cannot run GradSheet.');
    expect(await page.textContent('#notice')).toMatch(/old browser engine \(Internet Explorer or EdgeHTML\).*Microsoft 365 or Office 2021 or later on Windows, Excel for Mac 16\.x, or Excel on the web\./);
    expect(await page.isVisible('#notice')).toBe(true);
    expect(await page.isVisible('#build')).toBe(false);
    // The module did not start the pane over the notice.
    expect(await page.getAttribute('body', 'data-ready')).toBeNull();
    await screenshot(page, '03-old-webview');
    await page.close();
  });

  it('serves a nomodule script, in ES5, that shows the same notice where modules cannot run (Internet Explorer 11)', async () => {
    const html = await (await fetch(`${service.url}/taskpane.html`)).text();
    const classic = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="module")([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attributes: m[1] ?? '', code: m[2] ?? '' }));
    const nomodule = classic.filter((script) => /\bnomodule\b/.test(script.attributes));
    expect(nomodule.map((script) => script.code.trim())).toEqual(['window.gradsheetOldWebview();']);
    // IE11 runs ES5 only: no arrow functions, let, const, classes, template strings, ?. or ??.
    for (const { code } of classic) expect(code).not.toMatch(/=>|\blet\b|\bconst\b|\bclass\b|`|\?\.|\?\?/);
    // Where the module cannot run, the nomodule script alone shows the notice.
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route(/\/assets\/taskpane-.*\.js$/, (route) => route.abort());
    await page.route(OFFICE_JS, (route) => route.abort('internetdisconnected'));
    await page.goto(`${service.url}/taskpane.html`);
    await page.waitForLoadState('load');
    expect(await page.textContent('#mode')).toBe('Starting…');
    await page.evaluate(nomodule[0]?.code ?? '');
    expect(await page.textContent('#mode')).toBe('This version of Excel cannot run GradSheet.');
    expect(await page.isVisible('#notice')).toBe(true);
    await page.close();
  });

  it('says in plain words when Excel is too old for ExcelApi 1.7', async () => {
    const page = await openPane({ host: 'Excel', excelApi: 1.6 });
    expect(await page.textContent('#notice')).toMatch(/too old for GradSheet: it needs the Excel JavaScript API 1\.7/);
    expect(await page.isDisabled('#build')).toBe(true);
    expect(await page.isDisabled('#start')).toBe(true);
    await screenshot(page, '03-excel-too-old');
    expect(await runsOf(page)).toEqual([]);
    await page.close();
  });

  it('streams a run into a sheet; a reload mid-run loses and doubles no row', async () => {
    const page = await openPane({ host: 'Excel' });
    const eventUrls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/events')) eventUrls.push(request.url());
    });
    expect(await page.textContent('#model-summary')).toMatch(/Total params: 7,774/);
    await page.selectOption('#model', 'gradsheet-7774');
    await page.fill('#epochs', '4');
    await page.fill('#batchSize', '32');
    await page.selectOption('#optimizer', 'adam');
    await page.fill('#trainLr', '0.005');
    await page.selectOption('#schedule', 'none');
    await page.fill('#limitTrain', '1200');
    await page.fill('#limitTest', '200');
    await page.click('#start');

    // The first row arrives; reload while the run still trains.
    await page.waitForSelector('#run-status[data-written="1"]', { timeout: 120_000 });
    await screenshot(page, '04-first-epoch-in-sheet');
    const settings = (await page.evaluate('window.__fakeExcel.settings()')) as Record<string, string>;
    const runId = (JSON.parse(settings['gradsheet.followedRun'] ?? '{}') as { runId: string }).runId;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const atReload = await getRun(service.url, runId);
    expect(atReload.state).toBe('running');
    expect(atReload.metrics.length).toBeLessThan(4);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#notice')).toMatch(/Picked up the run/);
    await page.waitForSelector('#run-status[data-finished="done"]', { timeout: 120_000 });
    await screenshot(page, '05-run-finished');

    // After the reload the stream resumed after the epochs the sheet held.
    expect(eventUrls[0]).toMatch(/\/events$/);
    expect(eventUrls.at(-1)).toMatch(/\/events\?lastEventId=[1-4]$/);

    const run: RunView = await waitFor('the finished run', async () => {
      const view = await getRun(service.url, runId);
      return view.state === 'done' ? view : undefined;
    });
    const state = await workbookOf(page);
    const sheet = state.sheets.find((s) => s.name === `Run ${runId.slice(0, 8)}`);
    if (!sheet) throw new Error('no run sheet');
    const cell = (row: number, col: number) => sheet.cells[`${row},${col}`]?.input;
    expect(EPOCH_COLUMNS.map((_, col) => cell(0, col))).toEqual([...EPOCH_COLUMNS]);
    // Exactly one row per epoch, in order, equal to the service's metrics: none lost, none doubled.
    const rows = Object.keys(sheet.cells).map((key) => Number(key.split(',')[0])).filter((row) => row > 0 && cell(row, 0) !== undefined);
    expect([...new Set(rows)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    expect(run.metrics.map((m) => [cell(m.epoch, 0), cell(m.epoch, 1), cell(m.epoch, 4), cell(m.epoch, 5)])).toEqual(run.metrics.map((m) => [m.epoch, m.trainLoss, m.testAcc, m.lr]));
    // The charts were made once and cover every row.
    expect(sheet.charts.map((c) => c.title)).toEqual(['Loss against epoch', 'Accuracy against epoch']);
    for (const chart of sheet.charts) for (const series of chart.series) expect(series.values).toMatchObject({ row: 1, rows: 4 });
    expect(state.sheets.some((s) => s.name === `Model ${runId.slice(0, 8)}` && Object.values(s.cells).some((c) => c.input === 'Total params'))).toBe(true);
    await showSheets(page, [sheet.name, `Model ${runId.slice(0, 8)}`], '05');
    // One Excel.run per flush, one sync each; nothing left unsynced.
    const runs = await runsOf(page);
    expect(runs.every((r) => r.unsynced === 0 && r.error === undefined)).toBe(true);
    expect(runs.filter((r) => r.syncs === 1).length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...runs.map((r) => r.syncs))).toBeLessThanOrEqual(2);
    // The run is finished: a reload now follows nothing.
    expect(((await page.evaluate('window.__fakeExcel.settings()')) as Record<string, unknown>)['gradsheet.followedRun']).toBeUndefined();
    await page.close();
  });

  it('says in plain words that a run failed, and why', async () => {
    // A real failure: the WebGPU backend finds no GPU here (or is not installed at all).
    const runId = await createRun(service.url, tinyRun({ epochs: 1, backend: 'webgpu' }));
    await waitFor('the run to fail', async () => (await getRun(service.url, runId)).state === 'failed');
    const reason = (await getRun(service.url, runId)).error ?? '';
    expect(reason).toMatch(/^The webgpu backend is (not installed|installed but found no usable GPU adapter)/);
    // The pane was following this run when it was reloaded: its workbook settings say so.
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(
      `sessionStorage.setItem('fake-excel.settings', ${JSON.stringify(JSON.stringify({ 'gradsheet.followedRun': JSON.stringify({ runId }) }))}); window.__officeStub = { host: 'Excel' };`,
    );
    await page.route(OFFICE_JS, (route) => route.fulfill({ contentType: 'application/javascript', body: stub }));
    await page.goto(`${service.url}/taskpane.html`);
    await page.waitForSelector('#run-status[data-finished="failed"]');
    expect(await page.textContent('#notice')).toBe(`The run failed: ${reason.replace(/\.$/, '')}. Change the settings and start again.`);
    expect(await page.textContent('#run-status')).toMatch(/failed after 0 epochs/);
    await screenshot(page, '06-run-failed');
    // Inside Excel the report opens in the system's browser (a Mac pane cannot download), at an absolute URL.
    let downloaded = false;
    page.on('download', () => (downloaded = true));
    await page.click('#report');
    expect(await page.evaluate('window.__fakeExcel.opened()')).toEqual([`${service.url}/api/runs/${runId}/report.xlsx`]);
    expect(page.url()).toBe(`${service.url}/taskpane.html`);
    expect(downloaded).toBe(false);
    await page.close();
  });

  it('works in a plain browser: preview of the workbook and a download of the .xlsx', async () => {
    const page = await openPane({ host: null });
    expect(await page.textContent('#mode')).toMatch(/Offline mode/);
    expect(await page.isVisible('#build')).toBe(false);
    await page.fill('#bp-steps', '40');
    await page.fill('#bp-lrs', '0.5, 1, 3');
    await page.click('#preview-button');
    await page.waitForSelector('table.preview[data-sheet="Parameters"]');
    expect(await page.locator('.charts svg').count()).toBe(2);
    expect(await page.locator('.charts svg').nth(1).locator('polyline').count()).toBe(3);
    await page.click('.tabs button:has-text("Backprop")');
    expect(await page.textContent('table.preview[data-sheet="Backprop"] tbody tr:nth-child(1)')).toMatch(/Step/);
    await screenshot(page, '07-offline-preview');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('gradsheet-backprop-40-steps.xlsx');
    const path = await download.path();
    const zip = await JSZip.loadAsync(await readFile(path));
    const workbook = (await zip.file('xl/workbook.xml')?.async('string')) ?? '';
    expect([...workbook.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1])).toEqual(['Parameters', 'Backprop', 'Derivation', 'LR Comparison', 'LR Runs']);
    await page.waitForSelector('#build-status:has-text("Downloaded")');
    await screenshot(page, '07-offline-downloaded');

    // A bad parameter is refused in plain words before anything is asked of the service.
    await page.fill('#bp-weights', '1, 2, 3');
    await page.click('#download');
    expect(await page.textContent('#notice')).toMatch(/Starting weights needs exactly 8 numbers, got 3/);
    await page.close();
  });

  it('in a plain browser, a run streams into a table, one row per epoch', async () => {
    const page = await openPane({ host: null });
    await fillTinyRun(page, { epochs: 2, adam: true });
    await page.click('#start');
    await page.waitForSelector('#run-status[data-finished="done"]', { timeout: 120_000 });
    const rows = await page.locator('#epochs-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(['1', '2']);
    expect(rows[0]?.[2]).toMatch(/^\d+\.\d\d%$/);
    expect(await page.getAttribute('#report', 'href')).toMatch(/^\/api\/runs\/[0-9a-f-]{36}\/report\.xlsx$/);
    // Outside Office the link downloads the report, as in any page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report')]);
    expect(download.suggestedFilename()).toMatch(/^gradsheet-.*\.xlsx$/);
    await screenshot(page, '08-offline-run-table');
    await page.close();
  });

  it('without office.js (no network) it still starts, and says so when the service stops', async () => {
    const other = await tempDir();
    const second = await startService({ dataDir: other.path, taskpaneDir: dist });
    try {
      const page = await openPane('no office.js', second.url);
      expect(await page.textContent('#mode')).toMatch(/Offline mode/);
      await second.close();
      await page.click('#download');
      await page.waitForSelector('#notice:not([hidden])');
      expect(await page.textContent('#notice')).toBe('GradSheet’s service is not answering. Start it with “npx gradsheet serve” in a terminal, then try again.');
      await screenshot(page, '09-service-not-running');
      await page.close();
    } finally {
      await second.close().catch(() => {});
      await other.remove();
    }
  });
});
