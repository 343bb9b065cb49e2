import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunListResponse } from '@gradsheet/shared';
import { testApp, type TestApp } from '../../test/service-app.js';

/** `serve --keep-days N`: runs that ended more than N days ago are gone when the service starts. */

const DAY = 24 * 3600 * 1000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const id = (n: number) => `a1b2c3d4-0000-4000-8000-00000000000${n}`;

describe('retention', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({ keepDays: 7 }, [
      { id: id(1), state: 'done', createdAt: ago(30), finishedAt: ago(29) },
      { id: id(2), state: 'failed', createdAt: ago(10), finishedAt: ago(8) },
      { id: id(3), state: 'done', createdAt: ago(10), finishedAt: ago(6) },
      { id: id(4), state: 'cancelled', createdAt: ago(1), finishedAt: ago(1) },
      // Left interrupted long ago: its last change counts.
      { id: id(5), state: 'interrupted', createdAt: ago(20) },
    ]);
  });
  afterAll(() => service?.close());

  it('deletes the runs that ended more than keepDays ago, folders and all, and keeps the others', async () => {
    const { runs } = (await service.call<RunListResponse>('GET', '/api/runs')).body;
    expect(runs.map((r) => r.id).sort()).toEqual([id(3), id(4)]);
    for (const n of [1, 2, 5]) expect(existsSync(join(service.dataDir, 'runs', id(n)))).toBe(false);
    expect(existsSync(join(service.dataDir, 'runs', id(3)))).toBe(true);
  });
});
