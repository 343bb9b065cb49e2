import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunListResponse, RunView, SessionResponse } from '@gradsheet/shared';
import { controlledTraining, type ControlledTraining } from '../../../test/controlled-training.js';
import { epochMetrics, expectRefusal, testApp, type SeededRun, type TestApp } from '../../../test/service-app.js';
import { removeAccount } from '../accounts/account-file.js';
import { LINK_KEY_FILE } from '../accounts/download-links.js';
import { buildApp } from '../app.js';

/** A service with accounts, through inject(): who may call it, and whose runs each account sees, streams, downloads and deletes. */

const ADAS = 'a1b2c3d4-0000-4000-8000-00000000ada1';
const BOBS = 'a1b2c3d4-0000-4000-8000-000000000b0b';
const NOBODYS = 'a1b2c3d4-0000-4000-8000-000000000000';
const UNKNOWN = '0f8fad5b-d9cb-469f-a165-70867728950e';

const SEEDED: readonly SeededRun[] = [
  { id: ADAS, state: 'done', createdAt: '2026-01-03T00:00:00.000Z', metrics: [1, 2, 3].map(epochMetrics), owner: 'ada' },
  { id: BOBS, state: 'interrupted', createdAt: '2026-01-02T00:00:00.000Z', metrics: [epochMetrics(1)], owner: 'bob' },
  // Started before the service had accounts.
  { id: NOBODYS, state: 'done', createdAt: '2026-01-01T00:00:00.000Z', metrics: [epochMetrics(1)] },
];

const ACCOUNTS = [
  { name: 'ada', role: 'learner' },
  { name: 'bob', role: 'learner' },
  { name: 'tess', role: 'teacher' },
] as const;

const request = { model: 'gradsheet-7774', epochs: 3, batchSize: 32, optimizer: 'adam', lr: 0.005, schedule: 'none', seed: 1, limitTrain: 256, limitTest: 100, backend: 'wasm' };

let service: TestApp;
let training: ControlledTraining;
const as = (name: string) => ({ authorization: `Bearer ${service.tokens[name]}` });

beforeAll(async () => {
  training = controlledTraining();
  service = await testApp({ startTrainingJob: training.start, limits: { maxQueuedPerUser: 2 } }, SEEDED, ACCOUNTS);
});
afterAll(() => service?.close());

describe('a service with accounts: who may call it', () => {
  it('answers a request without a token 401, naming the header; a wrong or malformed token 401 as not accepted', async () => {
    const none = await service.call('GET', '/api/runs');
    expect(expectRefusal(none, 401, 'GS_ERR_UNAUTHORIZED').message).toMatch(/Authorization: Bearer/);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="GradSheet"');
    const real = service.tokens.ada as string;
    const wrongSecret = `${real.slice(0, -4)}${real.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    for (const token of [wrongSecret, 'gs_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'not-a-token', `${real}x`]) {
      const { message } = expectRefusal(await service.call('GET', '/api/runs', { headers: { authorization: `Bearer ${token}` } }), 401, 'GS_ERR_TOKEN_REFUSED');
      expect(message).toMatch(/not accepted.*mistyped.*revoked/);
    }
    // Credentials replace the Host check: learners reach the service by its public name.
    expect((await service.call('GET', '/api/health', { headers: { ...as('ada'), host: 'gradsheet.school.example:3443' } })).status).toBe(200);
  });

  it('says who the caller is', async () => {
    expect((await service.call<SessionResponse>('GET', '/api/session', { headers: as('ada') })).body).toEqual({ auth: 'accounts', user: 'ada', role: 'learner', seesEveryRun: false });
    expect((await service.call<SessionResponse>('GET', '/api/session', { headers: as('tess') })).body).toEqual({ auth: 'accounts', user: 'tess', role: 'teacher', seesEveryRun: true });
  });

  it('stops taking a removed account’s token within a second, without a restart', async () => {
    const extra = await testApp({ startTrainingJob: controlledTraining().start }, [], [{ name: 'gone', role: 'learner' }]);
    try {
      const headers = { authorization: `Bearer ${extra.tokens.gone}` };
      expect((await extra.call('GET', '/api/runs', { headers })).status).toBe(200);
      await removeAccount(extra.dataDir, 'gone');
      // Within a second or so, on any machine: the service looks at the accounts file a few times a second.
      const removedAt = Date.now();
      await vi.waitFor(async () => expect((await extra.call('GET', '/api/runs', { headers })).status).toBe(401), { timeout: 10_000, interval: 50 });
      expect(Date.now() - removedAt).toBeLessThan(5_000);
      expectRefusal(await extra.call('GET', '/api/runs', { headers }), 401, 'GS_ERR_TOKEN_REFUSED');
    } finally {
      await extra.close();
    }
  });
});

describe('a service with accounts: whose runs', () => {
  const list = async (name: string) => (await service.call<RunListResponse>('GET', '/api/runs', { headers: as(name) })).body.runs;

  it('lists a learner’s own runs only; a teacher’s list has every run with its owner', async () => {
    expect((await list('ada')).map((r) => r.id)).toEqual([ADAS]);
    expect((await list('bob')).map((r) => r.id)).toEqual([BOBS]);
    expect((await list('tess')).map((r) => [r.id, r.owner])).toEqual([
      [ADAS, 'ada'],
      [BOBS, 'bob'],
      [NOBODYS, undefined],
    ]);
  });

  it('answers another learner’s run exactly as a run that does not exist, on every route about one run', async () => {
    const routes = [
      ['GET', ''],
      ['GET', '/events'],
      ['GET', '/report.xlsx'],
      ['POST', '/cancel'],
      ['POST', '/resume'],
      ['POST', '/predict'],
      ['DELETE', ''],
    ] as const;
    for (const [method, suffix] of routes) {
      const body = suffix === '/predict' ? { grid: [[0]] } : undefined;
      const theirs = await service.call(method, `/api/runs/${BOBS}${suffix}`, { headers: as('ada'), ...(body ? { body } : {}) });
      const absent = await service.call(method, `/api/runs/${UNKNOWN}${suffix}`, { headers: as('ada'), ...(body ? { body } : {}) });
      expectRefusal(theirs, 404, 'GS_ERR_UNKNOWN_RUN');
      expect(JSON.stringify(theirs.body).replaceAll(BOBS, 'ID'), `${method} ${suffix}`).toBe(JSON.stringify(absent.body).replaceAll(UNKNOWN, 'ID'));
    }
    // Nor through the compare workbook, which names runs in its query.
    expectRefusal(await service.call('GET', `/api/runs/compare.xlsx?ids=${ADAS},${BOBS}`, { headers: as('ada') }), 404, 'GS_ERR_UNKNOWN_RUN');
    // Nothing was touched.
    expect((await list('tess')).map((r) => [r.id, r.state])).toEqual([
      [ADAS, 'done'],
      [BOBS, 'interrupted'],
      [NOBODYS, 'done'],
    ]);
    // Their own: served.
    expect((await service.call('GET', `/api/runs/${ADAS}`, { headers: as('ada') })).status).toBe(200);
    expect((await service.call('GET', `/api/runs/${ADAS}/report.xlsx`, { headers: as('ada') })).status).toBe(200);
    // A teacher's: every run.
    for (const id of [ADAS, BOBS, NOBODYS]) expect((await service.call('GET', `/api/runs/${id}`, { headers: as('tess') })).status).toBe(200);
  });

  it('gives a learner a signed link to their run’s report that works without a header, for that run only', async () => {
    const { url } = (await service.call<{ url: string }>('GET', `/api/runs/${ADAS}/report-link`, { headers: as('ada') })).body;
    expect(url).toMatch(new RegExp(`^/api/runs/${ADAS}/report\\.xlsx\\?link=u:ada\\.\\d+\\.[A-Za-z0-9_-]{43}$`));
    const download = await service.call('GET', url);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/spreadsheetml/);
    const link = url.split('link=')[1] as string;
    // Not for another path, not altered, not on another route, and not for a run its holder may not see.
    expectRefusal(await service.call('GET', `/api/runs/${BOBS}/report.xlsx?link=${link}`), 401, 'GS_ERR_UNAUTHORIZED');
    expectRefusal(await service.call('GET', url.replace('u:ada', 'u:tess')), 401, 'GS_ERR_UNAUTHORIZED');
    expectRefusal(await service.call('GET', `/api/runs/${ADAS}?link=${link}`), 401, 'GS_ERR_UNAUTHORIZED');
    expectRefusal(await service.call('GET', `/api/runs/${BOBS}/report-link`, { headers: as('ada') }), 404, 'GS_ERR_UNKNOWN_RUN');
  });

  it('keeps a signed link working after the service restarts on the same data directory, with the key only its owner may read', async () => {
    const { url } = (await service.call<{ url: string }>('GET', `/api/runs/${ADAS}/report-link`, { headers: as('ada') })).body;
    const keyFile = join(service.dataDir, LINK_KEY_FILE);
    if (process.platform !== 'win32') expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const restarted = await buildApp({ dataDir: service.dataDir, taskpaneDir: join(service.dataDir, 'no-pane') });
    try {
      expect((await restarted.inject({ method: 'GET', url })).statusCode).toBe(200);
      // A key that is not one GradSheet wrote is replaced, and links signed with the old one end.
      await writeFile(keyFile, 'not a key');
      const rekeyed = await buildApp({ dataDir: service.dataDir, taskpaneDir: join(service.dataDir, 'no-pane') });
      try {
        expect((await rekeyed.inject({ method: 'GET', url })).statusCode).toBe(401);
        expect((await readFile(keyFile)).length).toBe(32);
      } finally {
        await rekeyed.close();
      }
    } finally {
      await restarted.close();
    }
  });

  it('keeps who started a run in its run.json, and shows it to them', async () => {
    const created = await service.call<{ id: string }>('POST', '/api/runs', { body: request, headers: as('ada') });
    expect(created.status).toBe(201);
    const { id } = created.body;
    expect(JSON.parse(await readFile(join(service.dataDir, 'runs', id, 'run.json'), 'utf8'))).toMatchObject({ id, owner: 'ada' });
    expect((await service.call<RunView>('GET', `/api/runs/${id}`, { headers: as('ada') })).body.owner).toBe('ada');
    expectRefusal(await service.call('GET', `/api/runs/${id}`, { headers: as('bob') }), 404, 'GS_ERR_UNKNOWN_RUN');
    (await training.job(id)).finish();
  });

  it('deletes a run for its owner or a teacher, never for another learner; a running run is cancelled first and its stream ends', async () => {
    expectRefusal(await service.call('DELETE', `/api/runs/${ADAS}`, { headers: as('bob') }), 404, 'GS_ERR_UNKNOWN_RUN');
    expect(existsSync(join(service.dataDir, 'runs', ADAS))).toBe(true);
    expect((await service.call('DELETE', `/api/runs/${ADAS}`, { headers: as('ada') })).status).toBe(204);
    expect(existsSync(join(service.dataDir, 'runs', ADAS))).toBe(false);
    expectRefusal(await service.call('GET', `/api/runs/${ADAS}`, { headers: as('tess') }), 404, 'GS_ERR_UNKNOWN_RUN');
    expect((await service.call('DELETE', `/api/runs/${BOBS}`, { headers: as('tess') })).status).toBe(204);

    // A run training: its stream is open when it is deleted.
    const { id } = (await service.call<{ id: string }>('POST', '/api/runs', { body: request, headers: as('bob') })).body;
    const job = await training.job(id);
    job.epoch(epochMetrics(1));
    const stream = service.app.inject({ method: 'GET', url: `/api/runs/${id}/events`, headers: as('bob') });
    await new Promise((done) => setTimeout(done, 50));
    expect((await service.call('DELETE', `/api/runs/${id}`, { headers: as('bob') })).status).toBe(204);
    const events = (await stream).body;
    expect(events).toMatch(/event: done\ndata: \{"id":"[^"]+","state":"cancelled","epochs":1\}/);
    expect(existsSync(join(service.dataDir, 'runs', id))).toBe(false);
    expect(training.running()).toEqual([]);
  });
});

describe('a service with accounts: each learner’s share of the queue', () => {
  it('refuses a learner’s run past their share with 429, Retry-After and a sentence; others still get theirs', async () => {
    const created: string[] = [];
    // One training (the queue was empty) and two waiting: the most a learner may queue here is 2.
    for (let i = 0; i < 3; i++) {
      const answer = await service.call<{ id: string }>('POST', '/api/runs', { body: request, headers: as('ada') });
      expect(answer.status).toBe(201);
      created.push(answer.body.id);
    }
    const refused = await service.call('POST', '/api/runs', { body: request, headers: as('ada') });
    const { message } = expectRefusal(refused, 429, 'GS_ERR_QUEUE_FULL');
    expect(message).toMatch(/^You have 2 runs waiting, the most one person may queue on this service; start another once one of them is training \(in about \d+ (second|minute)s?\)$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another learner is not held by ada's share: bob's run waits, and starts before ada's second.
    const bobs = (await service.call<{ id: string }>('POST', '/api/runs', { body: request, headers: as('bob') })).body.id;
    (await training.job(created[0] as string)).finish();
    await training.job(bobs);
    expect(training.running().map((j) => j.runId)).toEqual([bobs]);
    for (const id of [...created, bobs]) await service.call('DELETE', `/api/runs/${id}`, { headers: as('tess') });
  });
});
