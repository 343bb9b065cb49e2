import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GradSheetError, getModel, type RunRecord } from '@gradsheet/shared';
import { controlledTraining, type ControlledTraining } from '../../test/controlled-training.js';
import { TINY_CONFIG, epochMetrics } from '../../test/service-app.js';
import { FairQueue } from './fair-queue.js';
import { RunManager, type RunLimits } from './run-manager.js';
import { RunStore } from './run-store.js';

/** The queue's order and limits, with training finished by hand: which run starts when, and what is refused. */

const spec = getModel('gradsheet-7774');

describe('FairQueue', () => {
  it('serves owners round-robin, each owner’s runs in the order they came, whoever queued first', () => {
    const queue = new FairQueue();
    for (const owner of ['a', 'b', 'c']) for (let i = 1; i <= 3; i++) queue.push(owner, `${owner}${i}`);
    const order = Array.from({ length: 9 }, () => queue.next());
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
    expect(queue.next()).toBeUndefined();
  });

  it('remembers whose turn it was when an owner comes back, and skips owners that may not start', () => {
    const queue = new FairQueue();
    queue.push('a', 'a1');
    expect(queue.next()).toBe('a1');
    queue.push('a', 'a2');
    queue.push('b', 'b1');
    // a was served last: b goes first, although a queued first.
    expect(queue.next()).toBe('b1');
    queue.push('c', 'c1');
    expect(queue.next((owner) => owner !== 'c')).toBe('a2');
    expect(queue.next((owner) => owner !== 'c')).toBeUndefined();
    expect(queue.size).toBe(1);
    expect(queue.remove('c1')).toBe(true);
    expect(queue.remove('c1')).toBe(false);
    expect(queue.size).toBe(0);
  });
});

describe('RunManager with limits', () => {
  let dataDir: string;
  let training: ControlledTraining;
  let manager: RunManager;

  const open = async (limits: Partial<RunLimits>) => {
    training = controlledTraining();
    ({ manager } = await RunManager.open(new RunStore(dataDir), undefined, limits, training.start));
  };
  // The manager starts the next run once the last one's state is on disk: wait for what it does, never for a time.
  const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gradsheet-manager-'));
  });
  afterEach(async () => {
    await manager?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts the runs of 3 users round-robin, one at a time by default', async () => {
    await open({});
    const ids: Record<string, string[]> = { ada: [], bob: [], cy: [] };
    for (const owner of ['ada', 'bob', 'cy']) for (let i = 0; i < 3; i++) (ids[owner] as string[]).push((await manager.create(TINY_CONFIG, spec, owner)).id);
    const started: string[] = [];
    for (let i = 0; i < 9; i++) {
      await eventually(() => expect(training.running()).toHaveLength(1));
      const job = training.running()[0];
      started.push(manager.ownerOf(job?.runId as string) as string);
      job?.finish();
    }
    // ada's first started at once, before anyone else had queued.
    expect(started).toEqual(['ada', 'bob', 'cy', 'ada', 'bob', 'cy', 'ada', 'bob', 'cy']);
  });

  it('trains N runs at once, at most one per user by default', async () => {
    await open({ concurrentRuns: 3 });
    const ada = [await manager.create(TINY_CONFIG, spec, 'ada'), await manager.create(TINY_CONFIG, spec, 'ada')];
    const bob = await manager.create(TINY_CONFIG, spec, 'bob');
    await eventually(() => expect(training.running().map((j) => j.runId).sort()).toEqual([ada[0]?.id, bob.id].sort()));
    expect(manager.counts()).toEqual({ queued: 1, running: 2 });
    (await training.job(ada[0]?.id as string)).finish();
    await training.job(ada[1]?.id as string);
    expect(manager.counts()).toEqual({ queued: 0, running: 2 });
  });

  it('refuses past a user’s share and past the whole queue with QUEUE_FULL and a time to wait; runs without an account have the whole queue only', async () => {
    await open({ maxQueuedPerUser: 1, maxQueued: 3 });
    const first = await manager.create(TINY_CONFIG, spec, 'ada');
    await training.job(first.id);
    // The first trains, the second waits: the third is past ada's share.
    await manager.create(TINY_CONFIG, spec, 'ada');
    const refusal = await manager.create(TINY_CONFIG, spec, 'ada').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GradSheetError);
    expect(refusal).toMatchObject({ code: 'QUEUE_FULL', details: { retryAfterSeconds: 60 } });
    expect((refusal as Error).message).toMatch(/you have 1 run waiting, the most one person may queue/);
    // Epochs timed so far make the wait an estimate: 2 more epochs of 1.5 s.
    training.running()[0]?.epoch({ ...epochMetrics(1), seconds: 1.5 });
    await expect(manager.create(TINY_CONFIG, spec, 'ada')).rejects.toMatchObject({ details: { retryAfterSeconds: 3 } });
    await manager.create(TINY_CONFIG, spec);
    await manager.create(TINY_CONFIG, spec);
    await expect(manager.create(TINY_CONFIG, spec, 'bob')).rejects.toThrow(/the service's queue is full \(3 runs waiting\)/);
    expect(manager.counts()).toEqual({ queued: 3, running: 1 });
  });

  it('deletes a queued or running run (cancelled first, its listeners told) and its folder', async () => {
    await open({});
    const first = await manager.create(TINY_CONFIG, spec, 'ada');
    const second = await manager.create(TINY_CONFIG, spec, 'ada');
    await training.job(first.id);
    const heard: string[] = [];
    manager.subscribe(first.id, (event) => heard.push(event.type === 'done' ? `done:${event.done.state}` : event.type));
    await manager.remove(first.id);
    expect(heard).toEqual(['state', 'done:cancelled']);
    expect(existsSync(join(dataDir, 'runs', first.id))).toBe(false);
    expect(manager.has(first.id)).toBe(false);
    // The next run started in its place; deleting a queued one takes it out of the queue.
    await training.job(second.id);
    const third = await manager.create(TINY_CONFIG, spec, 'ada');
    await manager.remove(third.id);
    expect(manager.counts()).toEqual({ queued: 0, running: 1 });
    await expect(manager.remove(third.id)).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });
  });

  it('deletes the runs that ended before a time, never one queued or training; a deletion cut short is finished on the next start', async () => {
    await open({});
    const old = await manager.create(TINY_CONFIG, spec, 'ada');
    (await training.job(old.id)).finish();
    await eventually(() => expect(manager.list().find((r) => r.id === old.id)?.state).toBe('done'));
    const running = await manager.create(TINY_CONFIG, spec, 'ada');
    await training.job(running.id);
    const queued = await manager.create(TINY_CONFIG, spec, 'ada');
    const removed = await manager.removeEndedBefore(new Date(Date.now() + 60_000).toISOString());
    expect(removed).toEqual([old.id]);
    expect(manager.list().map((r) => r.id).sort()).toEqual([running.id, queued.id].sort());
    expect(await manager.removeEndedBefore(new Date(Date.now() - 60_000).toISOString())).toEqual([]);

    await manager.close();
    await writeFile(join(dataDir, 'runs', '.deleted-x'), 'half deleted');
    const record = JSON.parse(await readFile(join(dataDir, 'runs', queued.id, 'run.json'), 'utf8')) as RunRecord;
    expect(record).toMatchObject({ state: 'queued', owner: 'ada' });
    await open({});
    expect(existsSync(join(dataDir, 'runs', '.deleted-x'))).toBe(false);
  });
});
