import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONFUSION_LAYOUT, RUN_EPOCHS_SHEET, RUNS_LAYOUT, RUNS_SHEET, TRY_IT, type Prediction, type RunAnalysis } from '@gradsheet/shared';
import { loadMnistSplit } from '@gradsheet/server';
import type { FakeSheet } from '../addin/test/fake-excel/index.js';
import { hasChromium, screenshot, type Browser } from './support/browser.js';
import { fillTinyRun, openPane, showSheets, typeInto, workbookOf, type PaneOpener, type PaneSession, startPaneSession } from './support/pane-page.js';
import { call, createRun, getRun, tinyRun, waitFor, type Service } from './support/service.js';

/**
 * Learning from runs in the task pane, in Debian's Chromium against a real service on
 * loopback: a tiny run trained from the pane shows what it learned (its Confusion,
 * Mistakes and Kernels sheets in the recording fake of Excel), two runs are compared
 * on the Runs sheet, and an MNIST test digit typed into the Try it grid is predicted.
 */

let session: PaneSession;
let browser: Browser;
let service: Service;
let opener: PaneOpener;
/** The run trained from the pane, and one started beside it through the API. */
let paneRun = '';
let apiRun = '';
/** MNIST's first test digit, 28 rows of 28 values from 0 to 1. */
let digit: number[][];

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startPaneSession();
  ({ browser, service } = session);
  opener = session;
  const mnist = await loadMnistSplit('test');
  digit = Array.from({ length: 28 }, (_, r) => Array.from(mnist.images.subarray(r * 28, (r + 1) * 28), (b) => b / 255));
});
afterAll(() => session?.close());
afterEach(() => {
  if (session) expect(session.pageErrors.splice(0)).toEqual([]);
});

const sheetNamed = async (page: Page, name: string): Promise<FakeSheet> => {
  const sheet = (await workbookOf(page)).sheets.find((s) => s.name === name);
  if (!sheet) throw new Error(`no sheet "${name}"`);
  return sheet;
};
const input = (sheet: FakeSheet, row: number, col: number) => sheet.cells[`${row},${col}`]?.input;
const id8 = (id: string) => id.slice(0, 8);

/** Picks `runId` in the drop-down of finished runs, once the pane lists it. */
async function chooseRun(page: Page, runId: string): Promise<void> {
  await page.waitForSelector(`#learn-run option[value="${runId}"]`, { state: 'attached' });
  await page.selectOption('#learn-run', runId);
}

describe.skipIf(!hasChromium)('learning from runs in the task pane', () => {
  it('after a tiny run in Excel, shows what it learned: the Confusion sheet’s counts add up to the test images', async () => {
    const page = await openPane(opener, service.url, { host: 'Excel' });
    expect(await page.isEnabled('#show-learned')).toBe(false);
    await fillTinyRun(page, { epochs: 1 });
    const created = page.waitForResponse((response) => response.url().endsWith('/api/runs') && response.request().method() === 'POST');
    await page.click('#start');
    paneRun = ((await (await created).json()) as { id: string }).id;
    // A second run beside it, for the comparison below.
    apiRun = await createRun(service.url, tinyRun({ epochs: 2 }));
    await page.waitForSelector('#run-status[data-finished="done"]', { timeout: 120_000 });

    // The run that finished is picked by itself.
    await page.waitForFunction(`document.getElementById('learn-run').value === ${JSON.stringify(paneRun)}`);
    expect(await page.isEnabled('#show-learned')).toBe(true);
    const started = Date.now();
    await page.click('#show-learned');
    await page.waitForSelector('#learned-status[data-state="written"]', { timeout: 60_000 });
    const seconds = (Date.now() - started) / 1000;
    const names = { confusion: `Confusion ${id8(paneRun)}`, mistakes: `Mistakes ${id8(paneRun)}`, kernels: `Kernels ${id8(paneRun)}` };
    expect(await page.textContent('#learned-status')).toContain(`“${names.confusion}”, “${names.mistakes}” and “${names.kernels}”`);

    // The counts are the service's analysis of the run, and add up to its 100 test images.
    const analysis = (await call<RunAnalysis>(service.url, 'GET', `/api/runs/${paneRun}/analysis`)).body;
    const confusion = await sheetNamed(page, names.confusion);
    const L = CONFUSION_LAYOUT;
    const counts = Array.from({ length: 10 }, (_, k) => Array.from({ length: 10 }, (_, j) => input(confusion, L.firstRow + k, L.countsCol + j)));
    expect(counts).toEqual(analysis.confusion.counts);
    expect(counts.flat().reduce<number>((sum, n) => sum + Number(n), 0)).toBe(100);
    expect(confusion.conditionalFormats.some((f) => f.type === 'ColorScale')).toBe(true);
    // The diagonal over the total is the run's last test accuracy, which the sheet holds beside it.
    const run = await getRun(service.url, paneRun);
    const right = counts.reduce<number>((sum, row, k) => sum + Number(row[k]), 0);
    expect(right / 100).toBeCloseTo(run.metrics.at(-1)?.testAcc ?? NaN, 12);
    expect(input(confusion, L.recordedRow, 1)).toBe(run.metrics.at(-1)?.testAcc);
    expect((await sheetNamed(page, names.mistakes)).conditionalFormats.length).toBeGreaterThan(0);
    await sheetNamed(page, names.kernels);
    console.log(`Show what it learned: ${seconds.toFixed(1)} s from the click to the three sheets written`);
    await screenshot(page, 'analysis-01-learned');
    await showSheets(browser, page, [names.confusion], 'analysis-01', { rows: 20, cols: 14 });

    // Again: the sheets are there, so the pane offers to replace them.
    await page.click('#show-learned');
    await page.waitForSelector('#learned-replace:visible');
    expect(await page.textContent('#notice')).toMatch(/already has sheets named “Confusion /);
    await page.click('#learned-replace');
    await page.waitForSelector('#learned-status[data-state="written"]', { timeout: 60_000 });
    // One of each, beside the run's own sheets.
    expect((await workbookOf(page)).sheets.filter((s) => s.name.endsWith(id8(paneRun))).map((s) => s.name).sort()).toEqual(
      [`Run ${id8(paneRun)}`, `Model ${id8(paneRun)}`, names.confusion, names.mistakes, names.kernels].sort(),
    );

    // Compare runs: both, once the second has finished.
    await waitFor('the second run', async () => (await getRun(service.url, apiRun)).state === 'done', 120_000);
    await page.click('#learn-refresh');
    for (const id of [paneRun, apiRun]) await page.check(`#compare-runs input[value="${id}"]`);
    await page.click('#compare');
    await page.waitForSelector('#compare-status[data-state="written"]', { timeout: 60_000 });
    const runsSheet = await sheetNamed(page, RUNS_SHEET);
    expect(runsSheet.charts.map((c) => c.series.length)).toEqual([2, 2]);
    const ids = [0, 1].map((r) => input(runsSheet, RUNS_LAYOUT.firstRow + r, 0));
    expect(ids.sort()).toEqual([paneRun, apiRun].sort());
    expect(runsSheet.charts.flatMap((c) => c.series.map((s) => s.name)).every((name) => name.includes(paneRun) || name.includes(apiRun))).toBe(true);
    // Each run's epochs, as the service has them, on the Epochs sheet the charts read.
    const epochsSheet = await sheetNamed(page, RUN_EPOCHS_SHEET);
    expect(Object.values(epochsSheet.cells).filter((c) => typeof c.input === 'number' && c.input > 0 && c.input < 1).length).toBeGreaterThan(0);
    await screenshot(page, 'analysis-02-compared');
    await showSheets(browser, page, [RUNS_SHEET], 'analysis-02', { rows: 8, cols: 9 });
    await page.close();
  });

  it('predicts an MNIST test digit typed into the Try it grid, and refuses a grid with text without sending it', async () => {
    expect(paneRun).not.toBe('');
    const page = await openPane(opener, service.url, { host: 'Excel' });
    const predictions: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/predict')) predictions.push(request.url());
    });
    await page.click('#try-it');
    await page.waitForSelector('#predict-status[data-state="added"]');
    const tryIt = await sheetNamed(page, TRY_IT.sheet);
    expect(tryIt.protected).toBe(true);

    // The learner types the digit's ink into the grid; paper stays blank.
    const G = TRY_IT.grid.start;
    const ink = digit.flatMap((row, r) => row.flatMap((value, c) => (value > 0 ? [[G.row + r, G.col + c, value] as const] : [])));
    await page.evaluate(`${JSON.stringify(ink)}.forEach(([row, col, value]) => window.__fakeExcel.typeInto(${JSON.stringify(TRY_IT.sheet)}, row, col, value))`);
    await chooseRun(page, paneRun);
    await page.click('#predict');
    await page.waitForSelector('#predict-status[data-state="predicted"]', { timeout: 60_000 });

    // The probabilities written are the service's answer for that digit.
    const answer = (await call<Prediction>(service.url, 'POST', `/api/runs/${paneRun}/predict`, { body: { grid: digit } })).body;
    const P = TRY_IT.probabilities.start;
    const after = await sheetNamed(page, TRY_IT.sheet);
    expect(Array.from({ length: 10 }, (_, d) => input(after, P.row + d, P.col))).toEqual(answer.probabilities);
    expect(await page.textContent('#predict-status')).toContain(`reads your digit as ${answer.class}`);
    expect(predictions).toHaveLength(1);
    await screenshot(page, 'analysis-03-predicted');
    await showSheets(browser, page, [TRY_IT.sheet], 'analysis-03', { rows: 34, cols: 32 });

    // Text in the grid: one sentence naming the cell, and nothing sent.
    await typeInto(page, TRY_IT.sheet, G.row + 2, G.col + 4, 'ink');
    await page.click('#predict');
    await page.waitForSelector('#predict-status[data-state="refused"]');
    expect(await page.textContent('#notice')).toBe(`Cell E${G.row + 3} on the Try it sheet is "ink", not a number from 0 to 1, so nothing was sent: type a number from 0 (paper) to 1 (ink) there, or clear it.`);
    expect(predictions).toHaveLength(1);
    await screenshot(page, 'analysis-04-bad-grid');
    await page.close();
  });

  it('in a plain browser, downloads the comparison of the runs ticked', async () => {
    expect(apiRun).not.toBe('');
    const page = await openPane(opener, service.url, { host: null });
    expect(await page.isVisible('#compare')).toBe(false);
    expect(await page.isVisible('#show-learned')).toBe(false);
    for (const id of [paneRun, apiRun]) await page.check(`#compare-runs input[value="${id}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#compare-download')]);
    expect(download.suggestedFilename()).toBe('gradsheet-compare.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await download.path()) as string)) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([RUNS_SHEET, RUN_EPOCHS_SHEET]);
    await page.waitForSelector('#compare-status[data-state="downloaded"]');
    await screenshot(page, 'analysis-05-offline-compare');
    await page.close();
  });
});
