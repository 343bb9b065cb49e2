import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { getModel, normaliseImage, resolveTrainConfig, seededRandom, type EpochMetrics, type ModelSpec, type RunRecord } from '@gradsheet/shared';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { buildModel } from '../engine/build-model.js';
import { RunDirectory } from '../engine/run-directory.js';
import { restoreWeights } from '../engine/weights.js';
import { runTraining, trainRun } from './run-training.js';

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
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'))).toMatchObject({ state: 'cancelled', config });

    const history = await trainRun(RunDirectory.open(dir), config, { onEpoch: (m) => announced.push(m.epoch) });
    expect(announced).toEqual([1, 2, 3]);
    expect(history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    const lines = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);
    expect(lines.map((m) => m.epoch)).toEqual([1, 2, 3]);
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('weights-epoch-'))).toEqual([]);
    expect(files).toContain('weights-final.bin');
  });

  it('a run killed after its last epoch comes back finished, whether or not its final weights were written', async () => {
    const spec = getModel('gradsheet-7774');
    const config = resolveTrainConfig({ model: spec.id, epochs: 2, limitTrain: 128, limitTest: 100, batchSize: 64, backend: 'wasm', threads: 1, emaDecay: 0 }, spec);
    const history = await runTraining(config, spec, { runDir: dir });
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'))).toMatchObject({ state: 'done', backend: 'wasm' });
    const final = await readFile(join(dir, 'weights-final.bin'));
    const untouched = { onBackend: () => expect.fail('nothing is left to train'), onEpoch: () => expect.fail('no epoch is left') };

    // Final weights written, last checkpoint removed, state not yet "done": nothing to do but say so.
    expect(await trainRun(RunDirectory.open(dir), config, untouched)).toEqual(history);

    // Killed before the final weights were kept: the last checkpoint becomes them.
    await rename(join(dir, 'weights-final.bin'), join(dir, 'weights-epoch-2.bin'));
    await rename(join(dir, 'weights-final.json'), join(dir, 'weights-epoch-2.json'));
    expect(await trainRun(RunDirectory.open(dir), config, untouched)).toEqual(history);
    expect(await readFile(join(dir, 'weights-final.bin'))).toEqual(final);
    expect((await readdir(dir)).filter((f) => f.startsWith('weights-epoch-'))).toEqual([]);
  });

  it('trains the model its folder holds: a design as well as a built-in model', async () => {
    const design: ModelSpec = {
      ...getModel('gradsheet-7774'),
      id: 'two-layers',
      title: 'Two layers',
      layers: [{ type: 'flatten' }, { type: 'dense', units: 16 }, { type: 'relu' }, { type: 'dense', units: 10 }],
    };
    const config = resolveTrainConfig({ model: design.id, epochs: 1, limitTrain: 128, limitTest: 100, batchSize: 64, backend: 'wasm', threads: 1 }, design);
    const now = new Date().toISOString();
    const record: RunRecord = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', config, state: 'queued', createdAt: now, updatedAt: now };
    const run = await RunDirectory.create(join(dir, 'design'), record, design);
    const history = await trainRun(run, config);
    expect(history.map((m) => m.epoch)).toEqual([1]);
    const { manifest } = await run.loadWeights('final');
    expect(manifest.model).toBe('two-layers');
    expect(manifest.tensors.map((t) => t.shape)).toEqual([[784, 16], [16], [16, 10], [10]]);
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

