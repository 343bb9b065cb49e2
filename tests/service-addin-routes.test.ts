import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createRun, getRun, startService, tempDir, tinyRun, waitFor, type Service } from './support/service.js';

/** The routes the task pane relies on, over real HTTP on loopback. */

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: Service;
beforeAll(async () => {
  dir = await tempDir();
  service = await startService({ dataDir: dir.path });
});
afterAll(async () => {
  await service?.close();
  await dir?.remove();
});

async function sheetNames(bytes: ArrayBuffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  const workbook = (await zip.file('xl/workbook.xml')?.async('string')) ?? '';
  return [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1] as string);
}

describe('POST /api/backprop.xlsx', () => {
  it('answers the backprop workbook for the given parameters', async () => {
    const response = await fetch(`${service.url}/api/backprop.xlsx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ steps: 25, learningRate: 0.8, comparisonLearningRates: [0.3, 3] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="gradsheet-backprop-25-steps.xlsx"');
    const bytes = await response.arrayBuffer();
    expect(await sheetNames(bytes)).toEqual(['Parameters', 'Backprop', 'Derivation', 'LR Comparison', 'LR Runs']);
    const zip = await JSZip.loadAsync(bytes);
    const files = Object.keys(zip.files);
    expect(files.filter((f) => /^xl\/charts\/chart\d+\.xml$/.test(f))).toHaveLength(2);
  });

  it('takes an empty body for the defaults', async () => {
    const answer = await call(service.url, 'POST', '/api/backprop.xlsx', { body: {} });
    expect(answer.status).toBe(200);
  });

  it.each([
    [{ steps: 0 }, /body\.steps must be >= 1/],
    [{ steps: 10_001 }, /body\.steps must be <= 10000/],
    [{ steps: '5' }, /body\.steps must be integer/],
    [{ learningRate: 0 }, /body\.learningRate must be > 0/],
    [{ initialWeights: [1, 2, 3] }, /body\.initialWeights must NOT have fewer than 8 items/],
    [{ comparisonLearningRates: [] }, /body\.comparisonLearningRates must NOT have fewer than 1 items/],
    [{ inputs: [0, 2e6] }, /body\.inputs\/1 must be <= 1000000|body\.inputs\.1 must be <= 1000000/],
    [{ colour: 'red' }, /unknown field "colour"/],
  ])('refuses %j with 400 and a reason', async (body, reason) => {
    const answer = await call<{ statusCode: number; code: string; message: string }>(service.url, 'POST', '/api/backprop.xlsx', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('GS_ERR_VALIDATION');
    expect(answer.body.message).toMatch(reason);
  });
});

describe('GET /api/runs/:id/events?lastEventId=N', () => {
  async function streamOf(path: string, headers: Record<string, string> = {}): Promise<{ event: string; id?: string }[]> {
    const text = await (await fetch(`${service.url}${path}`, { headers })).text();
    return text
      .split('\n\n')
      .map((block) => Object.fromEntries(block.split('\n').flatMap((line) => (/^(\w+): ?(.*)$/.exec(line) ? [[line.split(':')[0], line.slice(line.indexOf(':') + 1).trim()]] : []))))
      .filter((fields) => fields.event !== undefined) as { event: string; id?: string }[];
  }

  it('replays only the epochs after the query\'s id, and a Last-Event-ID header wins over it', async () => {
    const id = await createRun(service.url, tinyRun({ epochs: 3 }));
    await waitFor('the run to finish', async () => (await getRun(service.url, id)).state === 'done');
    const fromQuery = await streamOf(`/api/runs/${id}/events?lastEventId=1`);
    expect(fromQuery.filter((e) => e.event === 'epoch').map((e) => e.id)).toEqual(['2', '3']);
    const headerWins = await streamOf(`/api/runs/${id}/events?lastEventId=1`, { 'last-event-id': '2' });
    expect(headerWins.filter((e) => e.event === 'epoch').map((e) => e.id)).toEqual(['3']);
    expect((await call(service.url, 'GET', `/api/runs/${id}/events?lastEventId=abc`)).status).toBe(400);
    expect((await call(service.url, 'GET', `/api/runs/${id}/events?other=1`)).status).toBe(400);
  });
});
