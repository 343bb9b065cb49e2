import { randomUUID } from 'node:crypto';
import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics, RunRecord, RunView } from '@gradsheet/shared';
import { call, createRun, epochsOf, getRun, readEvents, spawnServe, startService, tempDir, tinyRun, waitFor, type ServeProcess } from './support/service.js';

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
    // Many short epochs: however fast the machine, the kill lands long before the last one.
    const EPOCHS = 20;
    const id = await createRun(first.url, tinyRun({ epochs: EPOCHS }));

    // Wait until two epochs are on disk, then kill the process outright.
    // Progress is sent at most four times a second, so a fast epoch may send none: the second epoch's own event serves too.
    await readEvents(first.url, id, { stop: (event) => (event.event === 'progress' || event.event === 'epoch') && (JSON.parse(event.data) as { epoch: number }).epoch >= (event.event === 'epoch' ? 2 : 3) });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);

    const before = await metricsOnDisk(id);
    expect(before.text.endsWith('\n')).toBe(true);
    const done = before.lines.length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(EPOCHS);
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
    expect(epochsOf(stream.events).map((m) => m.epoch)).toEqual(Array.from({ length: EPOCHS - done }, (_, i) => done + 1 + i));
    expect(JSON.parse(stream.events.at(-1)?.data ?? '{}')).toMatchObject({ state: 'done', epochs: EPOCHS });

    const finished = await getRun(second.url, id);
    expect(finished.state).toBe('done');
    expect(finished.metrics.map((m) => m.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
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
    // Enough epochs that the run is still training when the signal lands, on any machine.
    const id = await createRun(server.url, tinyRun({ epochs: 20, seed: 5 }));
    await readEvents(server.url, id, { stop: (event) => event.event === 'progress' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(JSON.parse(await readFile(join(dir.path, 'runs', id, 'run.json'), 'utf8'))).toMatchObject({ id, state: 'interrupted' });
  });
});

describe('run folders left by a kill, found by a reliability probe', () => {
  const runFolder = (id: string) => join(dir.path, 'runs', id);
  const readRecord = async (id: string) => JSON.parse(await readFile(join(runFolder(id), 'run.json'), 'utf8')) as RunRecord;

  /** A copy of a run's folder under a new id, its record changed as a kill would have left it. */
  async function copyRun(from: string, changes: Partial<RunRecord>): Promise<string> {
    const id = randomUUID();
    await cp(runFolder(from), runFolder(id), { recursive: true });
    const { finishedAt: _finished, error: _error, ...record } = await readRecord(from);
    await writeFile(join(runFolder(id), 'run.json'), JSON.stringify({ ...record, ...changes, id }));
    return id;
  }

  const absolutePath = /(^|[\s'"(])(\/[^\s'"]+\/|[A-Za-z]:\\)/;

  it('a run that finished its epochs but was killed before its state said "done" comes back done, or resumes to done', async () => {
    const first = await startService({ dataDir: dir.path });
    const finished = await createRun(first.url, tinyRun({ epochs: 2, seed: 9 }));
    const stream = await readEvents(first.url, finished);
    expect(JSON.parse(stream.events.at(-1)?.data ?? '{}')).toMatchObject({ state: 'done', epochs: 2 });
    await first.close();

    // Final weights written and the last checkpoint removed; run.json still says running.
    const killed = await copyRun(finished, { state: 'running' });
    // The same, from a service that came back before this was understood: the run says interrupted.
    const interrupted = await copyRun(finished, { state: 'interrupted' });
    // Killed a moment earlier: the last epoch recorded and checkpointed, its weights not yet kept as final.
    const beforeFinal = await copyRun(finished, { state: 'running' });
    for (const ext of ['bin', 'json']) {
      await cp(join(runFolder(beforeFinal), `weights-final.${ext}`), join(runFolder(beforeFinal), `weights-epoch-2.${ext}`));
      await rm(join(runFolder(beforeFinal), `weights-final.${ext}`));
    }

    const second = await startService({ dataDir: dir.path });
    try {
      const back = await getRun(second.url, killed);
      expect(back).toMatchObject({ state: 'done' });
      expect(back.metrics.map((m) => m.epoch)).toEqual([1, 2]);
      expect(await readRecord(killed)).toMatchObject({ state: 'done' });
      expect((await readEvents(second.url, killed)).events.map((e) => e.event)).toEqual(['state', 'epoch', 'epoch', 'done']);

      for (const id of [interrupted, beforeFinal]) {
        expect((await getRun(second.url, id)).state).toBe('interrupted');
        expect((await call(second.url, 'POST', `/api/runs/${id}/resume`)).status).toBe(200);
        const resumed = await readEvents(second.url, id, { lastEventId: 2 });
        expect(epochsOf(resumed.events)).toEqual([]);
        expect(JSON.parse(resumed.events.at(-1)?.data ?? '{}')).toMatchObject({ state: 'done', epochs: 2 });
        expect(await getRun(second.url, id)).not.toHaveProperty('error');
      }
      expect(await readFile(join(runFolder(beforeFinal), 'weights-final.bin'))).toEqual(await readFile(join(runFolder(finished), 'weights-final.bin')));
    } finally {
      await second.close();
    }
  });

  it("a run that fails names no path of the server in its error, in its record, its view or its events", async () => {
    const first = await startService({ dataDir: dir.path });
    const finished = await createRun(first.url, tinyRun({ epochs: 2, seed: 10 }));
    await readEvents(first.url, finished);
    await first.close();

    // Interrupted after epoch 1, its checkpoint gone.
    const noCheckpoint = await copyRun(finished, { state: 'interrupted' });
    const metrics = (await readFile(join(runFolder(noCheckpoint), 'metrics.jsonl'), 'utf8')).split('\n');
    await writeFile(join(runFolder(noCheckpoint), 'metrics.jsonl'), `${metrics[0]}\n`);
    await rm(join(runFolder(noCheckpoint), 'weights-final.json'));
    // Interrupted, and its metrics file turned into a folder after the service read it: Node's own error, path and all.
    const brokenMetrics = await copyRun(finished, { state: 'interrupted' });
    await rm(join(runFolder(brokenMetrics), 'weights-final.json'));

    const second = await startService({ dataDir: dir.path });
    try {
      await rm(join(runFolder(brokenMetrics), 'metrics.jsonl'));
      await mkdir(join(runFolder(brokenMetrics), 'metrics.jsonl'));
      const expected = { [noCheckpoint]: /no checkpoint of epoch 1/, [brokenMetrics]: /^EISDIR: .*'metrics\.jsonl'$/ };
      for (const [id, reason] of Object.entries(expected)) {
        expect((await call(second.url, 'POST', `/api/runs/${id}/resume`)).status).toBe(200);
        await waitFor(`run ${id} to fail`, async () => (await getRun(second.url, id)).state === 'failed');
        // (A metrics file that cannot be read ends the stream after its first event.)
        const events = await readEvents(second.url, id);
        const view = await call(second.url, 'GET', `/api/runs/${id}`);
        expect(view.body).toMatchObject({ state: 'failed', error: expect.stringMatching(reason) });
        for (const text of [JSON.stringify(view.body), JSON.stringify(events.events), JSON.stringify(await readRecord(id))]) {
          expect(text).not.toContain(dir.path);
          expect(text).not.toMatch(absolutePath);
        }
      }
    } finally {
      await second.close();
    }
  });
});
