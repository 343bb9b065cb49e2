import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics, RunView } from '@gradsheet/shared';
import { call, createRun, epochsOf, getRun, readEvents, spawnServe, tempDir, tinyRun, type ServeProcess } from './support/service.js';

/**
 * `gradsheet serve` killed with SIGKILL in the middle of an epoch, then started
 * again on the same data directory: the run is interrupted with its metrics
 * whole, and /resume finishes it from the right epoch.
 */

let dir: Awaited<ReturnType<typeof tempDir>>;
const servers: ServeProcess[] = [];
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await dir?.remove();
});

async function metricsOnDisk(id: string): Promise<{ text: string; lines: EpochMetrics[] }> {
  const text = await readFile(join(dir.path, 'runs', id, 'metrics.jsonl'), 'utf8');
  return { text, lines: text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as EpochMetrics) };
}

describe('gradsheet serve, killed mid-run', () => {
  it('keeps every metrics line, marks the run interrupted, and resumes it from the next epoch', async () => {
    const first = await spawnServe(dir.path);
    servers.push(first);
    const id = await createRun(first.url, tinyRun({ epochs: 5 }));

    // Wait until epoch 3 is under way (two epochs on disk), then kill the process outright.
    await readEvents(first.url, id, { stop: (event) => event.event === 'progress' && JSON.parse(event.data).epoch === 3 });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);

    const before = await metricsOnDisk(id);
    expect(before.text.endsWith('\n')).toBe(true);
    const done = before.lines.length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(5);
    expect(before.lines.map((m) => m.epoch)).toEqual(Array.from({ length: done }, (_, i) => i + 1));
    // run.json still says running: nobody had the chance to say otherwise.
    expect(JSON.parse(await readFile(join(dir.path, 'runs', id, 'run.json'), 'utf8'))).toMatchObject({ state: 'running' });

    // A kill in the middle of a write would leave half a line; make one, so the restart must cope with it.
    await appendFile(join(dir.path, 'runs', id, 'metrics.jsonl'), '{"epoch":99,"trainLo');

    const second = await spawnServe(dir.path);
    servers.push(second);
    const interrupted = await getRun(second.url, id);
    expect(interrupted.state).toBe('interrupted');
    expect(interrupted.metrics).toEqual(before.lines);

    const resumed = await call<RunView>(second.url, 'POST', `/api/runs/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(['queued', 'running']).toContain(resumed.body.state);

    const stream = await readEvents(second.url, id, { lastEventId: done });
    expect(epochsOf(stream.events).map((m) => m.epoch)).toEqual(Array.from({ length: 5 - done }, (_, i) => done + 1 + i));
    expect(JSON.parse(stream.events.at(-1)?.data ?? '{}')).toMatchObject({ state: 'done', epochs: 5 });

    const finished = await getRun(second.url, id);
    expect(finished.state).toBe('done');
    expect(finished.metrics.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(finished.metrics.slice(0, done)).toEqual(before.lines);
    const after = await metricsOnDisk(id);
    expect(after.text.endsWith('\n')).toBe(true);
    expect(after.lines).toEqual(finished.metrics);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('on SIGTERM stops training, keeps the run as interrupted, and exits cleanly', async () => {
    const server = await spawnServe(dir.path);
    servers.push(server);
    const id = await createRun(server.url, tinyRun({ epochs: 3, seed: 5 }));
    await readEvents(server.url, id, { stop: (event) => event.event === 'progress' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(JSON.parse(await readFile(join(dir.path, 'runs', id, 'run.json'), 'utf8'))).toMatchObject({ id, state: 'interrupted' });
  });
});
