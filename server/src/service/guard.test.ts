import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, testApp, type TestApp } from '../../test/service-app.js';

/** Who may use the service, through inject(): Host, Origin and the token, checked before any route. */

const tinyRun = { model: 'gradsheet-7774', epochs: 1, batchSize: 32, optimizer: 'adam', lr: 0.005, schedule: 'none', seed: 1, limitTrain: 64, limitTest: 10, backend: 'wasm' };

describe('the guard of a service on this machine (no token)', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp();
  });
  afterAll(() => service?.close());

  it('answers the loopback names, and refuses another host name (DNS rebinding) with 403', async () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST']) {
      expect((await service.call('GET', '/api/health', { headers: { host } })).status).toBe(200);
    }
    const { message } = expectRefusal(await service.call('GET', '/api/health', { headers: { host: 'evil.example:3000' } }), 403, 'GS_ERR_HOST_REFUSED');
    expect(message).toContain('evil.example');
    // Before routing: an unknown route is refused for its host, not answered 404.
    expectRefusal(await service.call('GET', '/api/nothing', { headers: { host: 'evil.example' } }), 403, 'GS_ERR_HOST_REFUSED');
  });

  it('refuses a page of another web origin with 403, before reading its body; its own origin is fine', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost:3001']) {
      expectRefusal(await service.call('POST', '/api/runs', { body: tinyRun, headers: { host: 'localhost:3000', origin } }), 403, 'GS_ERR_ORIGIN_REFUSED');
    }
    expect((await service.call<{ runs: unknown[] }>('GET', '/api/runs')).body.runs).toEqual([]);
    expect((await service.call('GET', '/api/health', { headers: { host: 'localhost:3000', origin: 'http://localhost:3000' } })).status).toBe(200);
  });
});

describe('the guard of a shared service (a token, an allowed origin, a host name)', () => {
  const token = 'correct-horse-battery-staple';
  const addin = 'https://addin.example:3001';
  const auth = { authorization: `Bearer ${token}` };
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({ token, allowedOrigins: [addin], host: 'gradsheet.school.example' });
  });
  afterAll(() => service?.close());

  it('needs the token on every /api route, compared whole', async () => {
    const routes = [
      ['GET', '/api/health'],
      ['GET', '/api/runs'],
      ['GET', '/api/models'],
      ['POST', '/api/runs'],
      ['POST', '/api/backprop.xlsx'],
      ['GET', '/api/runs/0f8fad5b-d9cb-469f-a165-70867728950e/events'],
    ] as const;
    for (const [method, url] of routes) expectRefusal(await service.call(method, url), 401, 'GS_ERR_UNAUTHORIZED');
    for (const authorization of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, token, `Basic ${token}`, 'Bearer ', `Bearer  ${token}`]) {
      expectRefusal(await service.call('GET', '/api/health', { headers: { authorization } }), 401, 'GS_ERR_UNAUTHORIZED');
    }
    expect((await service.call('GET', '/api/health', { headers: auth })).status).toBe(200);
    // Outside /api (the task pane's files) no token is asked: there is no pane here, so 404.
    expectRefusal(await service.call('GET', '/taskpane.html'), 404, 'GS_ERR_NOT_FOUND');
  });

  it('serves its own host name and, once the token is checked, any other (students reach it by its name)', async () => {
    expect((await service.call('GET', '/api/health', { headers: { ...auth, host: 'gradsheet.school.example:3000' } })).status).toBe(200);
    expect((await service.call('GET', '/api/health', { headers: { ...auth, host: '10.0.0.5:3000' } })).status).toBe(200);
    expectRefusal(await service.call('GET', '/api/health', { headers: { host: '10.0.0.5:3000' } }), 401, 'GS_ERR_UNAUTHORIZED');
  });

  it('lets the allowed origin in with CORS headers, answers its preflight, and refuses other origins', async () => {
    const allowed = await service.call('GET', '/api/health', { headers: { ...auth, origin: addin } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(addin);
    const preflight = await service.call('OPTIONS', '/api/runs', {
      headers: { origin: addin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/Authorization/);
    expectRefusal(await service.call('OPTIONS', '/api/runs', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }), 403, 'GS_ERR_ORIGIN_REFUSED');
    expectRefusal(await service.call('GET', '/api/health', { headers: { ...auth, origin: 'https://evil.example' } }), 403, 'GS_ERR_ORIGIN_REFUSED');
  });
});

describe('the guard of a service listening on a named host without a token', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({ host: 'gradsheet.local' });
  });
  afterAll(() => service?.close());

  it('answers that name and the loopback names, and refuses others', async () => {
    expect((await service.call('GET', '/api/health', { headers: { host: 'gradsheet.local:3000' } })).status).toBe(200);
    expect((await service.call('GET', '/api/health', { headers: { host: 'localhost' } })).status).toBe(200);
    expectRefusal(await service.call('GET', '/api/health', { headers: { host: 'other.local' } }), 403, 'GS_ERR_HOST_REFUSED');
  });
});
