import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunListResponse, RunView } from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';
import { call, epochsOf, readEvents, startService, tempDir, tinyRun, type Service } from './support/service.js';

/**
 * A small class on loopback, training for real: six learners each start three runs at
 * once and stream them, a teacher lists them all. The runs start round-robin, a fourth
 * run is refused with 429, and every stream gets every epoch once. (bench:service does
 * the same with thirty learners and times it.)
 */

const LEARNERS = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6'];
let dir: Awaited<ReturnType<typeof tempDir>>;
let service: Service;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dir = await tempDir('gradsheet-class-');
  const dataDir = join(dir.path, 'data');
  for (const [name, flags] of [...LEARNERS.map((l) => [l, []] as const), ['teacher', ['--teacher']] as const]) {
    const added = await gradsheet(['users', 'add', name, ...flags, '--data-dir', dataDir]);
    tokens[name] = added.stdout.trimEnd().split('\n').at(-1) as string;
  }
  service = await startService({ dataDir, threads: 1, limits: { concurrentRuns: 1 } });
});
afterAll(async () => {
  await service?.close();
  await dir?.remove();
});

const as = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });

describe('a class on one service', () => {
  it('starts every learner’s runs round-robin, refuses a fourth waiting run with 429, and streams every epoch once', async () => {
    const run = tinyRun({ epochs: 2, limitTrain: 64, limitTest: 32 });
    const results = await Promise.all(
      LEARNERS.map(async (name) => {
        const created = await Promise.all([1, 2, 3].map(() => call<{ id: string }>(service.url, 'POST', '/api/runs', { body: run, headers: as(name) })));
        const ids = created.filter((c) => c.status === 201).map((c) => c.body.id);
        // With three waiting (or two and one training), one more is past the share, or fills it.
        const fourth = await call<{ id: string; message: string }>(service.url, 'POST', '/api/runs', { body: run, headers: as(name) });
        if (fourth.status === 201) await call(service.url, 'DELETE', `/api/runs/${fourth.body.id}`, { headers: as(name) });
        const streams = await Promise.all(ids.map((id) => readEvents(service.url, id, { headers: as(name), timeoutMs: 300_000 })));
        return { name, ids, fourth, streams };
      }),
    );

    for (const { ids, fourth, streams } of results) {
      expect(ids).toHaveLength(3);
      if (fourth.status !== 201) {
        expect(fourth.status).toBe(429);
        expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(fourth.body.message).toMatch(/^You have 3 runs waiting, the most one person may queue on this service/);
      }
      for (const stream of streams) {
        expect(epochsOf(stream.events).map((e) => e.epoch)).toEqual([1, 2]);
        expect(JSON.parse(stream.events.at(-1)?.data ?? '{}')).toMatchObject({ state: 'done', epochs: 2 });
      }
    }
    // Most learners had three waiting when they asked for a fourth.
    expect(results.filter((r) => r.fourth.status === 429).length).toBeGreaterThanOrEqual(LEARNERS.length - 1);

    const all = (await call<RunListResponse>(service.url, 'GET', '/api/runs', { headers: as('teacher') })).body.runs;
    expect(all).toHaveLength(LEARNERS.length * 3);
    expect(new Set(all.map((r) => r.owner))).toEqual(new Set(LEARNERS));
    // In the order they started, no learner's k-th run starts while another learner who had one waiting has fewer.
    const started = [...all].sort((a, b) => (a.startedAt as string).localeCompare(b.startedAt as string));
    const count = new Map<string, number>();
    for (const r of started) {
      const at = r.startedAt as string;
      const mine = count.get(r.owner as string) ?? 0;
      const waiting = all.filter((o: RunView) => o.owner !== r.owner && o.createdAt < at && (o.startedAt as string) > at);
      for (const other of waiting) expect(count.get(other.owner as string) ?? 0, `${r.owner}'s run ${mine + 1} started before ${other.owner}'s`).toBeGreaterThanOrEqual(mine);
      count.set(r.owner as string, mine + 1);
    }
    // Each learner's list holds only their own three.
    for (const name of LEARNERS) {
      const mine = (await call<RunListResponse>(service.url, 'GET', '/api/runs', { headers: as(name) })).body.runs;
      expect(mine.map((r) => r.owner)).toEqual([name, name, name]);
    }
  });
});
