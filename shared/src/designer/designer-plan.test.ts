import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { LAYER_TYPES } from '../models/layer-types.js';
import { DESIGN_LIMITS, parseModelSpec } from '../models/parse-spec.js';
import { randomDesign } from '../models/random-designs.js';
import type { LayerSpec, ModelSpec } from '../models/spec.js';
import { summarizeModel } from '../models/summary.js';
import { MODEL_ZOO, getModel } from '../models/zoo.js';
import { seededRandom } from '../random.js';
import type { FormulaCell, SheetPlan } from '../workbook/plan.js';
import { designerGeometry, designerPlan, DESIGNER_TARGETS } from './designer-plan.js';
import { designerColumn, DESIGNER_LABELS, DESIGNER_SHEET, type DesignerColumnKey } from './layout.js';
import { sheetValues } from './sheet-values.js';

function modelSheet(spec?: ModelSpec): SheetPlan {
  const sheet = designerPlan(spec).sheets[0];
  expect(sheet?.name).toBe(DESIGNER_SHEET);
  return sheet as SheetPlan;
}

const randomDesigns = (() => {
  const random = seededRandom(12);
  return Array.from({ length: 200 }, () => randomDesign(random));
})();

/** Every formula of the sheet, in A1 notation as written. */
function formulasOf(sheet: SheetPlan): string[] {
  return sheet.blocks.flatMap((block) => block.rows.flat().filter((cell): cell is FormulaCell => cell !== null && 'formula' in cell).map((cell) => cell.formula));
}

describe('designerPlan', () => {
  it('labels the columns as other checks find them, and puts Total params beside its value', () => {
    const spec = getModel('seed-18050');
    const grid = sheetValues(modelSheet(spec));
    const g = designerGeometry(spec.layers.length);
    const header = grid[g.headerRow] ?? [];
    for (const label of ['Layer', 'Type', 'Out C', 'Out H', 'Out W', 'Params', 'RF', 'Jump', 'Check', 'Filters', 'Kernel', 'Stride', 'Padding', 'Rate', 'Size', 'Units', 'Bias']) {
      expect(header).toContain(label);
    }
    const totalRow = grid.findIndex((cells) => cells.includes(DESIGNER_LABELS.totalParams));
    const cells = grid[totalRow] ?? [];
    expect(cells[cells.indexOf(DESIGNER_LABELS.totalParams) + 1]).toBe(18050);
    // The image's row, then one row per layer.
    expect(grid[g.inputRow]?.slice(designerColumn('outC'), designerColumn('outW') + 1)).toEqual([1, 28, 28]);
    expect(grid[g.firstLayerRow]?.[designerColumn('type')]).toBe('Conv2d');
  });

  it('predicts, in every formula cell, what shared’s summary says: each layer’s shape, params and RF, and the total', () => {
    for (const spec of [...MODEL_ZOO, ...randomDesigns]) {
      const grid = sheetValues(modelSheet(spec));
      const g = designerGeometry(spec.layers.length);
      const at = (layerIndex: number, key: DesignerColumnKey) => grid[g.firstLayerRow + layerIndex]?.[designerColumn(key)];
      const summary = summarizeModel(spec);
      for (const row of summary.rows) {
        const [c, h = 1, w = 1] = row.outputShape;
        expect([at(row.layerIndex, 'outC'), at(row.layerIndex, 'outH'), at(row.layerIndex, 'outW')], `${spec.id} ${row.name}`).toEqual([c, h, w]);
        expect(at(row.layerIndex, 'params')).toBe(row.params);
        expect(at(row.layerIndex, 'rf')).toBe(row.receptiveField);
        expect(at(row.layerIndex, 'check')).toBe('');
      }
      expect(grid[g.summaryRows.totalParams]?.[g.valueCol]).toBe(summary.totalParams);
      expect(grid[g.targetRows.classes]?.[g.valueCol]).toBe(true);
      expect(grid[g.targetRows.works]?.[g.valueCol]).toBe(true);
    }
  });

  it('shows the course’s targets for the seed the course iterates on', () => {
    const spec = getModel('seed-18050');
    const grid = sheetValues(modelSheet(spec));
    const g = designerGeometry(spec.layers.length);
    const met = Object.fromEntries((Object.keys(DESIGNER_TARGETS) as (keyof typeof DESIGNER_TARGETS)[]).map((key) => [key, grid[g.targetRows[key]]?.[g.valueCol]]));
    expect(met).toEqual({ works: true, classes: true, under20k: true, under8k: false, batchnorm: true, dropout: true, gap: true, linear: true, limits: true });
    expect(grid[g.summaryRows.beforeClassifier]?.[g.valueCol]).toBe('40');
    expect(grid[g.summaryRows.output]?.[g.valueCol]).toBe('10');
  });

  it('writes a blank sheet of spare rows that hand the image on', () => {
    const sheet = modelSheet();
    const grid = sheetValues(sheet);
    const g = designerGeometry(0);
    expect(g.layerRows).toBe(32);
    for (let row = g.firstLayerRow; row <= g.lastLayerRow; row++) {
      expect(grid[row]?.[designerColumn('type')]).toBeNull();
      expect(grid[row]?.slice(designerColumn('outC'), designerColumn('outW') + 1)).toEqual([1, 28, 28]);
    }
    expect(grid[g.summaryRows.totalParams]?.[g.valueCol]).toBe(0);
    expect(grid[g.targetRows.classes]?.[g.valueCol]).toBe(false);
  });

  it('offers a dozen spare rows, and never more rows than a design may have layers', () => {
    expect(designerGeometry(30).layerRows).toBe(42);
    expect(designerGeometry(60).layerRows).toBe(DESIGN_LIMITS.maxLayers);
  });

  it('lets a learner edit only the Type and field cells, with a drop-down of the layer types', () => {
    const sheet = modelSheet(getModel('gradsheet-7774'));
    const g = designerGeometry(getModel('gradsheet-7774').layers.length);
    expect(sheet.protect).toBe(true);
    const table = sheet.blocks.find((block) => block.origin.row === g.firstLayerRow);
    const inputCols = ['type', 'filters', 'kernel', 'stride', 'padding', 'rate', 'size', 'units', 'bias'].map((key) => designerColumn(key as DesignerColumnKey));
    table?.columnStyles?.forEach((style, col) => expect(style === 'input', `column ${col}`).toBe(inputCols.includes(col)));
    expect(designerPlan().styles.input?.locked).toBe(false);
    const typeList = sheet.validations?.find((v) => v.range.start.col === designerColumn('type'));
    expect(typeList?.values).toEqual(LAYER_TYPES.map((entry) => entry.name));
    expect(typeList?.range.start.row).toBe(g.firstLayerRow);
    expect(typeList?.range.end.row).toBe(g.lastLayerRow);
    // One greying rule per field, one for Check, one for blank rows, two for the targets.
    expect(sheet.conditionalFormats).toHaveLength(8 + 4);
  });

  it('uses only functions that Excel since 2007 and LibreOffice both compute', () => {
    const allowed = new Set(['IF', 'AND', 'OR', 'NOT', 'INT', 'MOD', 'MAX', 'SUM', 'SUMPRODUCT', 'COUNTIF', 'TRIM', 'LOWER', 'UPPER', 'MATCH', 'INDEX', 'ISNUMBER', 'TRUE', 'FALSE']);
    const used = new Set(formulasOf(modelSheet(getModel('seed-19698'))).flatMap((f) => [...f.replace(/"(?:[^"]|"")*"/g, '').matchAll(/([A-Z][A-Z0-9.]*)\(/g)].map((m) => m[1] as string)));
    expect([...used].filter((name) => !allowed.has(name))).toEqual([]);
    for (const formula of formulasOf(modelSheet(getModel('seed-19698')))) expect(formula.length).toBeLessThan(8192);
  });

  it('refuses a start the design parser refuses, naming the layer', () => {
    const bad: ModelSpec = { ...getModel('seed-11154'), layers: [{ type: 'conv2d', filters: 4, kernel: 30 } as LayerSpec, { type: 'flatten' }, { type: 'dense', units: 10 }] };
    expect(() => designerPlan(bad)).toThrow(GradSheetError);
    expect(() => designerPlan(bad)).toThrow(/layer 1 \(Conv2d\): kernel/);
  });

  it('holds any valid design, written as the parser normalises it', () => {
    const spec = parseModelSpec({ layers: [{ type: 'Conv2d', filters: 10, kernel: 3, padding: 'same', bias: false }, { type: 'GAP' }, { type: 'Linear', units: 10 }] });
    const grid = sheetValues(modelSheet(spec));
    const row = grid[designerGeometry(3).firstLayerRow] ?? [];
    expect([row[designerColumn('type')], row[designerColumn('padding')], row[designerColumn('bias')], row[designerColumn('params')]]).toEqual(['Conv2d', 1, false, 90]);
  });
});
