import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGN_TRAINING_DEFAULTS, parseModelSpec, summarizeModel } from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';

/** `gradsheet train` and `summary` with a learner's own design, given as a file. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-design-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small design in the course's spirit: strided and 'same' convolutions, AvgPool, two Linear layers. */
const DESIGN = {
  id: 'my-small-design',
  layers: [
    { type: 'Conv2d', filters: 6, kernel: 3, padding: 'same', bias: false },
    { type: 'BatchNorm2d' },
    { type: 'ReLU' },
    { type: 'Conv2d', filters: 8, kernel: 3, stride: 2 },
    { type: 'ReLU' },
    { type: 'Dropout', rate: 0.05 },
    { type: 'AvgPool2d', size: 2 },
    { type: 'Conv2d', filters: 10, kernel: 3 },
    { type: 'GAP' },
    { type: 'Flatten' },
    { type: 'Linear', units: 16 },
    { type: 'ReLU' },
    { type: 'Linear', units: 10 },
  ],
};

describe('a design from a file', () => {
  it('trains with gradsheet train --model-file, keeps the design in its run folder and uses the design defaults', async () => {
    const file = join(dir, 'design.json');
    await writeFile(file, JSON.stringify(DESIGN));
    const runDir = join(dir, 'run');
    const result = await gradsheet([
      'train', '--model-file', file, '--epochs', '1', '--limit-train', '256', '--limit-test', '100', '--backend', 'wasm',
      '--threads', '1', '--run-dir', runDir, '--json',
    ]);
    expect(result.stderr).not.toMatch(/gradsheet:/);
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(join(runDir, 'model.json'), 'utf8'))).toEqual(parseModelSpec(DESIGN));
    const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as { config: Record<string, unknown> };
    expect(run.config).toMatchObject({
      model: 'my-small-design',
      optimizer: DESIGN_TRAINING_DEFAULTS.optimizer,
      schedule: DESIGN_TRAINING_DEFAULTS.schedule,
      batchSize: DESIGN_TRAINING_DEFAULTS.batchSize,
    });
  });

  it('prints the design\'s summary with gradsheet summary --model-file', async () => {
    const file = join(dir, 'summary.json');
    await writeFile(file, JSON.stringify(DESIGN));
    const result = await gradsheet(['summary', '--model-file', file]);
    expect(result.code).toBe(0);
    const total = summarizeModel(parseModelSpec(DESIGN)).totalParams;
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Total params: ${total.toLocaleString('en-US')}`);
  });

  it.each([
    ['a kernel larger than its input', { layers: [{ type: 'Conv2d', filters: 4, kernel: 29 }, { type: 'GAP' }, { type: 'Linear', units: 10 }] }, /layer 1 \(Conv2d\): kernel/],
    ['a Linear on a feature map', { layers: [{ type: 'Conv2d', filters: 4, kernel: 3 }, { type: 'Linear', units: 10 }] }, /layer 2 \(Linear\).*flat/],
    ['an unknown type', { layers: [{ type: 'Softmax' }] }, /layer 1: unknown type "Softmax"/],
    ['a missing field', { layers: [{ type: 'Conv2d', kernel: 3 }] }, /layer 1 \(Conv2d\): filters must be a whole number/],
    ['too many layers', { layers: Array.from({ length: 65 }, () => ({ type: 'ReLU' })) }, /at most 64 layers/],
    ['too many parameters', { layers: [{ type: 'Flatten' }, { type: 'Linear', units: 4096 }, { type: 'Linear', units: 4096 }, { type: 'Linear', units: 10 }] }, /past 5,000,000 parameters/],
  ])('refuses %s with one line and exit status 2, for train and summary alike', async (_name, design, message) => {
    const file = join(dir, `bad-${_name.replaceAll(' ', '-')}.json`);
    await writeFile(file, JSON.stringify(design));
    for (const command of ['train', 'summary']) {
      const result = await gradsheet([command, '--model-file', file, '--epochs', '1', '--backend', 'wasm', '--run-dir', join(dir, 'never')].slice(0, command === 'train' ? 9 : 3));
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toMatch(message);
      expect(result.stderr.trim().split('\n'), command).toHaveLength(1);
    }
  });

  it('refuses --model with --model-file', async () => {
    const file = join(dir, 'both.json');
    await writeFile(file, JSON.stringify(DESIGN));
    for (const command of ['train', 'summary']) {
      const result = await gradsheet([command, '--model', 'seed-11154', '--model-file', file]);
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toMatch(/--model or --model-file, not both/);
    }
  });
});
