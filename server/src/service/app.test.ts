import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, testApp, type TestApp } from '../../test/service-app.js';

/** What the app answers around its routes, through inject(): unknown routes, and the task pane served beside the API. */

describe('the service app', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp();
  });
  afterAll(() => service?.close());

  it('answers unknown routes with 404 in the shape of every error, naming the route without its query', async () => {
    const { message } = expectRefusal(await service.call('GET', '/api/nothing?x=1'), 404, 'GS_ERR_NOT_FOUND');
    expect(message).toBe('There is no route GET /api/nothing');
    expect((await service.call('GET', '/api/nothing')).body).toEqual({ statusCode: 404, code: 'GS_ERR_NOT_FOUND', error: 'Not Found', message: 'There is no route GET /api/nothing' });
  });
});

describe('the service with a built task pane', () => {
  let service: TestApp;
  let pane: string;
  beforeAll(async () => {
    // The pane's folder is made before the app starts: the app serves it only when it exists.
    pane = await mkdtemp(join(tmpdir(), 'gradsheet-pane-'));
    await writeFile(join(pane, 'taskpane.html'), '<!doctype html><title>GradSheet</title>');
    service = await testApp({ taskpaneDir: pane });
  });
  afterAll(async () => {
    await service?.close();
    await rm(pane, { recursive: true, force: true });
  });

  it('serves the pane from its folder at the same origin as the API', async () => {
    const page = await service.call<string>('GET', '/taskpane.html');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toMatch(/<title>GradSheet<\/title>/);
    expect((await service.call('GET', '/api/health')).status).toBe(200);
    expectRefusal(await service.call('GET', '/missing.html'), 404, 'GS_ERR_NOT_FOUND');
  });
});

describe('the service when a route fails on its own files', () => {
  const RUN = 'a1b2c3d4-0000-4000-8000-000000000001';
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({}, [{ id: RUN, state: 'done', createdAt: '2026-01-01T00:00:00.000Z' }]);
    // model.json made a folder: reading it fails with Node's own error, which names the whole path.
    await mkdir(join(service.dataDir, 'runs', RUN, 'model.json'));
  });
  afterAll(() => service?.close());

  it('answers 500 with a sentence that names no server path; the detail goes to the log only', async () => {
    const answer = await service.call('GET', `/api/runs/${RUN}/report.xlsx`);
    const { message } = expectRefusal(answer, 500, 'GS_ERR_INTERNAL');
    expect(message).toBe("The service failed: see the service's log for the details");
    expect(answer.raw.toString()).not.toContain(service.dataDir);
    expect(answer.raw.toString()).not.toMatch(/EISDIR|\/tmp\//);
  });
});
