import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@gradsheet/server';
import { call, startService, tempDir, tinyRun, type Service } from './support/service.js';

/** The service's API over real HTTP on loopback: validation, errors, models, origins and tokens. No training here. */

const expectError = (answer: { status: number; body: unknown }, status: number, code: string, message: RegExp) => {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ statusCode: status, code });
  expect((answer.body as { message: string }).message).toMatch(message);
};

/** A run request for a design: the same settings, without a model id. */
const withoutModel = ({ model: _model, ...rest }: ReturnType<typeof tinyRun>) => rest;

describe('the service API', () => {
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

  it('answers health, the model zoo and a model summary', async () => {
    expect((await call(service.url, 'GET', '/api/health')).body).toMatchObject({ status: 'ok', queued: 0, running: 0 });
    const models = await call<{ models: { id: string; params: number }[] }>(service.url, 'GET', '/api/models');
    expect(models.body.models.map((m) => m.id)).toContain('gradsheet-7774');
    expect(models.body.models.find((m) => m.id === 'gradsheet-7774')?.params).toBe(7774);
    const detail = await call<{ summary: { totalParams: number; rows: unknown[] }; text: string }>(service.url, 'GET', '/api/models/gradsheet-7774');
    expect(detail.status).toBe(200);
    expect(detail.body.summary.totalParams).toBe(7774);
    expect(detail.body.summary.rows.length).toBeGreaterThan(3);
    expect(detail.body.text).toMatch(/Total params: 7,774/);
    expectError(await call(service.url, 'GET', '/api/models/nope'), 404, 'GS_ERR_UNKNOWN_MODEL', /^Unknown model "nope"; known models: gradsheet-7774/);
  });

  it.each([
    ['bad JSON', '{"model": "gradsheet-7774",', 400, 'GS_ERR_INVALID_JSON', /not valid JSON/],
    ['an empty body', '', 400, 'GS_ERR_INVALID_JSON', /empty/],
    ['a wrong type', { ...tinyRun(), epochs: '3' }, 400, 'GS_ERR_VALIDATION', /body\.epochs must be integer/],
    ['an unknown field', { ...tinyRun(), dropout: 0.5 }, 400, 'GS_ERR_VALIDATION', /unknown field "dropout"/],
    ['a missing field', { model: 'gradsheet-7774' }, 400, 'GS_ERR_VALIDATION', /missing the field "epochs"/],
    ['too many epochs', tinyRun({ epochs: 51 }), 400, 'GS_ERR_VALIDATION', /body\.epochs must be <= 50/],
    ['a negative rate', tinyRun({ lr: -1 }), 400, 'GS_ERR_VALIDATION', /body\.lr must be > 0/],
    ['an EMA decay of 1', tinyRun({ emaDecay: 1 }), 400, 'GS_ERR_VALIDATION', /body\.emaDecay must be < 1/],
    ['an unknown model', tinyRun({ model: 'resnet-152' }), 404, 'GS_ERR_UNKNOWN_MODEL', /^Unknown model "resnet-152"; known models: gradsheet-7774/],
    ['a model and a design', { ...tinyRun(), modelSpec: { layers: [{ type: 'Flatten' }, { type: 'Linear', units: 10 }] } }, 400, 'GS_ERR_VALIDATION', /^Invalid request: give body\.model or body\.modelSpec, not both$/],
    ['a design that cannot be built', { ...withoutModel(tinyRun()), modelSpec: { layers: [{ type: 'Conv2d', filters: 4, kernel: 30 }] } }, 400, 'GS_ERR_INVALID_MODEL', /layer 1 \(Conv2d\)/],
    ['a batch too large for the design', { ...withoutModel(tinyRun({ batchSize: 2048 })), modelSpec: { layers: [{ type: 'Conv2d', filters: 512, kernel: 3, padding: 'same' }, { type: 'GAP' }, { type: 'Linear', units: 10 }] } }, 400, 'GS_ERR_VALIDATION', /^Invalid request: body\.batchSize 2048 is too large/],
    ['a huge body', JSON.stringify({ ...tinyRun(), pad: 'x'.repeat(100_000) }), 413, 'GS_ERR_BODY_TOO_LARGE', /larger than the limit of 16384 bytes/],
  ])('refuses a run with %s, and keeps serving', async (_what, body, status, code, message) => {
    expectError(await call(service.url, 'POST', '/api/runs', { body }), status, code, message);
    expect((await call(service.url, 'GET', '/api/health')).status).toBe(200);
    expect((await call<{ runs: unknown[] }>(service.url, 'GET', '/api/runs')).body.runs).toEqual([]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    expectError(await call(service.url, 'POST', '/api/runs', { body: 'epochs=3', headers: { 'content-type': 'text/plain' } }), 415, 'GS_ERR_UNSUPPORTED_MEDIA_TYPE', /application\/json/);
  });

  it.each([
    ['GET', '/api/runs/..%2F..'],
    ['GET', '/api/runs/..%2F..%2F..%2Fetc%2Fpasswd/events'],
    ['POST', '/api/runs/..%5C..%5Cruns/cancel'],
    ['GET', '/api/runs/0F8FAD5B-D9CB-469F-A165-70867728950E'],
    ['GET', '/api/runs/nope/report.xlsx'],
  ])('refuses the bad run id in %s %s with 400', async (method, path) => {
    expectError(await call(service.url, method, path), 400, 'GS_ERR_BAD_RUN_ID', /Run ids are lowercase UUIDs/);
  });

  it.each([
    ['GET', ''],
    ['GET', '/events'],
    ['GET', '/report.xlsx'],
    ['POST', '/cancel'],
    ['POST', '/resume'],
  ])('answers %s on an unknown run%s with 404', async (method, suffix) => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expectError(await call(service.url, method, `/api/runs/${id}${suffix}`), 404, 'GS_ERR_UNKNOWN_RUN', new RegExp(`no run ${id}`));
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    expectError(await call(service.url, 'GET', '/api/nothing?x=1'), 404, 'GS_ERR_NOT_FOUND', /no route GET \/api\/nothing$/);
  });

  it('refuses requests from another web origin, and for another host name', async () => {
    expectError(await call(service.url, 'POST', '/api/runs', { body: tinyRun(), headers: { origin: 'https://evil.example' } }), 403, 'GS_ERR_ORIGIN_REFUSED', /evil\.example/);
    expectError(await call(service.url, 'GET', '/api/health', { headers: { origin: 'null' } }), 403, 'GS_ERR_ORIGIN_REFUSED', /null/);
    expect((await call<{ runs: unknown[] }>(service.url, 'GET', '/api/runs')).body.runs).toEqual([]);
    // Its own origin is fine.
    expect((await call(service.url, 'GET', '/api/health', { headers: { origin: service.url } })).status).toBe(200);
    // A DNS name pointed at 127.0.0.1 (DNS rebinding) is not this service's name.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${service.url}/api/health`, { headers: { host: 'evil.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject).end();
    });
    expect(status).toBe(403);
  });
});

describe('the service with a token and an allowed origin', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let service: Service;
  const token = 'correct-horse-battery-staple';
  const addin = 'https://addin.example:3001';
  beforeAll(async () => {
    dir = await tempDir();
    service = await startService({ dataDir: dir.path, token, allowedOrigins: [addin] });
  });
  afterAll(async () => {
    await service?.close();
    await dir?.remove();
  });

  it("serves a shared server's own host name once the token is checked", async () => {
    const answer = (authorization?: string) =>
      new Promise<number>((resolve, reject) => {
        const headers: Record<string, string> = { host: 'gradsheet.school.example:3000' };
        if (authorization) headers['authorization'] = authorization;
        const request = httpRequest(`${service.url}/api/health`, { headers }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject).end();
      });
    expect(await answer(`Bearer ${token}`)).toBe(200);
    expect(await answer()).toBe(401);
  });

  it('needs the token on every /api route', async () => {
    for (const [method, path] of [['GET', '/api/health'], ['GET', '/api/runs'], ['GET', '/api/models'], ['POST', '/api/runs'], ['GET', '/api/runs/0f8fad5b-d9cb-469f-a165-70867728950e/events']] as const) {
      expectError(await call(service.url, method, path), 401, 'GS_ERR_UNAUTHORIZED', /Authorization: Bearer/);
    }
    expectError(await call(service.url, 'GET', '/api/health', { headers: { authorization: `Bearer ${token}x` } }), 401, 'GS_ERR_UNAUTHORIZED', /token/);
    expectError(await call(service.url, 'GET', '/api/health', { headers: { authorization: token } }), 401, 'GS_ERR_UNAUTHORIZED', /token/);
    expect((await call(service.url, 'GET', '/api/health', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('lets the allowed origin in, with CORS headers, and still refuses others', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const allowed = await call(service.url, 'GET', '/api/health', { headers: { ...auth, origin: addin } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(addin);
    const preflight = await fetch(`${service.url}/api/runs`, {
      method: 'OPTIONS',
      headers: { origin: addin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const foreign = await fetch(`${service.url}/api/runs`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(foreign.status).toBe(403);
    expectError(await call(service.url, 'GET', '/api/health', { headers: { ...auth, origin: 'https://evil.example' } }), 403, 'GS_ERR_ORIGIN_REFUSED', /evil/);
  });
});

describe('serving', () => {
  it('serves HTTPS by default, with a localhost certificate made once and then kept', async () => {
    const dir = await tempDir();
    try {
      const options = { port: 0, dataDir: join(dir.path, 'data'), configDir: join(dir.path, 'config') };
      const first = await startServer(options);
      expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(first.certificate?.created).toBe(true);
      const ca = await readFile(first.certificate?.caPath as string);
      const status = await new Promise<number>((resolve, reject) => {
        httpsRequest(`${first.url}/api/health`, { ca }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(200);
      await first.app.close();
      const second = await startServer(options);
      expect(second.certificate?.created).toBe(false);
      await second.app.close();
    } finally {
      await dir.remove();
    }
  });

  it('serves the task pane from its folder when it has been built', async () => {
    const dir = await tempDir();
    const pane = join(dir.path, 'pane');
    await mkdir(pane);
    await writeFile(join(pane, 'taskpane.html'), '<!doctype html><title>GradSheet</title>');
    const service = await startService({ dataDir: join(dir.path, 'data'), taskpaneDir: pane });
    try {
      const page = await call(service.url, 'GET', '/taskpane.html');
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<title>GradSheet<\/title>/);
      expect((await call(service.url, 'GET', '/api/health')).status).toBe(200);
    } finally {
      await service.close();
      await dir.remove();
    }
  });
});
