import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_ID_PATTERN, getModel } from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';

/** `gradsheet train` for real, on the wasm backend and the real MNIST files. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CONTRACT_KEYS = ['epoch', 'trainLoss', 'trainAcc', 'testLoss', 'testAcc', 'lr', 'seconds'];

describe('gradsheet train', () => {
  it('smoke run: one epoch on 6,000 images reaches more than 90% on 2,000 test images, and keeps the run', async () => {
    const runDir = join(dir, 'smoke');
    const result = await gradsheet([
      'train', '--model', 'gradsheet-7774', '--epochs', '1', '--limit-train', '6000', '--limit-test', '2000',
      '--optimizer', 'adam', '--lr', '0.005', '--batch-size', '32', '--schedule', 'none', '--no-augment', '--seed', '2',
      '--backend', 'wasm', '--run-dir', runDir, '--json',
    ]);
    expect(result.stderr).not.toMatch(/gradsheet:/);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const epoch = JSON.parse(lines[0] as string) as Record<string, number>;
    for (const key of CONTRACT_KEYS) expect(typeof epoch[key]).toBe('number');
    expect(epoch.epoch).toBe(1);
    expect(epoch.testAcc).toBeGreaterThan(0.9);
    expect(epoch.lr).toBe(0.005);

    expect((await readdir(runDir)).sort()).toEqual(['analysis.json', 'metrics.jsonl', 'model.json', 'run.json', 'weights-best.bin', 'weights-best.json', 'weights-final.bin', 'weights-final.json']);
    const stored = (await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject(epoch);
    expect(stored[0]?.testCorrect).toBe(Math.round((epoch.testAcc as number) * 2000));
    // The same folder as the service's: run.json with the config and the state, model.json with the model.
    const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(run).toMatchObject({ state: 'done', backend: 'wasm', config: { model: 'gradsheet-7774', optimizer: 'adam', batchSize: 32, limitTrain: 6000, backend: 'wasm' } });
    expect(run.id).toMatch(new RegExp(RUN_ID_PATTERN));
    expect(JSON.parse(await readFile(join(runDir, 'model.json'), 'utf8'))).toEqual(getModel('gradsheet-7774'));
    const manifest = JSON.parse(await readFile(join(runDir, 'weights-final.json'), 'utf8')) as { tensors: { shape: number[] }[] };
    const floats = manifest.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
    expect((await readFile(join(runDir, 'weights-final.bin'))).length).toBe(floats * 4);

    // A folder that holds a run is never trained into again.
    const again = await gradsheet(['train', '--model', 'gradsheet-7774', '--epochs', '1', '--limit-train', '64', '--backend', 'wasm', '--run-dir', runDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^gradsheet: the run folder already holds a run \(run\.json\)/);
    expect((await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('is reproducible: the same seed gives the same epoch, bit for bit', async () => {
    const args = (name: string) => ['train', '--model', 'gradsheet-7774', '--epochs', '2', '--limit-train', '384', '--limit-test', '200', '--seed', '7', '--run-dir', join(dir, name), '--json'];
    const [first, second] = await Promise.all([gradsheet(args('a')), gradsheet(args('b'))]);
    const strip = (stdout: string) => stdout.trim().split('\n').map((line) => {
      const { seconds: _s, imagesPerSecond: _i, ...rest } = JSON.parse(line) as Record<string, number>;
      return rest;
    });
    expect(first.code).toBe(0);
    expect(strip(first.stdout)).toHaveLength(2);
    expect(strip(first.stdout)).toEqual(strip(second.stdout));
  });

  it("prints the course's test line when not in JSON mode", async () => {
    const result = await gradsheet(['train', '--model', 'seed-11154', '--epochs', '1', '--limit-train', '128', '--limit-test', '100', '--run-dir', join(dir, 'plain')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/100 \(\d+\.\d{2}%\)/m);
    expect(result.stderr).toMatch(/Epoch 1 loss=\d+\.\d+ batch_id=/);
  });

  it.each([
    [['--model', 'nope'], /unknown model "nope"/],
    [['--model', 'gradsheet-7774', '--epochs', '51'], /--epochs must be a whole number from 1 to 50/],
    [['--model', 'gradsheet-7774', '--batch-size', 'many'], /--batch-size: "many" is not a number/],
    [['--model', 'gradsheet-7774', '--backend', 'gpu'], /--backend must be one of auto, wasm, node, webgpu/],
    [['--model', 'gradsheet-7774', '--schedule', 'cosine'], /--schedule must be one of step, onecycle, none/],
    [['--model', 'gradsheet-7774', '--limit-train', '0'], /--limit-train must be a whole number/],
    [['--model', 'gradsheet-7774', '--lr', '-1'], /lr must be a number greater than 0/],
    [['--model', 'gradsheet-7774', '--ema-decay', '1'], /--ema-decay must be a number at least 0 and below 1, got 1/],
    // Without --model, the default model: its flags are checked all the same.
    [['--threads', '9'], /--threads must be a whole number from 1 to 8, got 9/],
  ])('refuses %j with one line and exit status 2', async (args, message) => {
    const result = await gradsheet(['train', ...args, '--run-dir', join(dir, 'never')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});
