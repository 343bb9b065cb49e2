import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GradSheetError, getModel, type EpochMetrics, type RunRecord, type TrainConfig } from '@gradsheet/shared';
import { RunDirectory } from './run-directory.js';

const config = { model: 'gradsheet-7774', epochs: 2, batchSize: 8, optimizer: 'sgd', lr: 0.1, schedule: 'none', momentum: 0.9, stepSize: 10, gamma: 0.1, seed: 1, backend: 'wasm', augment: false, threads: 1, emaDecay: 0 } satisfies TrainConfig;
const record: RunRecord = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', config, state: 'queued', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const design = { ...getModel('gradsheet-7774'), id: 'my-design', title: 'My design', layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] } as const;
const metrics = (epoch: number): EpochMetrics => ({
  epoch, trainLoss: 1 / epoch, trainAcc: 0.5, testLoss: 0.4, testAcc: 0.9, testCorrect: 90, testCount: 100, lr: 0.1, seconds: 1, imagesPerSecond: 100,
});
const weights = (...values: number[]) => ({
  manifest: { format: 'gradsheet-weights-1' as const, model: 'm', epoch: 1, tensors: [{ name: 'k', shape: [values.length] }] },
  bytes: Buffer.from(new Float32Array(values).buffer),
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RunDirectory', () => {
  it('keeps one record (with the config), the model it trains and one metrics line per epoch, readable back', async () => {
    const run = await RunDirectory.create(join(dir, 'r'), record, design);
    await run.appendMetrics(metrics(1));
    await run.appendMetrics(metrics(2));
    expect((await readdir(join(dir, 'r'))).sort()).toEqual(['metrics.jsonl', 'model.json', 'run.json']);
    expect(JSON.parse(await readFile(join(dir, 'r', 'run.json'), 'utf8'))).toEqual(record);
    expect(await run.readRecord()).toEqual(record);
    expect(await run.readSpec(config)).toEqual(design);
    expect((await readFile(join(dir, 'r', 'metrics.jsonl'), 'utf8')).split('\n')).toHaveLength(3);
    expect(await RunDirectory.open(join(dir, 'r')).readMetrics()).toEqual([metrics(1), metrics(2)]);
  });

  it('writes the record whole, in the order the writes were asked for', async () => {
    const run = await RunDirectory.create(join(dir, 'r'), record, design);
    const states = ['running', 'done', 'failed', 'cancelled', 'interrupted', 'done'] as const;
    await Promise.all(states.map((state) => run.writeRecord({ ...record, state })));
    expect((await run.readRecord()).state).toBe('done');
    // Nothing but the folder's own files: every temporary file was renamed into place.
    expect((await readdir(join(dir, 'r'))).sort()).toEqual(['metrics.jsonl', 'model.json', 'run.json']);
  });

  it('refuses to make a run in a folder that already holds one', async () => {
    await RunDirectory.create(join(dir, 'r'), record, design);
    await expect(RunDirectory.create(join(dir, 'r'), record, design)).rejects.toMatchObject({ code: 'OUTPUT_REFUSED' });
    await mkdir(join(dir, 'old'));
    await writeFile(join(dir, 'old', 'config.json'), JSON.stringify(config));
    await expect(RunDirectory.create(join(dir, 'old'), record, design)).rejects.toMatchObject({ code: 'OUTPUT_REFUSED' });
  });

  it('ignores a last line cut short by a crash, and cuts it off before more lines are appended', async () => {
    const run = await RunDirectory.create(join(dir, 'r'), record, design);
    await run.appendMetrics(metrics(1));
    await appendFile(join(dir, 'r', 'metrics.jsonl'), '{"epoch":2,"trainLo');
    expect(await run.readMetrics()).toEqual([metrics(1)]);
    await run.trimTornMetrics();
    await run.appendMetrics(metrics(2));
    expect(await run.readMetrics()).toEqual([metrics(1), metrics(2)]);
  });

  it('writes weights whole, data before manifest, reads them back, and keeps a checkpoint as the final weights', async () => {
    const run = await RunDirectory.create(join(dir, 'r'), record, design);
    await run.saveWeights('epoch-2', weights(1, 2, 3));
    expect(await run.hasWeights('epoch-2')).toBe(true);
    expect(await run.hasWeights('final')).toBe(false);
    await run.keepCheckpointAsFinal(2);
    const loaded = await run.loadWeights('final');
    expect([...new Float32Array(loaded.bytes.buffer, loaded.bytes.byteOffset, 3)]).toEqual([1, 2, 3]);
    expect((await readdir(join(dir, 'r'))).sort()).toEqual(['metrics.jsonl', 'model.json', 'run.json', 'weights-final.bin', 'weights-final.json']);
  });

  it('reads a folder made before model.json and run.json: the built-in model its config names, a record from config.json', async () => {
    const path = join(dir, 'old');
    await mkdir(path);
    await writeFile(join(path, 'config.json'), JSON.stringify({ ...config, backend: 'wasm', startedAt: '2025-05-01T10:00:00.000Z' }));
    const run = RunDirectory.open(path);
    expect(await run.readSpec(config)).toBe(getModel('gradsheet-7774'));
    expect(await run.readRecord()).toMatchObject({ id: 'old', state: 'interrupted', backend: 'wasm', createdAt: '2025-05-01T10:00:00.000Z', config: { model: 'gradsheet-7774' } });
  });

  it('says which file is missing or damaged, without naming where the folder is', async () => {
    const path = join(dir, 'r');
    const run = await RunDirectory.create(path, record, design);
    const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as GradSheetError);
    const missing = await failure(run.loadWeights('epoch-3'));
    expect(missing).toMatchObject({ code: 'INVALID_FILE', message: 'the run folder has no weights-epoch-3.json' });
    await writeFile(join(path, 'run.json'), '{"id":');
    const torn = await failure(run.readRecord());
    expect(torn).toMatchObject({ code: 'INVALID_FILE', message: 'run.json is not valid JSON' });
    await writeFile(join(path, 'model.json'), '[]');
    expect(await failure(run.readSpec(config))).toMatchObject({ code: 'INVALID_FILE', message: 'model.json does not describe a model' });
    for (const error of [missing, torn]) expect(error?.message).not.toContain(dir);
  });
});
