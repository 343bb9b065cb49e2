import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { randomDesign } from '../models/random-designs.js';
import type { ModelSpec } from '../models/spec.js';
import { MODEL_ZOO, getModel } from '../models/zoo.js';
import { seededRandom } from '../random.js';
import { designerGeometry, designerPlan } from './designer-plan.js';
import { designerColumn, type DesignerColumnKey } from './layout.js';
import { designFromGrid, findDesignTable, type DesignCell } from './read-design.js';
import { sheetValues } from './sheet-values.js';

function gridOf(spec?: ModelSpec): DesignCell[][] {
  return sheetValues(designerPlan(spec).sheets[0]!);
}

/** Sets the cell of `key` in the layer row `layerIndex` (from 0), as a learner typing into it. */
function edit(grid: DesignCell[][], layers: number, layerIndex: number, key: DesignerColumnKey, value: DesignCell): void {
  const row = grid[designerGeometry(layers).firstLayerRow + layerIndex]!;
  row[designerColumn(key)] = value;
}

/** The sentences a refused grid gets. */
function problemsOf(grid: DesignCell[][]): string[] {
  try {
    designFromGrid(grid);
  } catch (error) {
    expect(error).toBeInstanceOf(GradSheetError);
    expect((error as GradSheetError).code).toBe('INVALID_MODEL');
    return (error as GradSheetError).details?.problems as string[];
  }
  throw new Error('the grid was accepted');
}

describe('designFromGrid', () => {
  it('reads back every zoo model and 200 random designs exactly', () => {
    const random = seededRandom(5);
    for (const spec of [...MODEL_ZOO, ...Array.from({ length: 200 }, () => randomDesign(random))]) {
      expect(designFromGrid(gridOf(spec)).layers, spec.id).toEqual(spec.layers);
    }
  });

  it('reads the input cells only, never the formulas’ results', () => {
    const spec = getModel('seed-11154');
    const grid = gridOf(spec);
    const g = designerGeometry(spec.layers.length);
    for (let row = g.firstLayerRow; row <= g.lastLayerRow; row++) {
      for (const key of ['outC', 'outH', 'outW', 'params', 'rf', 'check', 'code'] as const) grid[row]![designerColumn(key)] = 'stale';
    }
    expect(designFromGrid(grid).layers).toEqual(spec.layers);
  });

  it('adds a layer typed into a blank row, skips blank rows, and ignores the fields a type does not use', () => {
    const spec = getModel('seed-18050');
    const n = spec.layers.length;
    const grid = gridOf(spec);
    // The last layer moves two rows down, a ReLU gets a stray kernel, and a Linear is added below.
    for (const key of ['type', 'units'] as const) {
      edit(grid, n, n + 1, key, grid[designerGeometry(n).firstLayerRow + n - 1]![designerColumn(key)]!);
      edit(grid, n, n - 1, key, '');
    }
    edit(grid, n, 3, 'kernel', 5);
    edit(grid, n, n + 1, 'units', 16);
    edit(grid, n, n + 2, 'type', ' linear ');
    edit(grid, n, n + 2, 'units', 10);
    edit(grid, n, n + 2, 'bias', 'FALSE');
    const read = designFromGrid(grid);
    expect(read.layers).toEqual([...spec.layers.slice(0, -1), { type: 'dense', units: 16 }, { type: 'dense', units: 10, bias: false }]);
  });

  it('names every bad row as Excel numbers it, one sentence each', () => {
    const spec = getModel('seed-11154');
    const n = spec.layers.length;
    const grid = gridOf(spec);
    const first = designerGeometry(n).firstLayerRow + 1;
    edit(grid, n, 0, 'kernel', '');
    edit(grid, n, 3, 'filters', 2.5);
    edit(grid, n, 7, 'rate', 1);
    edit(grid, n, 9, 'type', 'Conv3d');
    edit(grid, n, 12, 'padding', 'same');
    edit(grid, n, 12, 'kernel', 4);
    edit(grid, n, 21, 'bias', 'yes');
    edit(grid, n, 19, 'size', 0);
    edit(grid, n, 15, 'kernel', '=2*2');
    expect(problemsOf(grid)).toEqual([
      `Row ${first} (Conv2d): kernel must be a whole number from 1 to 28, got nothing`,
      `Row ${first + 3} (Conv2d): filters must be a whole number from 1 to 1,024, got 2.5`,
      `Row ${first + 7} (Dropout): rate must be a number from 0 up to (not including) 1, got 1`,
      `Row ${first + 9}: unknown type "Conv3d"; use one of Conv2d, BatchNorm2d, ReLU, Dropout, MaxPool2d, AvgPool2d, GAP, Flatten, Linear`,
      `Row ${first + 12} (Conv2d): padding "same" needs an odd kernel, got 4`,
      `Row ${first + 15} (Conv2d): kernel must be a whole number from 1 to 28, got "=2*2"`,
      `Row ${first + 19} (AvgPool2d): size must be a whole number from 1 to 28, got 0`,
      `Row ${first + 21} (Linear): bias must be true or false, got "yes"`,
    ]);
    expect(() => designFromGrid(grid)).toThrow(/^Row 7 \(Conv2d\): kernel .*; Row 10 \(Conv2d\): filters/);
  });

  it('names the row whose layer does not fit what it receives', () => {
    const spec = getModel('seed-11154');
    const n = spec.layers.length;
    const grid = gridOf(spec);
    edit(grid, n, 20, 'type', 'ReLU'); // the Flatten before the Linear
    expect(problemsOf(grid)).toEqual([
      `Row ${designerGeometry(n).firstLayerRow + 22} (Linear): a dense layer needs a flat input, got 16×1×1; put a flatten or gap layer before it`,
    ]);
    const big = gridOf(spec);
    edit(big, n, 0, 'kernel', 28);
    expect(problemsOf(big)[0]).toMatch(/^Row 10 \(Conv2d\): kernel 3 with padding 0 does not fit an input of 1/);
  });

  it('says what is wrong with a design that does not end in the 10 classes, or has no layers', () => {
    const spec = getModel('seed-11154');
    const grid = gridOf(spec);
    edit(grid, spec.layers.length, spec.layers.length - 1, 'units', 12);
    expect(problemsOf(grid)).toEqual(['The model ends with a 12 output per image, but it must end with 10 class scores']);
    expect(problemsOf(gridOf())).toEqual(['The design has no layers: choose a Type in at least one row']);
  });

  it('finds the table by its labels wherever the grid starts, and numbers rows from the grid’s first row', () => {
    const spec = getModel('gradsheet-7774');
    const shifted = gridOf(spec)
      .slice(2)
      .map((cells) => ['', ...cells]);
    const table = findDesignTable(shifted);
    expect(table?.columns.type).toBe(designerColumn('type') + 1);
    expect(designFromGrid(shifted, { firstRow: 3 }).layers).toEqual(spec.layers);
    // The first layer's row is now the grid's row 4, the sheet's row 7.
    shifted[4]![designerColumn('type') + 1] = 'Conv9';
    expect(() => designFromGrid(shifted, { firstRow: 3 })).toThrow(/^Row 7: unknown type "Conv9"/);
  });

  it('refuses a grid without a designer table, and takes the id and title it is given', () => {
    expect(() => designFromGrid([['Step', 'w1'], [0, 0.15]])).toThrow(/No designer table: no row holds the labels Layer, Type, Filters/);
    const read = designFromGrid(gridOf(getModel('seed-18050')), { id: 'my-design', title: 'Mine' });
    expect([read.id, read.title]).toEqual(['my-design', 'Mine']);
  });
});
