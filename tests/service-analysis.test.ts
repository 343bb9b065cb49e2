import { access, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prediction, RunAnalysis } from '@gradsheet/shared';
import { call, createRun, getRun, startService, tempDir, tinyRun, waitFor, type Service } from './support/service.js';

/**
 * Predictions and the analyses of older runs run on the service's analysis thread, so
 * that the event loop keeps answering while the engine works. Through a real service
 * on loopback, built from the compiled server (whose worker file exists).
 */

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: Service;
let runId: string;

beforeAll(async () => {
  dir = await tempDir();
  service = await startService({ dataDir: dir.path });
  runId = await createRun(service.url, tinyRun({ epochs: 1 }));
  await waitFor('the run to finish', async () => (await getRun(service.url, runId)).state === 'done');
});
afterAll(async () => {
  await service?.close();
  await dir?.remove();
});

const analysisFile = () => join(dir.path, 'runs', runId, 'analysis.json');

describe('the analysis thread', () => {
  it("analyses a run that kept no analysis while the service goes on answering, and keeps what it made", async () => {
    // A run from before analyses were kept: its folder has final weights but no analysis.json.
    await rm(analysisFile());
    // The service runs in this process: how busy its event loop is while the engine works
    // (a share of the time, whatever the machine's speed).
    const before = performance.eventLoopUtilization();
    const analysis = call<RunAnalysis>(service.url, 'GET', `/api/runs/${runId}/analysis`);
    const health = call(service.url, 'GET', '/api/health');
    const [analysed, healthy] = await Promise.all([analysis, health]);
    const busy = performance.eventLoopUtilization(before).utilization;
    expect(healthy.status).toBe(200);
    expect(analysed.status).toBe(200);
    // About 0.04 with the analysis thread; 0.64 when the same work ran on the event loop.
    expect(busy).toBeLessThan(0.3);
    expect(analysed.body.confusion.total).toBe(100);
    await access(analysisFile());
    // Asked again, it is read from the folder.
    expect((await call<RunAnalysis>(service.url, 'GET', `/api/runs/${runId}/analysis`)).body).toEqual(analysed.body);
  });

  it('predicts on the same thread, and a refusal from the engine keeps its code across the thread', async () => {
    const { body: analysis } = await call<RunAnalysis>(service.url, 'GET', `/api/runs/${runId}/analysis`);
    const mistake = analysis.mistakes[0];
    const pixels = mistake?.pixels ?? new Array<number>(784).fill(0);
    const grid = Array.from({ length: 28 }, (_, row) => pixels.slice(row * 28, row * 28 + 28));
    const answer = await call<Prediction>(service.url, 'POST', `/api/runs/${runId}/predict`, { body: { grid } });
    expect(answer.status).toBe(200);
    expect(answer.body.probabilities).toHaveLength(10);
    if (mistake) expect(answer.body.class).toBe(mistake.predicted);

    // Without its final weights, the thread's NO_WEIGHTS answers as the service's own would.
    await rm(join(dir.path, 'runs', runId, 'weights-final.json'), { force: true });
    await rm(analysisFile());
    const refused = await call<{ code: string }>(service.url, 'GET', `/api/runs/${runId}/analysis`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('GS_ERR_RUN_HAS_NO_WEIGHTS');
  });
});
