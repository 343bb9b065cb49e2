import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradSheetError, getModel, normalisePixel, resolveTrainConfig, type EpochMetrics, type MnistSplit, type RunAnalysis, type RunRecord } from '@gradsheet/shared';
import { RunDirectory } from '../engine/run-directory.js';
import { runTraining } from '../runs/run-training.js';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { MISTAKES_KEPT } from './analyse-model.js';
import { predictDigit } from './predict.js';
import { runAnalysis } from './run-analysis.js';

/** A tiny run trained for real (wasm), then what its final weights learned. */

let dir: string;
let runDir: string;
let history: EpochMetrics[];
let test: MnistSplit;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-analysis-'));
  runDir = join(dir, 'run');
  const spec = getModel('gradsheet-7774');
  // Averaging on (the model's default): the analysis must use the averaged weights the last epoch was scored with.
  const config = resolveTrainConfig({ model: spec.id, epochs: 2, limitTrain: 256, limitTest: 100, batchSize: 32, optimizer: 'adam', lr: 0.005, schedule: 'none', backend: 'wasm', threads: 1 }, spec);
  expect(config.emaDecay).toBeGreaterThan(0);
  history = await runTraining(config, spec, { runDir });
  test = await loadMnistSplit('test');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pixelsOf = (index: number) => Array.from(test.images.subarray(index * 784, (index + 1) * 784), (p) => p / 255);

describe('after a run', () => {
  let analysis: RunAnalysis;
  beforeAll(async () => {
    expect(await readdir(runDir)).toContain('analysis.json');
    analysis = (await RunDirectory.open(runDir).readAnalysis()) as RunAnalysis;
  });

  it('keeps the confusion matrix of the last epoch: its diagonal over its total is the run’s last test accuracy', () => {
    const last = history[history.length - 1] as EpochMetrics;
    const { counts, total } = analysis.confusion;
    expect(counts).toHaveLength(10);
    expect(counts.every((row) => row.length === 10)).toBe(true);
    expect(total).toBe(100);
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(total);
    const diagonal = counts.reduce((sum, row, i) => sum + (row[i] as number), 0);
    expect(diagonal).toBe(last.testCorrect);
    expect(diagonal / total).toBe(last.testAcc);
    // Each row holds the test images of that class.
    counts.forEach((row, digit) => expect(row.reduce((a, b) => a + b, 0)).toBe(test.labels.subarray(0, 100).filter((l) => l === digit).length));
  });

  it('keeps the most confident mistakes first, each with the pixels of the test image it names', () => {
    const wrong = analysis.confusion.total - analysis.confusion.counts.reduce((sum, row, i) => sum + (row[i] as number), 0);
    expect(analysis.mistakes).toHaveLength(Math.min(MISTAKES_KEPT, wrong));
    const probabilities = analysis.mistakes.map((m) => m.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    for (const mistake of analysis.mistakes) {
      expect(mistake.actual).toBe(test.labels[mistake.index]);
      expect(mistake.predicted).not.toBe(mistake.actual);
      expect(mistake.pixels).toEqual(pixelsOf(mistake.index));
      expect(mistake.probability).toBeGreaterThan(0);
    }
  });

  it('keeps the first convolution’s kernels and its feature maps, which are that convolution of the digit', async () => {
    const kernels = analysis.kernels!;
    expect(kernels.layerIndex).toBe(getModel('gradsheet-7774').layers.findIndex((l) => l.type === 'conv2d'));
    const { manifest, bytes } = await RunDirectory.open(runDir).loadWeights('final');
    const [k, , , filters] = manifest.tensors[0]!.shape as [number, number, number, number];
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(kernels.kernelSize).toBe(k);
    expect(kernels.weights).toHaveLength(filters);
    kernels.weights.forEach((w, f) => w.forEach((value, rc) => expect(value).toBe(floats[rc * filters + f])));
    // This model's first convolution has no bias (a BatchNorm follows it).
    expect(manifest.tensors[1]!.name).toMatch(/batch_norm/);
    expect(kernels.digits.map((d) => [d.index, d.actual])).toEqual([0, 1, 2, 3].map((i) => [i, test.labels[i]]));
    // One value of each map, convolved here by hand: 'valid' padding, stride 1.
    const digit = kernels.digits[1]!;
    expect(digit.pixels).toEqual(pixelsOf(1));
    digit.maps.forEach((map, f) => {
      expect([map.height, map.width]).toEqual([28 - k + 1, 28 - k + 1]);
      const [y, x] = [12, 9];
      let sum = 0;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) sum += normalisePixel(digit.pixels[(y + r) * 28 + x + c] as number) * (kernels.weights[f]![r * k + c] as number);
      expect(map.values[y * map.width + x]).toBeCloseTo(sum, 4);
    });
  });

  it('predicts a mistake’s digit as the evaluation did: its class, and its probability to 1e-5', async () => {
    const mistake = analysis.mistakes[0]!;
    const prediction = await predictDigit(RunDirectory.open(runDir), mistake.pixels);
    expect(prediction.class).toBe(mistake.predicted);
    expect(Math.abs((prediction.probabilities[mistake.predicted] as number) - mistake.probability)).toBeLessThan(1e-5);
    expect(prediction.probabilities).toHaveLength(10);
    expect(prediction.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('an older run without analysis.json gets the same analysis on demand, kept from then on', async () => {
    await rm(join(runDir, 'analysis.json'));
    const run = RunDirectory.open(runDir);
    const again = await runAnalysis(run);
    expect({ ...again, seconds: 0 }).toEqual({ ...analysis, seconds: 0 });
    expect(await run.readAnalysis()).toEqual(again);
  });

  it('a run without final weights says so: NO_WEIGHTS, naming its state', async () => {
    const now = new Date().toISOString();
    const record: RunRecord = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', config: resolveTrainConfig({ model: 'gradsheet-7774' }, getModel('gradsheet-7774')), state: 'running', createdAt: now, updatedAt: now };
    const unfinished = await RunDirectory.create(join(dir, 'unfinished'), record, getModel('gradsheet-7774'));
    for (const work of [() => runAnalysis(unfinished), () => predictDigit(unfinished, new Array(784).fill(0))]) {
      const error = await work().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GradSheetError);
      expect((error as GradSheetError).code).toBe('NO_WEIGHTS');
      expect((error as GradSheetError).message).toBe(
        'run 0f8fad5b-d9cb-469f-a165-70867728950e has no final weights (weights-final.json): it is running; only a finished run can predict or be analysed',
      );
    }
  });
});
