import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GradSheetError,
  MODEL_ZOO,
  designerColumn,
  designerGeometry,
  designerPlan,
  getModel,
  randomDesign,
  seededRandom,
  summarizeModel,
  type DesignCell,
  type DesignerColumnKey,
  type FormulaCell,
  type ModelSpec,
} from '@gradsheet/shared';
import { loadModelFile } from '@gradsheet/server';
import { designerAddress, recalculateAll, writeDesigner } from './support/designer-sheets.js';
import { hasLibreOffice } from './support/libreoffice.js';
import { clearCell, setCellNumber, setCellText } from './support/xlsx-edit.js';

/**
 * The designer sheet's formulas, recalculated from scratch by LibreOffice (every
 * cached result is written as 0), against shared's summary: 200 random designs, every
 * zoo model, and impossible designs typed in as a learner would. All the workbooks
 * go through one LibreOffice start.
 */

const RANDOM_DESIGNS = (() => {
  const random = seededRandom(2026);
  return Array.from({ length: 200 }, () => randomDesign(random));
})();

const BASE = getModel('seed-11154');
const N = BASE.layers.length;
const FIRST_ROW = designerGeometry(N).firstLayerRow + 1; // as Excel numbers it
const TYPE_NAMES = 'Conv2d, BatchNorm2d, ReLU, Dropout, MaxPool2d, AvgPool2d, GAP, Flatten, Linear';

type Edit = (path: string) => Promise<void>;
const at = (layerIndex: number, key: DesignerColumnKey) => designerAddress(N, layerIndex, key);
const number = (layerIndex: number, key: DesignerColumnKey, value: number): Edit => (path) => setCellNumber(path, 'Model', at(layerIndex, key), value);
const text = (layerIndex: number, key: DesignerColumnKey, value: string): Edit => (path) => setCellText(path, 'Model', at(layerIndex, key), value);
const clear = (layerIndex: number, key: DesignerColumnKey): Edit => (path) => clearCell(path, 'Model', at(layerIndex, key));

interface Impossible {
  readonly name: string;
  readonly edits: readonly Edit[];
  /** The rows (layer indices of seed-11154) that say why, and what they say. */
  readonly reasons: Readonly<Record<number, string>>;
}

const IMPOSSIBLE: readonly Impossible[] = [
  { name: 'a kernel larger than its input', edits: [number(12, 'kernel', 11)], reasons: { 12: 'kernel 11 with padding 0 does not fit its 9×9 input (the output would be -1)' } },
  { name: 'a pool larger than its input', edits: [number(19, 'size', 6)], reasons: { 19: 'size 6 does not fit its 5×5 input (the output would be 0)' } },
  {
    name: 'a Linear layer whose input is not flat',
    edits: [text(20, 'type', 'ReLU')],
    reasons: { 21: 'a Linear layer needs a flat input, got 16×1×1; put Flatten or GAP before it' },
  },
  {
    name: 'a convolution after Flatten',
    edits: [text(19, 'type', 'Flatten'), text(20, 'type', 'Conv2d'), number(20, 'filters', 4), number(20, 'kernel', 1)],
    reasons: { 20: 'needs a channels × height × width input, but its input is already flat (400 features)' },
  },
  { name: 'a size of zero', edits: [number(6, 'size', 0)], reasons: { 6: 'size must be a whole number from 1 to 28' } },
  { name: 'an unknown type', edits: [text(1, 'type', 'Conv3d')], reasons: { 1: `unknown type "Conv3d"; use one of ${TYPE_NAMES}` } },
  { name: 'a missing kernel', edits: [clear(0, 'kernel')], reasons: { 0: 'kernel must be a whole number from 1 to 28' } },
  { name: 'a dropout rate of 1.5', edits: [number(7, 'rate', 1.5)], reasons: { 7: 'rate must be a number from 0 up to (not including) 1' } },
  { name: 'padding "same" with an even kernel', edits: [number(3, 'kernel', 4), text(3, 'padding', 'same')], reasons: { 3: 'padding "same" needs an odd kernel, got 4' } },
  { name: 'a bias that is neither TRUE nor FALSE', edits: [text(21, 'bias', 'yes')], reasons: { 21: 'bias must be TRUE or FALSE' } },
  {
    name: 'several bad rows at once',
    edits: [clear(0, 'kernel'), text(9, 'type', 'Conv3d'), number(11, 'rate', -0.5), number(15, 'filters', 2.5)],
    reasons: {
      0: 'kernel must be a whole number from 1 to 28',
      9: `unknown type "Conv3d"; use one of ${TYPE_NAMES}`,
      11: 'rate must be a number from 0 up to (not including) 1',
      15: 'filters must be a whole number from 1 to 1,024',
    },
  },
  // The sheet accepts what the parser accepts: names in any case, the spec's own words and aliases.
  { name: 'types written as the parser also accepts them', edits: [text(1, 'type', ' relu '), text(21, 'type', 'dense'), text(2, 'type', 'batchnorm1d')], reasons: {} },
];

const skip = !hasLibreOffice();
let dir = '';
let randomGrids: DesignCell[][][] = [];
let zooGrids: DesignCell[][][] = [];
let impossibleGrids: DesignCell[][][] = [];
let impossiblePaths: string[] = [];

beforeAll(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-designer-'));
  const randomPaths = RANDOM_DESIGNS.map((_, i) => join(dir, `random-${i}.xlsx`));
  const zooPaths = MODEL_ZOO.map((model) => join(dir, `${model.id}.xlsx`));
  impossiblePaths = IMPOSSIBLE.map((_, i) => join(dir, `impossible-${i}.xlsx`));
  await Promise.all([
    ...RANDOM_DESIGNS.map((spec, i) => writeDesigner(randomPaths[i]!, spec, { fromScratch: true })),
    ...MODEL_ZOO.map((spec, i) => writeDesigner(zooPaths[i]!, spec, { fromScratch: true })),
  ]);
  for (const [i, impossible] of IMPOSSIBLE.entries()) {
    await writeDesigner(impossiblePaths[i]!, BASE);
    for (const edit of impossible.edits) await edit(impossiblePaths[i]!);
  }
  const started = performance.now();
  const grids = await recalculateAll([...randomPaths, ...zooPaths, ...impossiblePaths], join(dir, 'recalculated'));
  console.log(`LibreOffice recalculated ${grids.length} designer workbooks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  randomGrids = grids.slice(0, randomPaths.length);
  zooGrids = grids.slice(randomPaths.length, randomPaths.length + zooPaths.length);
  impossibleGrids = grids.slice(randomPaths.length + zooPaths.length);
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every row's Out C/H/W, Params and RF, and the total, as LibreOffice computed them, against shared's summary. */
function expectSummary(spec: ModelSpec, grid: DesignCell[][]): void {
  const g = designerGeometry(spec.layers.length);
  const cell = (layerIndex: number, key: DesignerColumnKey) => grid[g.firstLayerRow + layerIndex]?.[designerColumn(key)];
  const summary = summarizeModel(spec);
  for (const row of summary.rows) {
    const [c, h = 1, w = 1] = row.outputShape;
    const keys = ['outC', 'outH', 'outW', 'params', 'rf', 'check'] as const;
    expect(Object.fromEntries(keys.map((key) => [key, cell(row.layerIndex, key)])), `${spec.id}, ${row.name}`).toEqual({
      outC: c,
      outH: h,
      outW: w,
      params: row.params,
      rf: row.receptiveField,
      check: '',
    });
  }
  expect(grid[g.summaryRows.totalParams]?.[g.valueCol], `${spec.id}: total`).toBe(summary.totalParams);
}

/** Every formula cell as LibreOffice computed it, against the result the plan predicts. */
function expectPredictions(spec: ModelSpec, grid: DesignCell[][]): void {
  for (const block of designerPlan(spec).sheets[0]!.blocks) {
    block.rows.forEach((cells, r) =>
      cells.forEach((cell, c) => {
        if (cell && 'formula' in cell) {
          const row = block.origin.row + r;
          const col = block.origin.col + c;
          expect(grid[row]?.[col], `${spec.id}: row ${row + 1}, column ${col + 1}: ${(cell as FormulaCell).formula.slice(0, 60)}`).toEqual(cell.result);
        }
      }),
    );
  }
}

describe.skipIf(skip)('the designer sheet in LibreOffice', () => {
  it('computes, for 200 random designs, every row’s shape, params and RF, and the total, as shared’s summary does', () => {
    expect(randomGrids).toHaveLength(RANDOM_DESIGNS.length);
    RANDOM_DESIGNS.forEach((spec, i) => expectSummary(spec, randomGrids[i]!));
    // Every layer type, and the ways the random designs vary, are covered.
    const layers = RANDOM_DESIGNS.flatMap((spec) => spec.layers);
    expect(new Set(layers.map((layer) => layer.type)).size).toBe(9);
    expect(layers.some((layer) => layer.type === 'conv2d' && (layer.stride ?? 1) > 1 && (layer.padding ?? 0) > 0)).toBe(true);
  });

  it('computes every formula cell as the plan predicts it, the working and the targets included', () => {
    RANDOM_DESIGNS.forEach((spec, i) => expectPredictions(spec, randomGrids[i]!));
  });

  it('agrees with shared’s summary for every zoo model, targets included', () => {
    MODEL_ZOO.forEach((spec, i) => {
      expectSummary(spec, zooGrids[i]!);
      expectPredictions(spec, zooGrids[i]!);
    });
  });

  describe('says in the Check column why an impossible row cannot work', () => {
    IMPOSSIBLE.forEach((impossible, i) => {
      it(impossible.name, async () => {
        const grid = impossibleGrids[i]!;
        const g = designerGeometry(N);
        const checks = Array.from({ length: N }, (_, layer) => grid[g.firstLayerRow + layer]?.[designerColumn('check')]);
        const reasonRows = Object.keys(impossible.reasons).map(Number);
        const firstBad = Math.min(...reasonRows);
        checks.forEach((check, layer) => {
          // Rows above the first bad one work; rows below it wait for it, unless they are bad themselves.
          const expected = impossible.reasons[layer] ?? (layer < firstBad ? '' : 'fix the rows above first');
          expect(check, `layer ${layer}`).toBe(expected);
        });
        const valueOf = (row: number) => grid[row]?.[g.valueCol];
        expect(valueOf(g.targetRows.works)).toBe(reasonRows.length === 0);
        expect(valueOf(g.summaryRows.rowsToFix)).toBe(checks.filter((check) => check !== '').length);
        // Reading the design back names the same rows.
        if (reasonRows.length === 0) {
          await expect(loadModelFile(impossiblePaths[i]!)).resolves.toMatchObject({ layers: expect.any(Array) });
        } else {
          const error = await loadModelFile(impossiblePaths[i]!).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(GradSheetError);
          const named = ((error as GradSheetError).details?.problems as string[]).map((problem) => Number(/^Row (\d+)/.exec(problem)?.[1]) - FIRST_ROW);
          expect(named).toEqual(reasonRows);
        }
      });
    });
  });
});
