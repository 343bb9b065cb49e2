import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startService, tempDir, type Service } from './support/service.js';

/**
 * POST /api/backprop.xlsx never holds the service up: the largest workbooks are
 * built on threads of their own, a few at a time, while /api/health keeps answering.
 */

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: Service;
beforeAll(async () => {
  dir = await tempDir();
  service = await startService({ dataDir: dir.path, backpropLimits: { concurrent: 2, waiting: 1 } });
});
afterAll(async () => {
  await service?.close();
  await dir?.remove();
});

const build = (steps: number) =>
  fetch(`${service.url}/api/backprop.xlsx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ steps }) });

describe('POST /api/backprop.xlsx under load', () => {
  it('builds three 10,000-step workbooks while /api/health answers throughout; a fourth at once is refused with 429 and Retry-After', async () => {
    const started = performance.now();
    const builds = [build(10_000), build(10_000), build(10_000), build(10_000)].map(async (request) => {
      const response = await request;
      return { status: response.status, retryAfter: response.headers.get('retry-after'), bytes: (await response.arrayBuffer()).byteLength, at: performance.now() };
    });
    // Health, one request after another, until every build has answered.
    let building = true;
    const answers: number[] = [];
    const sampler = (async () => {
      while (building) {
        const health = await call(service.url, 'GET', '/api/health');
        expect(health.status).toBe(200);
        answers.push(performance.now());
      }
    })();
    const results = await Promise.all(builds);
    building = false;
    await sampler;

    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(1);
    expect(Number(refused[0]?.retryAfter)).toBeGreaterThan(0);
    for (const r of ok) expect(r.bytes).toBeGreaterThan(1_000_000);

    // Built in-process, each workbook held the event loop for its whole build: health waited as long as a build.
    // On threads, the longest wait between two health answers is a small part of the time the builds took.
    const busy = Math.max(...ok.map((r) => r.at)) - started;
    const gaps = answers.map((at, i) => at - (answers[i - 1] ?? started));
    expect(answers.length).toBeGreaterThan(20);
    expect(Math.max(...gaps) / busy).toBeLessThan(0.2);
  });
});
