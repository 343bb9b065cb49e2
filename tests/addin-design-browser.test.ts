import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  countParams,
  DESIGN_TRAINING_DEFAULTS,
  designerColumn,
  designerGeometry,
  DESIGNER_SHEET,
  EPOCH_COLUMNS,
  getModel,
  MODEL_SPEC_LABEL,
  parseModelSpec,
  type DesignerColumnKey,
  type LayerSpec,
  type ModelSpec,
  type RunListResponse,
  type RunView,
} from '@gradsheet/shared';
import { hasChromium, screenshot, type Browser } from './support/browser.js';
import { fillTinyRun, openPane, showSheets, typeInto, workbookOf, type PaneOpener, type PaneSession, startPaneSession } from './support/pane-page.js';
import { call, getRun, waitFor, type Service } from './support/service.js';

/**
 * Designing a model in the task pane, in Debian's Chromium against a real service on
 * loopback: the Model sheet written into the recording fake of Excel, a row changed
 * as a learner would, the design trained, its epochs in the run's sheet; and a design
 * that cannot work refused row by row, with nothing sent.
 */

let session: PaneSession;
let browser: Browser;
let service: Service;
let opener: PaneOpener;

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startPaneSession();
  ({ browser, service } = session);
  opener = session;
});
afterAll(() => session?.close());
afterEach(() => {
  if (session) expect(session.pageErrors.splice(0)).toEqual([]);
});

const SEED = getModel('seed-11154');
const n = SEED.layers.length;
const geometry = designerGeometry(n);

/** Types into the cell of `key` in the layer row `index` (from 0) of the Model sheet. */
const typeInRow = (page: Page, index: number, key: DesignerColumnKey, value: string | number | null) =>
  typeInto(page, DESIGNER_SHEET, geometry.firstLayerRow + index, designerColumn(key), value);
/** Excel's number of the layer row `index`. */
const excelRow = (index: number) => geometry.firstLayerRow + index + 1;

/** Designs from seed-11154 in a new pane, as Excel with drop-downs (ExcelApi 1.8). */
async function designFromSeed(): Promise<Page> {
  const page = await openPane(opener, service.url, { host: 'Excel', excelApi: '1.8' });
  await page.selectOption('#design-start', 'seed-11154');
  await page.click('#design');
  await page.waitForSelector('#design-status[data-state="designed"]');
  return page;
}

const runsOnService = async () => (await call<RunListResponse>(service.url, 'GET', '/api/runs')).body.runs.length;

describe.skipIf(!hasChromium)('designing a model in the task pane', () => {
  it('designs from seed-11154, trains the design after a learner changes a row, and the epochs arrive in the run’s sheet', async () => {
    const page = await designFromSeed();
    expect(await page.textContent('#design-status')).toMatch(/^Wrote the Model sheet from seed-11154 \(11,154 parameters\) in \d+ requests to Excel\./);
    expect(await page.textContent('#design-summary')).toMatch(/Total params: 11,154/);
    // The design's default settings are shown in the training fields before anything trains.
    const field = (id: string) => page.inputValue(`#${id}`);
    const t = DESIGN_TRAINING_DEFAULTS;
    expect([await field('epochs'), await field('batchSize'), await field('optimizer'), await field('trainLr'), await field('schedule')]).toEqual(
      [t.epochs, t.batchSize, t.optimizer, t.lr, t.schedule].map(String),
    );
    expect(await page.textContent('#design-defaults')).toContain('15 epochs of SGD (momentum 0.9) at a learning rate of 0.1 on a OneCycle schedule, in batches of 128');
    const sheet = (await workbookOf(page)).sheets.find((s) => s.name === DESIGNER_SHEET);
    expect(sheet?.protected).toBe(true);
    expect(sheet?.validations.length).toBeGreaterThan(0);
    expect(sheet?.cells[`${geometry.firstLayerRow + 3},${designerColumn('filters')}`]?.input).toBe(8);
    await screenshot(page, 'design-01-designed');
    await showSheets(browser, page, [DESIGNER_SHEET], 'design-01', { rows: 30, cols: 14 });

    // A learner changes the second Conv2d's filters from 8 to 6, and a tiny run is asked for.
    await typeInRow(page, 3, 'filters', 6);
    const layers: LayerSpec[] = [...SEED.layers];
    layers[3] = { type: 'conv2d', filters: 6, kernel: 3 };
    const edited: ModelSpec = parseModelSpec({ layers });
    await fillTinyRun(page, { epochs: 2 });
    const created = page.waitForResponse((response) => response.url().endsWith('/api/runs') && response.request().method() === 'POST');
    await page.click('#design-train');
    const runId = ((await (await created).json()) as { id: string }).id;
    await page.waitForSelector('#design-status[data-state="training"]');
    expect(await page.textContent('#design-summary')).toContain(`Total params: ${countParams(edited).toLocaleString('en-US')}`);
    await page.waitForSelector('#run-status[data-finished="done"]', { timeout: 120_000 });
    await screenshot(page, 'design-02-trained');

    // The service trained the design as the sheet now says, on wasm.
    const run: RunView = await waitFor('the finished run', async () => {
      const view = await getRun(service.url, runId);
      return view.state === 'done' ? view : undefined;
    });
    expect(run.config).toMatchObject({ model: 'design', epochs: 2, batchSize: 32, limitTrain: 256, limitTest: 100 });
    expect(run.backend).toBe('wasm');
    const kept = JSON.parse(await readFile(join(session.dir.path, 'data', 'runs', runId, 'model.json'), 'utf8')) as ModelSpec;
    expect(kept.layers).toEqual(edited.layers);

    // Every epoch is in the run's sheet, once, as the service has it.
    const state = await workbookOf(page);
    const runSheet = state.sheets.find((s) => s.name === `Run ${runId.slice(0, 8)}`);
    if (!runSheet) throw new Error('no run sheet');
    const cell = (row: number, col: number) => runSheet.cells[`${row},${col}`]?.input;
    expect(EPOCH_COLUMNS.map((_, col) => cell(0, col))).toEqual([...EPOCH_COLUMNS]);
    const rows = Object.keys(runSheet.cells).map((key) => Number(key.split(',')[0])).filter((row) => row > 0 && cell(row, 0) !== undefined);
    expect([...new Set(rows)].sort((a, b) => a - b)).toEqual([1, 2]);
    expect(run.metrics.map((m) => [cell(m.epoch, 0), cell(m.epoch, 1), cell(m.epoch, 4)])).toEqual(run.metrics.map((m) => [m.epoch, m.trainLoss, m.testAcc]));

    // Beside it, the design: its layer table, and its spec as JSON.
    const modelSheet = state.sheets.find((s) => s.name === `Model ${runId.slice(0, 8)}`);
    const inputs = Object.values(modelSheet?.cells ?? {}).map((c) => c.input);
    expect(inputs).toContain('Total params');
    expect(inputs).toContain(MODEL_SPEC_LABEL);
    expect(inputs.filter((value) => typeof value === 'string' && /^Conv2d-\d+$/.test(value))).toHaveLength(layers.filter((l) => l.type === 'conv2d').length);
    const json = inputs.find((value): value is string => typeof value === 'string' && value.startsWith('{'));
    expect(parseModelSpec(JSON.parse(json ?? 'null'))).toEqual(edited);
    await showSheets(browser, page, [runSheet.name, `Model ${runId.slice(0, 8)}`], 'design-02', { rows: 34, cols: 6 });
    await page.close();
  });

  it('refuses a design that cannot work with one sentence per bad row, and sends nothing', async () => {
    const page = await designFromSeed();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    const before = await runsOnService();

    // Designing again: the Model sheet is taken, and the pane offers to replace it, as for the backprop workbook.
    await typeInRow(page, 3, 'filters', 5);
    await page.click('#design');
    await page.waitForSelector('#notice:has-text("already has")');
    expect(await page.textContent('#notice')).toMatch(/^This workbook already has sheet named “Model”\. Press “Replace them”/);
    expect(await page.isVisible('#design-replace')).toBe(true);
    await page.click('#design-replace');
    await page.waitForSelector('#design-status[data-state="designed"]');
    expect(await page.isVisible('#notice')).toBe(false);
    const replaced = await workbookOf(page);
    expect(replaced.sheets.filter((s) => s.name === DESIGNER_SHEET)).toHaveLength(1);
    expect(replaced.sheets.find((s) => s.name === DESIGNER_SHEET)?.cells[`${geometry.firstLayerRow + 3},${designerColumn('filters')}`]?.input).toBe(8);

    // Two bad rows at once: both are named.
    await typeInRow(page, 7, 'rate', 1.5);
    await typeInRow(page, 9, 'type', 'Conv3d');
    await page.click('#design-train');
    await page.waitForSelector('#design-status[data-state="refused"]');
    expect(await page.textContent('#notice')).toBe('The design cannot be trained as it stands, so nothing was sent: fix these 2 on the Model sheet, then try again.');
    const listed = await page.locator('#design-problems li').allTextContents();
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatch(new RegExp(`^Row ${excelRow(7)} \\(Dropout\\): rate must be a number from 0 up to \\(not including\\) 1, got 1\\.5\\.$`));
    expect(listed[1]).toMatch(new RegExp(`^Row ${excelRow(9)}: unknown type "Conv3d"; use one of Conv2d, `));
    await screenshot(page, 'design-03-bad-rows');

    // Fixed, but the fifth Conv2d's kernel is now larger than the 7×7 map it sees.
    await typeInRow(page, 7, 'rate', 0.1);
    await typeInRow(page, 9, 'type', 'ReLU');
    await typeInRow(page, 15, 'kernel', 9);
    await page.click('#design-train');
    await page.waitForSelector('#design-problems li:has-text("kernel 9")');
    const kernel = await page.locator('#design-problems li').allTextContents();
    expect(kernel).toEqual([expect.stringMatching(new RegExp(`^Row ${excelRow(15)} \\(Conv2d\\): .*kernel 9`))]);
    expect(await page.textContent('#notice')).toMatch(/fix this on the Model sheet/);
    await screenshot(page, 'design-04-kernel-too-large');

    expect(posts).toEqual([]);
    expect(await runsOnService()).toBe(before);
    expect(await page.isEnabled('#design-train')).toBe(true);
    await page.close();
  });
});
