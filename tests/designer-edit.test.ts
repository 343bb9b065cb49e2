import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  designerColumn,
  designerGeometry,
  getModel,
  summarizeModel,
  type DesignCell,
  type LayerSpec,
  type ModelSpec,
} from '@gradsheet/shared';
import { loadModelFile } from '@gradsheet/server';
import { gradsheet } from './support/cli.js';
import { computedGrid, designerAddress, recalculateAll, writeDesigner } from './support/designer-sheets.js';
import { hasLibreOffice } from './support/libreoffice.js';
import { setCellNumber, setCellText } from './support/xlsx-edit.js';

/**
 * A learner's edit of a written designer workbook: the first convolution gets more
 * filters and a smaller kernel, and a MaxPool2d becomes an AvgPool2d. The file keeps
 * the results cached for the design before the edit, as a file edited outside a
 * spreadsheet would; LibreOffice recalculates it, and GradSheet reads the edited
 * design from its input cells.
 */

const BASE = getModel('seed-11154');
const N = BASE.layers.length;
const POOL = BASE.layers.findIndex((layer) => layer.type === 'maxpool');

const EDITED: ModelSpec = {
  ...BASE,
  layers: BASE.layers.map((layer, i): LayerSpec => {
    if (i === 0) return { type: 'conv2d', filters: 8, kernel: 3 };
    if (i === POOL) return { type: 'avgpool', size: 2 };
    return layer;
  }),
};

const skip = !hasLibreOffice();
let dir = '';
let edited = '';
let recalculated: DesignCell[][] = [];
let cached: DesignCell[][] = [];

beforeAll(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-designer-edit-'));
  edited = join(dir, 'my-design.xlsx');
  await writeDesigner(edited, BASE);
  await setCellNumber(edited, 'Model', designerAddress(N, 0, 'filters'), 8);
  await setCellNumber(edited, 'Model', designerAddress(N, 0, 'kernel'), 3);
  await setCellText(edited, 'Model', designerAddress(N, POOL, 'type'), 'AvgPool2d');
  cached = await computedGrid(edited);
  [recalculated = []] = await recalculateAll([edited], join(dir, 'recalculated'));
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('a designer workbook edited as a learner would', () => {
  it('recalculates in LibreOffice to the summary of the edited design, row by row and in total', () => {
    const g = designerGeometry(N);
    const summary = summarizeModel(EDITED);
    expect(summary.totalParams).not.toBe(summarizeModel(BASE).totalParams);
    for (const row of summary.rows) {
      const cells = recalculated[g.firstLayerRow + row.layerIndex] ?? [];
      const [c, h = 1, w = 1] = row.outputShape;
      expect(
        ['outC', 'outH', 'outW', 'params', 'rf', 'check'].map((key) => cells[designerColumn(key as 'outC')]),
        row.name,
      ).toEqual([c, h, w, row.params, row.receptiveField, '']);
    }
    expect(recalculated[g.summaryRows.totalParams]?.[g.valueCol]).toBe(summary.totalParams);
    // The file itself still carries the results of the design before the edit.
    expect(cached[g.summaryRows.totalParams]?.[g.valueCol]).toBe(summarizeModel(BASE).totalParams);
  });

  it('reads back as the edited design from its input cells, not the stale cached results', async () => {
    const spec = await loadModelFile(edited);
    expect(spec.layers).toEqual(EDITED.layers);
    expect(spec.id).toBe('my-design');
    expect(summarizeModel(spec).totalParams).toBe(recalculated[designerGeometry(N).summaryRows.totalParams]?.[designerGeometry(N).valueCol]);
  });

  it('prints the edited design with gradsheet design --export-json', async () => {
    const result = await gradsheet(['design', '--export-json', edited]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ModelSpec).layers).toEqual(EDITED.layers);
  });

  it('gives the same total to gradsheet summary --model-file as the recalculated sheet', async () => {
    const result = await gradsheet(['summary', '--model-file', edited]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const total = recalculated[designerGeometry(N).summaryRows.totalParams]?.[designerGeometry(N).valueCol];
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Total params: ${Number(total).toLocaleString('en-US')}`);
  });
});
