import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
