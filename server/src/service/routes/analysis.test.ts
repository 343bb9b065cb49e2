import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel, resolveTrainConfig, type EpochMetrics, type Prediction, type RunAnalysis, type RunRecord } from '@gradsheet/shared';
import { RunDirectory } from '../../engine/run-directory.js';
import { trainRun } from '../../runs/run-training.js';
import { predictDigit } from '../../analysis/predict.js';
import { buildApp } from '../app.js';
import { expectRefusal, type Answer } from '../../../test/service-app.js';

/** The analysis routes through inject(), over a run trained for real (wasm) in the service's own data folder. */

const TRAINED = 'a1b2c3d4-0000-4000-8000-0000000000a1';
const NO_WEIGHTS = 'a1b2c3d4-0000-4000-8000-0000000000a2';
const UNKNOWN = '0f8fad5b-d9cb-469f-a165-70867728950e';

let dataDir: string;
let app: FastifyInstance;
let trainedMetrics: EpochMetrics[];
let analysis: RunAnalysis;

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer<T>> {
  const response = await app.inject({ method, url, ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  const json = String(response.headers['content-type'] ?? '').includes('json');
  return { status: response.statusCode, headers: response.headers, raw: response.rawPayload, body: (json ? response.json() : response.body) as T };
}

/** A run folder in the service's layout, as a service that trained it would have left it. */
async function makeRun(id: string, train: boolean): Promise<EpochMetrics[]> {
  const spec = getModel('gradsheet-7774');
  const config = resolveTrainConfig({ model: spec.id, epochs: 2, limitTrain: 256, limitTest: 100, batchSize: 32, optimizer: 'adam', lr: 0.005, schedule: 'none', backend: 'wasm', threads: 1 }, spec);
  const at = new Date().toISOString();
  const record: RunRecord = { id, config, state: 'running', createdAt: at, updatedAt: at, startedAt: at };
  const run = await RunDirectory.create(join(dataDir, 'runs', id), record, spec);
  let metrics: EpochMetrics[] = [];
  if (train) metrics = await trainRun(run, config);
  else for (const epoch of [1, 2]) await run.appendMetrics({ epoch, trainLoss: 1, trainAcc: 0.5, testLoss: 1, testAcc: 0.4 + epoch / 10, testCorrect: 40 + epoch * 10, testCount: 100, lr: 0.005, seconds: 1, imagesPerSecond: 200 });
  // A run without weights that says it is done: its folder lost them.
  await run.writeRecord({ ...record, state: 'done', finishedAt: new Date().toISOString(), backend: 'wasm' });
  return train ? metrics : await run.readMetrics();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gradsheet-analysis-routes-'));
  trainedMetrics = await makeRun(TRAINED, true);
  await makeRun(NO_WEIGHTS, false);
  analysis = (await RunDirectory.open(join(dataDir, 'runs', TRAINED)).readAnalysis()) as RunAnalysis;
  app = await buildApp({ dataDir, taskpaneDir: join(dataDir, 'no-pane') });
});
afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const rowsOf = (pixels: readonly number[]) => Array.from({ length: 28 }, (_, r) => pixels.slice(r * 28, (r + 1) * 28));

describe('POST /api/runs/:runId/predict', () => {
  it('predicts a test digit as the engine does: the class, and the probabilities to 1e-5', async () => {
    const mistake = analysis.mistakes[0]!;
    const answer = await call<Prediction>('POST', `/api/runs/${TRAINED}/predict`, { grid: rowsOf(mistake.pixels) });
    expect(answer.status).toBe(200);
    expect(answer.body.class).toBe(mistake.predicted);
    expect(Math.abs(answer.body.probabilities[mistake.predicted]! - mistake.probability)).toBeLessThan(1e-5);
    const direct = await predictDigit(RunDirectory.open(join(dataDir, 'runs', TRAINED)), mistake.pixels);
    expect(answer.body.probabilities).toHaveLength(10);
    answer.body.probabilities.forEach((p, digit) => expect(Math.abs(p - direct.probabilities[digit]!)).toBeLessThan(1e-5));
  });

  it('refuses each bad request with one clear error', async () => {
    const grid = rowsOf(new Array<number>(784).fill(0));
    const text = grid.map((row) => [...row]) as unknown[][];
    text[2]![4] = 'ink';
    expect(expectRefusal(await call('POST', `/api/runs/${TRAINED}/predict`, { grid: text }), 400, 'GS_ERR_VALIDATION').message).toBe(
      'Invalid request: body.grid row 3, column 5 is "ink", not a number from 0 to 1',
    );
    expect(expectRefusal(await call('POST', `/api/runs/${TRAINED}/predict`, { grid: grid.slice(1) }), 400, 'GS_ERR_VALIDATION').message).toBe(
      'Invalid request: body.grid must be 28 rows of 28 values from 0 (paper) to 1 (ink); it has 27 rows',
    );
    expect(expectRefusal(await call('POST', `/api/runs/${TRAINED}/predict`, {}), 400, 'GS_ERR_VALIDATION').message).toBe(
      'Invalid request: body is missing the field "grid"',
    );
    expect(expectRefusal(await call('POST', `/api/runs/${UNKNOWN}/predict`, { grid }), 404, 'GS_ERR_UNKNOWN_RUN').message).toBe(`There is no run ${UNKNOWN}`);
    expect(expectRefusal(await call('POST', `/api/runs/${NO_WEIGHTS}/predict`, { grid }), 409, 'GS_ERR_RUN_HAS_NO_WEIGHTS').message).toBe(
      `Run ${NO_WEIGHTS} has no final weights (weights-final.json): it is done, but its folder lost them; only a finished run can predict or be analysed`,
    );
    expectRefusal(await call('POST', '/api/runs/not-a-run/predict', { grid }), 400, 'GS_ERR_BAD_RUN_ID');
    // The route takes more than the service's default body, and says its own limit.
    const huge = { grid: rowsOf(new Array<number>(784).fill(0.123456789012345)), padding: 'x'.repeat(70 * 1024) };
    expect(expectRefusal(await call('POST', `/api/runs/${TRAINED}/predict`, huge), 413, 'GS_ERR_BODY_TOO_LARGE').message).toBe(
      'The body is larger than the limit of 65536 bytes',
    );
  });
});

describe('GET /api/runs/:runId/analysis', () => {
  it('answers what the run learned, as its folder keeps it; a run without weights is 409, an unknown run 404', async () => {
    const answer = await call<RunAnalysis>('GET', `/api/runs/${TRAINED}/analysis`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(analysis);
    expectRefusal(await call('GET', `/api/runs/${NO_WEIGHTS}/analysis`), 409, 'GS_ERR_RUN_HAS_NO_WEIGHTS');
    expectRefusal(await call('GET', `/api/runs/${UNKNOWN}/analysis`), 404, 'GS_ERR_UNKNOWN_RUN');
  });
});

async function sheetsOf(raw: Buffer): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(raw as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => sheet.name);
}

describe('the workbooks of runs', () => {
  it('the report of a finished run has what it learned; an older run gets it computed, a run without weights has none', async () => {
    const report = await call<string>('GET', `/api/runs/${TRAINED}/report.xlsx`);
    expect(report.status).toBe(200);
    expect(await sheetsOf(report.raw)).toEqual(expect.arrayContaining(['Run', 'Model', 'Epochs', 'Confusion', 'Mistakes', 'Kernels']));

    await rm(join(dataDir, 'runs', TRAINED, 'analysis.json'));
    const again = await call<string>('GET', `/api/runs/${TRAINED}/report.xlsx`);
    expect(await sheetsOf(again.raw)).toContain('Confusion');
    const recomputed = (await RunDirectory.open(join(dataDir, 'runs', TRAINED)).readAnalysis()) as RunAnalysis;
    expect(recomputed.confusion).toEqual(analysis.confusion);

    const bare = await call<string>('GET', `/api/runs/${NO_WEIGHTS}/report.xlsx`);
    expect(bare.status).toBe(200);
    expect(await sheetsOf(bare.raw)).not.toContain('Confusion');
  });

  it('GET /api/runs/compare.xlsx?ids=… compares the runs named, one chart series per run', async () => {
    const answer = await call<string>('GET', `/api/runs/compare.xlsx?ids=${TRAINED},${NO_WEIGHTS}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="gradsheet-compare.xlsx"');
    expect(await sheetsOf(answer.raw)).toContain('Runs');
    const zip = await JSZip.loadAsync(answer.raw);
    const charts = Object.keys(zip.files).filter((name) => /^xl\/charts\/chart\d+\.xml$/.test(name));
    expect(charts.length).toBeGreaterThanOrEqual(2);
    for (const chart of charts) expect(((await zip.file(chart)!.async('string')).match(/<c:ser>/g) ?? []).length).toBe(2);
    expect(trainedMetrics).toHaveLength(2);
  });

  it('refuses a bad id, an unknown run, a run named twice and no ids', async () => {
    expectRefusal(await call('GET', `/api/runs/compare.xlsx?ids=${TRAINED},nope`), 400, 'GS_ERR_BAD_RUN_ID');
    expectRefusal(await call('GET', `/api/runs/compare.xlsx?ids=${TRAINED},${UNKNOWN}`), 404, 'GS_ERR_UNKNOWN_RUN');
    expect(expectRefusal(await call('GET', `/api/runs/compare.xlsx?ids=${TRAINED},${TRAINED}`), 400, 'GS_ERR_VALIDATION').message).toBe(
      `Invalid request: run ${TRAINED} is given twice`,
    );
    expectRefusal(await call('GET', '/api/runs/compare.xlsx'), 400, 'GS_ERR_VALIDATION');
  });
});
