import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getModel, resolveTrainConfig, type EpochMetrics } from '@gradsheet/shared';
import { runTraining } from './run-training.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-resume-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runTraining', () => {
  it('resumes an interrupted run from its last checkpoint: every epoch recorded once, in order', async () => {
    const spec = getModel('gradsheet-7774');
    const config = resolveTrainConfig({ model: spec.id, epochs: 3, limitTrain: 256, limitTest: 100, batchSize: 64, backend: 'wasm', threads: 1 }, spec);
    const stop = new AbortController();
    const announced: number[] = [];
    await expect(
      runTraining(config, spec, {
        runDir: dir,
        signal: stop.signal,
        onEpoch: (m) => {
          announced.push(m.epoch);
          if (m.epoch === 1) stop.abort(new Error('interrupted for the test'));
        },
      }),
    ).rejects.toThrow('interrupted for the test');
    expect(announced).toEqual([1]);
    expect(await readdir(dir)).toContain('weights-epoch-1.bin');

    const history = await runTraining(config, spec, { runDir: dir, resume: true, onEpoch: (m) => announced.push(m.epoch) });
    expect(announced).toEqual([1, 2, 3]);
    expect(history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    const lines = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);
    expect(lines.map((m) => m.epoch)).toEqual([1, 2, 3]);
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('weights-epoch-'))).toEqual([]);
    expect(files).toContain('weights-final.bin');
  });
});
