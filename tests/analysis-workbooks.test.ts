import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  columnLetters,
  compareRunsPlan,
  CONFUSION_LAYOUT as C,
  kernelsLayout,
  KERNELS_SHEET,
  mistakePanel,
  MAX_MISTAKES_SHOWN,
  RUNS_COL,
  RUNS_LAYOUT,
  runFigures,
  TRY_IT,
  tryItSheet,
  ANALYSIS_STYLE,
  ANALYSIS_STYLES,
  validatePlan,
  type CompareRunInput,
  type EpochMetrics,
  type FirstLayerKernels,
  type Mistake,
  type MnistSplit,
  type RunAnalysis,
  type WorkbookPlan,
} from '@gradsheet/shared';
import { loadMnistSplit, trainingReportXlsx, writeWorkbookPlan } from '@gradsheet/server';
import { numberAt, recalculateToCsv } from './support/libreoffice.js';
import { drawSheetPictures, type PictureColours } from './support/sheet-pictures.js';
import { sampleTrainConfig } from './support/train-config.js';

/**
 * What a run learned and runs compared, as LibreOffice Calc recalculates and prints
 * them: the confusion matrix's live accuracies equal the counts' arithmetic and the
 * run's last test accuracy, the Mistakes sheet's pixel cells hold the MNIST test
 * images they name, the Runs table's formulas give each run's figures, and the
 * Confusion, Mistakes, Kernels and Try it sheets are pictured for the docs.
 */

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/analysis/', import.meta.url));

const config = sampleTrainConfig(6);

/** Typical confusions of a small MNIST CNN: (true, predicted, how many). */
const CONFUSIONS: readonly [number, number, number][] = [
  [4, 9, 9], [7, 2, 8], [9, 4, 6], [3, 5, 6], [2, 7, 5], [5, 3, 5], [6, 0, 5], [8, 9, 4], [9, 7, 4], [1, 7, 3], [8, 3, 3], [0, 6, 2], [6, 5, 2], [2, 8, 2],
];

const pixelsOf = (mnist: MnistSplit, index: number) => Array.from(mnist.images.subarray(index * 784, (index + 1) * 784), (b) => b / 255);

/** Real test digits, as a model that makes the confusions above would get them wrong. */
function mnistAnalysis(mnist: MnistSplit): RunAnalysis {
  const taken = new Set<number>();
  const mistakes: Mistake[] = [];
  for (const [actual, predicted, count] of CONFUSIONS) {
    for (let i = 0, found = 0; found < count; i++) {
      if (mnist.labels[i] !== actual || taken.has(i)) continue;
      taken.add(i);
      found++;
      mistakes.push({ index: i, actual, predicted, probability: 0, pixels: pixelsOf(mnist, i) });
    }
  }
  // Most confident first, as the run keeps them.
  const ranked = mistakes.map((m, k) => ({ ...m, probability: 0.995 - (0.45 * k) / mistakes.length }));
  const counts = Array.from({ length: 10 }, () => Array.from({ length: 10 }, () => 0));
  const predicted = new Map(ranked.map((m) => [m.index, m.predicted]));
  for (let i = 0; i < mnist.count; i++) {
    const actual = mnist.labels[i] as number;
    counts[actual]![predicted.get(i) ?? actual]! += 1;
  }
  return { confusion: { counts, total: mnist.count }, mistakes: ranked, kernels: edgeKernels(mnist), seconds: 2.4 };
}

/** Eight 3×3 filters a first layer tends to learn (edges, a spot, a blur), and their maps on test image 0, a 7. */
function edgeKernels(mnist: MnistSplit): FirstLayerKernels {
  const weights = [
    [-1, 0, 1, -2, 0, 2, -1, 0, 1],
    [-1, -2, -1, 0, 0, 0, 1, 2, 1],
    [1, 0, -1, 2, 0, -2, 1, 0, -1],
    [1, 2, 1, 0, 0, 0, -1, -2, -1],
    [0, 1, 2, -1, 0, 1, -2, -1, 0],
    [2, 1, 0, 1, 0, -1, 0, -1, -2],
    [-1, -1, -1, -1, 8, -1, -1, -1, -1],
    [1, 2, 1, 2, 4, 2, 1, 2, 1],
  ].map((w, f) => w.map((v, i) => Math.round((v * 0.18 + 0.03 * Math.sin(7 * f + i)) * 1e4) / 1e4));
  const pixels = pixelsOf(mnist, 0);
  const maps = weights.map((w) => ({
    height: 26,
    width: 26,
    values: Array.from({ length: 26 * 26 }, (_, o) => {
      const [y, x] = [Math.floor(o / 26), o % 26];
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += (w[i] as number) * (pixels[(y + Math.floor(i / 3)) * 28 + x + (i % 3)] as number);
      return sum;
    }),
  }));
  return { layerIndex: 0, kernelSize: 3, weights, digits: [{ index: 0, actual: mnist.labels[0] as number, pixels, maps }] };
}

function epochs(accuracies: readonly number[], seconds: number): EpochMetrics[] {
  return accuracies.map((testAcc, i) => ({
    epoch: i + 1,
    trainLoss: 0.9 * Math.exp(-0.8 * i) + 0.02,
    trainAcc: 0.9 + 0.015 * i,
    // Slower runs here are the bigger models, which end lower.
    testLoss: (0.12 * Math.exp(-0.5 * i) + 0.017 + i / 7e4) * (70 / (seconds + 30)),
    testAcc,
    testCorrect: Math.round(testAcc * 10_000),
    testCount: 10_000,
    lr: 0.05 / (i + 1),
    seconds: seconds + Math.sin(i) * 1.3,
    imagesPerSecond: 60_000 / (seconds + Math.sin(i) * 1.3),
  }));
}

/** The Try it sheet as a learner leaves it: test image 0 typed into the grid, and the ten probabilities Predict wrote. */
function drawnTryIt(mnist: MnistSplit): WorkbookPlan {
  const sheet = tryItSheet();
  const pixels = pixelsOf(mnist, 0);
  const logits = Array.from({ length: 10 }, (_, d) => (d === 7 ? 9 : d === 2 ? 4.2 : d === 9 ? 3.1 : Math.cos(d)));
  const sum = logits.reduce((s, z) => s + Math.exp(z), 0);
  const probabilities = logits.map((z) => Math.exp(z) / sum);
  const at = (block: { origin: { row: number; col: number } }, where: { row: number; col: number }) => block.origin.row === where.row && block.origin.col === where.col;
  const blocks = sheet.blocks.map((block) => {
    if (at(block, TRY_IT.grid.start)) {
      return { ...block, rows: block.rows.map((row, r) => row.map((_, c) => (pixels[r * 28 + c] ? { value: pixels[r * 28 + c] as number, style: ANALYSIS_STYLE.gridInput } : null))) };
    }
    if (at(block, TRY_IT.probabilities.start)) return { ...block, rows: probabilities.map((p) => [{ value: p, style: ANALYSIS_STYLE.probabilityInput }]) };
    return block;
  });
  return validatePlan({ title: 'try it', styles: ANALYSIS_STYLES, names: [], sheets: [{ ...sheet, blocks }] });
}

/** The number in a cell; a percent format keeps its sign in the CSV ("98.66%"), which is undone here. */
function valueAt(rows: string[][], row: number, col: number): number {
  const text = rows[row]?.[col] ?? '';
  if (!text.endsWith('%')) return numberAt(rows, row, col);
  return numberAt([[text.slice(0, -1)]], 0, 0) / 100;
}

function expectClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-12);
}

let dir: string;
let mnist: MnistSplit;
let analysis: RunAnalysis;
let reportFile: string;
let compareFile: string;
let tryItFile: string;
const lastAccuracy = () => 1 - analysis.mistakes.length / analysis.confusion.total;
const runs: CompareRunInput[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-analysis-'));
  mnist = await loadMnistSplit('test');
  analysis = mnistAnalysis(mnist);
  const metrics = epochs([0.9794, 0.9861, 0.9893, 0.9911, 0.9921, lastAccuracy()], 41);
  reportFile = join(dir, 'report.xlsx');
  await writeFile(reportFile, await trainingReportXlsx({ runId: 'run-abc', config, metrics, state: 'completed', backend: 'wasm', analysis }));
  runs.push(
    { id: 'run-abc', title: 'gradsheet-7774', params: 7774, metrics },
    { id: 'run-def', title: 'seed-19698', params: 19698, metrics: epochs([0.9812, 0.9889, 0.9917, 0.9936, 0.9941, 0.9944, 0.9947, 0.9943], 58) },
    { id: 'run-ghi', title: 'wide-design', params: 25010, metrics: epochs([0.9851, 0.9902, 0.9941, 0.9939], 73) },
  );
  compareFile = join(dir, 'compare.xlsx');
  await writeFile(compareFile, await writeWorkbookPlan(compareRunsPlan(runs)));
  tryItFile = join(dir, 'try-it.xlsx');
  await writeFile(tryItFile, await writeWorkbookPlan(drawnTryIt(mnist)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the training report with what the run learned, recalculated by LibreOffice', () => {
  let sheets: Map<string, string[][]>;
  beforeAll(async () => {
    sheets = await recalculateToCsv(reportFile);
  });

  it('computes each class’s accuracy and the overall accuracy from the counts, equal to the last epoch’s', () => {
    const rows = sheets.get('Confusion')!;
    const counts = analysis.confusion.counts;
    for (let k = 0; k < 10; k++) {
      const images = counts[k]!.reduce((a, b) => a + b, 0);
      expect(numberAt(rows, C.firstRow + k, C.imagesCol)).toBe(images);
      expect(numberAt(rows, C.firstRow + k, C.rightCol)).toBe(counts[k]![k]);
      expectClose(valueAt(rows, C.firstRow + k, C.accuracyCol), counts[k]![k]! / images, `accuracy of ${k}`);
      const predicted = counts.reduce((s, row) => s + row[k]!, 0);
      expectClose(valueAt(rows, C.precisionRow, C.countsCol + k), counts[k]![k]! / predicted, `precision of ${k}`);
    }
    const right = counts.reduce((s, row, k) => s + row[k]!, 0);
    expect(numberAt(rows, C.totalsRow, C.imagesCol)).toBe(10_000);
    expect(numberAt(rows, C.totalsRow, C.rightCol)).toBe(right);
    expectClose(valueAt(rows, C.totalsRow, C.accuracyCol), right / 10_000, 'overall accuracy');
    expectClose(valueAt(rows, C.totalsRow, C.accuracyCol), lastAccuracy(), 'overall against the last epoch');
    expectClose(valueAt(rows, C.recordedRow, 1), lastAccuracy(), 'the Epochs sheet’s last test accuracy');
    expect(rows[C.recordedRow + 1]?.[1]).toBe('TRUE');
    // The mistakes alone: 4 taken for 9 nine times, nothing on the diagonal.
    expect(numberAt(rows, C.mistakesFirstRow + 4, C.countsCol + 9)).toBe(9);
    expect(rows[C.mistakesFirstRow + 4]?.[C.countsCol + 4]).toBe('');
  });

  it('holds in the Mistakes sheet’s pixel cells the MNIST test images they name', () => {
    const rows = sheets.get('Mistakes')!;
    const shown = Math.min(MAX_MISTAKES_SHOWN, analysis.mistakes.length);
    expect(shown).toBeGreaterThanOrEqual(24);
    for (let i = 0; i < shown; i++) {
      const panel = mistakePanel(i);
      const caption = rows[panel.caption.row]?.[panel.caption.col] ?? '';
      const index = Number(/test image (\d+)$/.exec(caption)?.[1]);
      const label = mnist.labels[index];
      expect(numberAt(rows, panel.trueClass.row, panel.trueClass.col)).toBe(label);
      expect(numberAt(rows, panel.predictedClass.row, panel.predictedClass.col)).not.toBe(label);
      expectClose(valueAt(rows, panel.probability.row, panel.probability.col), analysis.mistakes[i]!.probability, 'probability');
      for (let p = 0; p < 784; p++) {
        const cell = numberAt(rows, panel.pixels.row + Math.floor(p / 28), panel.pixels.col + (p % 28));
        if (Math.abs(cell - (mnist.images[index * 784 + p] as number) / 255) > 1e-12) throw new Error(`mistake ${i + 1} (test image ${index}), pixel ${p}: ${cell}`);
      }
    }
  });

  it('holds the kernels’ weights and the feature maps in the Kernels sheet', () => {
    const rows = sheets.get(KERNELS_SHEET)!;
    const kernels = analysis.kernels!;
    const layout = kernelsLayout(kernels);
    kernels.weights.forEach((w, f) => {
      const { kernel, map } = layout.panel(f + 1);
      w.forEach((value, i) => {
        const shown = layout.weight(kernel, i);
        expectClose(numberAt(rows, shown.row, shown.col), value, `filter ${f + 1} weight ${i}`);
        // The rest of its square follows it by formula.
        expectClose(numberAt(rows, shown.row + 2, shown.col + 3), value, `filter ${f + 1} weight ${i}, its square`);
      });
      const values = kernels.digits[0]!.maps[f]!.values;
      for (const o of [0, 27, 350, 675]) expectClose(numberAt(rows, map.row + Math.floor(o / 26), map.col + (o % 26)), values[o]!, `map ${f + 1} at ${o}`);
    });
  });
});

describe('the compare workbook, recalculated by LibreOffice', () => {
  let sheets: Map<string, string[][]>;
  beforeAll(async () => {
    sheets = await recalculateToCsv(compareFile);
  });

  it('gives each run its figures: epochs, best, mean of the last three, first epoch at 99.4%, minutes and images/s', () => {
    const rows = sheets.get('Runs')!;
    runs.forEach((run, r) => {
      const row = RUNS_LAYOUT.firstRow + r;
      const figures = runFigures(run.metrics);
      expect(rows[row]?.[RUNS_COL.run]).toBe(run.id);
      expect(numberAt(rows, row, RUNS_COL.params)).toBe(run.params);
      expect(numberAt(rows, row, RUNS_COL.epochs)).toBe(run.metrics.length);
      expectClose(valueAt(rows, row, RUNS_COL.best), Math.max(...run.metrics.map((m) => m.testAcc)), `${run.id} best`);
      const last3 = run.metrics.slice(-3).map((m) => m.testAcc);
      expectClose(valueAt(rows, row, RUNS_COL.lastThree), last3.reduce((a, b) => a + b, 0) / 3, `${run.id} last three`);
      const first = run.metrics.findIndex((m) => m.testAcc >= 0.994);
      expect(rows[row]?.[RUNS_COL.firstAtTarget]).toBe(first < 0 ? '' : String(first + 1));
      expect(figures.firstAtTarget).toBe(first < 0 ? '' : first + 1);
      expectClose(numberAt(rows, row, RUNS_COL.minutes), run.metrics.reduce((s, m) => s + m.seconds, 0) / 60, `${run.id} minutes`);
      expectClose(numberAt(rows, row, RUNS_COL.imagesPerSecond), run.metrics.reduce((s, m) => s + m.imagesPerSecond, 0) / run.metrics.length, `${run.id} images/s`);
    });
    // Epoch 5 of run-def is the first at 99.4%; run-abc never gets there.
    expect(rows[RUNS_LAYOUT.firstRow]?.[RUNS_COL.firstAtTarget]).toBe('');
    expect(rows[RUNS_LAYOUT.firstRow + 1]?.[RUNS_COL.firstAtTarget]).toBe('5');
  });
});

describe('pictures of the sheets, as LibreOffice prints them', () => {
  it('draws the Confusion, Mistakes, Kernels, Try it and Runs sheets, each showing its colours', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const file = (name: string) => join(ARTIFACTS, `analysis-${name}.png`);
    const kernels = kernelsLayout(analysis.kernels!);
    const area = (lastRow: number, lastCol: number) => `$A$1:$${columnLetters(lastCol)}$${lastRow + 1}`;
    const report = await drawSheetPictures(reportFile, [
      { sheet: 'Confusion', area: area(C.mistakesFirstRow + 10, C.accuracyCol), file: file('confusion'), dpi: 130, gridLines: true },
      { sheet: 'Mistakes', area: area(mistakePanel(12).caption.row - 1, 6 * 29 - 2), file: file('mistakes'), dpi: 150 },
      { sheet: 'Kernels', area: area(kernels.panel(8).caption.row - 1, 4 * kernels.panelWidth - 2), file: file('kernels'), dpi: 150 },
    ]);
    const tryIt = await drawSheetPictures(tryItFile, [{ sheet: 'Try it', area: area(TRY_IT.grid.end.row + 4, TRY_IT.probabilities.start.col + 6), file: file('try-it'), dpi: 130 }]);
    const compare = await drawSheetPictures(compareFile, [{ sheet: 'Runs', area: area(42, RUNS_LAYOUT.columns.length + 10), file: file('runs'), dpi: 110, gridLines: true }]);
    const seen = (name: string): PictureColours => (report.get(file(name)) ?? tryIt.get(file(name)) ?? compare.get(file(name)))!;
    // The counts' blue scale; the digits' ink; the kernels' blue and red; the drawn digit's ink.
    expect(seen('confusion').blue).toBeGreaterThan(0.002);
    expect(seen('confusion').red).toBeGreaterThan(0.001);
    expect(seen('mistakes').dark).toBeGreaterThan(0.05);
    expect(seen('kernels').red).toBeGreaterThan(0.01);
    expect(seen('kernels').blue).toBeGreaterThan(0.01);
    expect(seen('try-it').dark).toBeGreaterThan(0.02);
    // The runs' lines (the palette's blue and vermilion) and the green of a run at the target.
    expect(seen('runs').blue).toBeGreaterThan(0.0005);
  });
});

describe('the Try it sheet, recalculated by LibreOffice', () => {
  it('picks the most probable digit with its formula', async () => {
    const rows = (await recalculateToCsv(tryItFile)).get('Try it')!;
    expect(numberAt(rows, TRY_IT.predicted.start.row, TRY_IT.predicted.start.col)).toBe(7);
    expect(valueAt(rows, TRY_IT.predicted.start.row + 1, TRY_IT.predicted.start.col)).toBeGreaterThan(0.9);
  });
});
