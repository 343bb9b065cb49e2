import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../../test/service-app.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

describe('GET /api/health', () => {
  let service: TestApp;
  beforeAll(async () => {
    // A run left running by a service that stopped is interrupted, not counted as running.
    service = await testApp({}, [{ id: '0f8fad5b-d9cb-469f-a165-70867728950e', state: 'running', createdAt: '2026-01-01T00:00:00.000Z' }]);
  });
  afterAll(() => service?.close());

  it("answers ok, the package's version and the queue's counts", async () => {
    const answer = await service.call('GET', '/api/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', version, queued: 0, running: 0 });
  });

  it('answers HEAD without a body, and refuses other methods with a 404 of the same shape', async () => {
    const head = await service.call('HEAD', '/api/health');
    expect(head.status).toBe(200);
    expect(head.raw.length).toBe(0);
    const post = await service.call('POST', '/api/health', { body: {} });
    expect(post.status).toBe(404);
    expect(post.body).toMatchObject({ statusCode: 404, code: 'GS_ERR_NOT_FOUND', message: 'There is no route POST /api/health' });
  });
});
