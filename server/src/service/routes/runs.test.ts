import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunListResponse, RunView } from '@gradsheet/shared';
import { epochMetrics, expectRefusal, testApp, TINY_CONFIG, type SeededRun, type TestApp } from '../../../test/service-app.js';

/** Run routes through inject(): the service's answers, not training (tests/service-runs.test.ts trains for real, over loopback). */

const DONE = 'a1b2c3d4-0000-4000-8000-000000000001';
const CANCELLED = 'a1b2c3d4-0000-4000-8000-000000000002';
const FAILED = 'a1b2c3d4-0000-4000-8000-000000000003';
const LEFT_RUNNING = 'a1b2c3d4-0000-4000-8000-000000000004';
const UNKNOWN = '0f8fad5b-d9cb-469f-a165-70867728950e';

const SEEDED: readonly SeededRun[] = [
  { id: DONE, state: 'done', createdAt: '2026-01-01T00:00:00.000Z', metrics: [1, 2, 3].map(epochMetrics) },
  { id: CANCELLED, state: 'cancelled', createdAt: '2026-01-02T00:00:00.000Z', metrics: [epochMetrics(1)] },
  { id: FAILED, state: 'failed', createdAt: '2026-01-03T00:00:00.000Z', error: 'training thread crashed' },
  { id: LEFT_RUNNING, state: 'running', createdAt: '2026-01-04T00:00:00.000Z', metrics: [1, 2].map(epochMetrics) },
];

/** The settings a caller chooses (POST /api/runs), for the tiny run. */
const request = { model: 'gradsheet-7774', epochs: 3, batchSize: 32, optimizer: 'adam', lr: 0.005, schedule: 'none', seed: 1, limitTrain: 256, limitTest: 100, backend: 'wasm' };

describe('the run routes', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({}, SEEDED);
  });
  afterAll(() => service?.close());

  const list = async () => (await service.call<RunListResponse>('GET', '/api/runs')).body.runs;

  it('lists the runs newest first, each with its epochs; a run left running by a stopped service comes back interrupted', async () => {
    const runs = await list();
    expect(runs.map((r) => [r.id, r.state])).toEqual([
      [LEFT_RUNNING, 'interrupted'],
      [FAILED, 'failed'],
      [CANCELLED, 'cancelled'],
      [DONE, 'done'],
    ]);
    expect(runs.map((r) => r.metrics.length)).toEqual([2, 0, 1, 3]);
    expect(runs.find((r) => r.id === FAILED)?.error).toBe('training thread crashed');
  });

  it('answers one run with its record and epochs; an unknown id with 404; a malformed id with 400', async () => {
    const answer = await service.call<RunView>('GET', `/api/runs/${DONE}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: DONE, state: 'done', config: TINY_CONFIG, metrics: [1, 2, 3].map(epochMetrics) });
    expect(expectRefusal(await service.call('GET', `/api/runs/${UNKNOWN}`), 404, 'GS_ERR_UNKNOWN_RUN').message).toContain(UNKNOWN);
    // Refused before any path is built from them.
    for (const bad of ['..%2F..', '..%2F..%2F..%2Fetc%2Fpasswd', UNKNOWN.toUpperCase(), `${UNKNOWN}x`, '..%5C..%5Cruns', 'nope']) {
      for (const [method, suffix] of [['GET', ''], ['GET', '/events'], ['GET', '/report.xlsx'], ['POST', '/cancel'], ['POST', '/resume']] as const) {
        expect(expectRefusal(await service.call(method, `/api/runs/${bad}${suffix}`), 400, 'GS_ERR_BAD_RUN_ID').message).toMatch(/^Run ids are lowercase UUIDs/);
      }
    }
  });

  it('refuses to cancel a finished run and to resume one that was not interrupted, with 409; unknown runs with 404', async () => {
    for (const id of [DONE, CANCELLED, FAILED, LEFT_RUNNING]) {
      const { message } = expectRefusal(await service.call('POST', `/api/runs/${id}/cancel`), 409, 'GS_ERR_RUN_NOT_CANCELLABLE');
      expect(message).toContain(id);
    }
    for (const id of [DONE, CANCELLED, FAILED]) expectRefusal(await service.call('POST', `/api/runs/${id}/resume`), 409, 'GS_ERR_RUN_NOT_RESUMABLE');
    expectRefusal(await service.call('POST', `/api/runs/${UNKNOWN}/cancel`), 404, 'GS_ERR_UNKNOWN_RUN');
    expectRefusal(await service.call('POST', `/api/runs/${UNKNOWN}/resume`), 404, 'GS_ERR_UNKNOWN_RUN');
    // Nothing changed.
    expect((await list()).map((r) => r.state)).toEqual(['interrupted', 'failed', 'cancelled', 'done']);
  });

  it.each([
    ['bad JSON', '{"model": "gradsheet-7774",', 400, 'GS_ERR_INVALID_JSON', /not valid JSON/],
    ['an empty body', '', 400, 'GS_ERR_INVALID_JSON', /empty/],
    ['a wrong type', { ...request, epochs: '3' }, 400, 'GS_ERR_VALIDATION', /^Invalid request: body\.epochs must be integer$/],
    ['an unknown field', { ...request, dropout: 0.5 }, 400, 'GS_ERR_VALIDATION', /^Invalid request: body has an unknown field "dropout"$/],
    ['a missing field', { model: 'gradsheet-7774' }, 400, 'GS_ERR_VALIDATION', /missing the field "epochs"/],
    ['too many epochs', { ...request, epochs: 51 }, 400, 'GS_ERR_VALIDATION', /body\.epochs must be <= 50/],
    ['a rate of zero', { ...request, lr: 0 }, 400, 'GS_ERR_VALIDATION', /body\.lr must be > 0/],
    ['a negative rate', { ...request, lr: -1 }, 400, 'GS_ERR_VALIDATION', /body\.lr must be > 0/],
    ['an EMA decay of 1', { ...request, emaDecay: 1 }, 400, 'GS_ERR_VALIDATION', /body\.emaDecay must be < 1/],
    ['an unknown model', { ...request, model: 'resnet-152' }, 404, 'GS_ERR_UNKNOWN_MODEL', /^Unknown model "resnet-152"; known models: gradsheet-7774/],
    ['a body too large', JSON.stringify({ ...request, pad: 'x'.repeat(100_000) }), 413, 'GS_ERR_BODY_TOO_LARGE', /larger than the limit of 16384 bytes/],
  ])('refuses a run with %s, and creates none', async (_what, body, status, code, message) => {
    const headers = typeof body === 'string' ? { 'content-type': 'application/json' } : {};
    expect(expectRefusal(await service.call('POST', '/api/runs', { body, headers }), status, code).message).toMatch(message);
    expect(await list()).toHaveLength(SEEDED.length);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const { message } = expectRefusal(await service.call('POST', '/api/runs', { body: 'epochs=3', headers: { 'content-type': 'text/plain' } }), 415, 'GS_ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(message).toMatch(/application\/json/);
    expect(await list()).toHaveLength(SEEDED.length);
  });
});

describe('creating and resuming runs', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({}, [SEEDED[3] as SeededRun]);
  });
  afterAll(() => service?.close());

  it('resumes an interrupted run: it is queued again with the epochs it kept, and cannot be resumed twice', async () => {
    const resumed = await service.call<RunView>('POST', `/api/runs/${LEFT_RUNNING}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: LEFT_RUNNING, metrics: [1, 2].map(epochMetrics) });
    // Queued again, or already training: the queue was empty.
    expect(['queued', 'running']).toContain(resumed.body.state);
    expectRefusal(await service.call('POST', `/api/runs/${LEFT_RUNNING}/resume`), 409, 'GS_ERR_RUN_NOT_RESUMABLE');
  });

  it('creates a run: 201, its Location, and the settings asked for with the model’s defaults for the rest', async () => {
    const created = await service.call<{ id: string }>('POST', '/api/runs', { body: request });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/runs/${created.body.id}`);
    const run = await service.call<RunView>('GET', created.headers.location as string);
    expect(run.status).toBe(200);
    expect(run.body.config).toMatchObject({ ...request, threads: 1 });
    expect(Object.keys(run.body.config).sort()).toEqual(Object.keys(TINY_CONFIG).sort());
    expect((await service.call<RunListResponse>('GET', '/api/runs')).body.runs.map((r) => r.id)).toContain(created.body.id);
  });
});
