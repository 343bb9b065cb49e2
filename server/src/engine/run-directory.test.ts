import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EpochMetrics, TrainConfig } from '@gradsheet/shared';
import { RunDirectory } from './run-directory.js';

const config = { model: 'm', epochs: 2, batchSize: 8, optimizer: 'sgd', lr: 0.1, schedule: 'none', momentum: 0.9, stepSize: 10, gamma: 0.1, seed: 1, backend: 'wasm', augment: false, threads: 1, emaDecay: 0 } satisfies TrainConfig;
const metrics = (epoch: number): EpochMetrics => ({
  epoch, trainLoss: 1 / epoch, trainAcc: 0.5, testLoss: 0.4, testAcc: 0.9, testCorrect: 90, testCount: 100, lr: 0.1, seconds: 1, imagesPerSecond: 100,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RunDirectory', () => {
  it('keeps the config and one metrics line per epoch, readable back', async () => {
    const run = await RunDirectory.create(join(dir, 'r'), config, { backend: 'wasm' });
    await run.appendMetrics(metrics(1));
    await run.appendMetrics(metrics(2));
    expect(JSON.parse(await readFile(join(dir, 'r', 'config.json'), 'utf8'))).toMatchObject({ model: 'm', backend: 'wasm' });
    expect((await readFile(join(dir, 'r', 'metrics.jsonl'), 'utf8')).split('\n')).toHaveLength(3);
    expect(await run.readMetrics()).toEqual([metrics(1), metrics(2)]);
  });

  it('ignores a last line cut short by a crash', async () => {
    const run = await RunDirectory.create(join(dir, 'r'), config);
    await run.appendMetrics(metrics(1));
    await appendFile(join(dir, 'r', 'metrics.jsonl'), '{"epoch":2,"trainLo');
    expect(await run.readMetrics()).toEqual([metrics(1)]);
  });

  it('writes weights whole, data before manifest, and reads them back', async () => {
    const run = await RunDirectory.create(join(dir, 'r'), config);
    const bytes = Buffer.from(new Float32Array([1, 2, 3]).buffer);
    await run.saveWeights('best', { manifest: { format: 'gradsheet-weights-1', model: 'm', epoch: 1, tensors: [{ name: 'k', shape: [3] }] }, bytes });
    const loaded = await run.loadWeights('best');
    expect([...new Float32Array(loaded.bytes.buffer, loaded.bytes.byteOffset, 3)]).toEqual([1, 2, 3]);
    expect((await readdir(join(dir, 'r'))).sort()).toEqual(['config.json', 'weights-best.bin', 'weights-best.json']);
  });
});
