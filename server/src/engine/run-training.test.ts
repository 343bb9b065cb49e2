import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { getModel, normaliseImage, resolveTrainConfig, seededRandom, type EpochMetrics } from '@gradsheet/shared';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { buildModel } from './build-model.js';
import { RunDirectory } from './run-directory.js';
import { restoreWeights } from './weights.js';
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

  it('keeps the averaged weights it evaluated: the final weights score what the last epoch reported', async () => {
    const spec = getModel('gradsheet-7774');
    const config = resolveTrainConfig({ model: spec.id, epochs: 2, limitTrain: 512, limitTest: 300, batchSize: 64, backend: 'wasm', threads: 1 }, spec);
    expect(config.emaDecay).toBe(0.999);
    const runDir = join(dir, 'averaged');
    const history = await runTraining(config, spec, { runDir });
    const last = history[history.length - 1]!;

    const model = buildModel(spec, seededRandom(99));
    const saved = await RunDirectory.open(runDir).loadWeights('final');
    restoreWeights(model, saved.manifest, saved.bytes);
    const test = await loadMnistSplit('test');
    const inputs = new Float32Array(300 * 784);
    for (let i = 0; i < 300; i++) normaliseImage(test.images, i * 784, 28, inputs, i * 784, null);
    const predicted = tf.tidy(() => (model.predict(tf.tensor4d(inputs, [300, 28, 28, 1])) as tf.Tensor).argMax(-1).dataSync());
    let correct = 0;
    predicted.forEach((label, i) => (correct += label === test.labels[i] ? 1 : 0));
    expect(correct).toBe(last.testCorrect);
  });
});

