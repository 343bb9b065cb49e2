import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { a1 } from '../workbook/addresses.js';
import type { CellBlock, ColorScaleConditionalFormat, PlanCell, RangeRef, SheetPlan } from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';
import type { ConfusionMatrix, FirstLayerKernels, Mistake } from './analysis.types.js';
import { ANALYSIS_STYLE, ANALYSIS_STYLES, LARGE_PIXEL, SMALL_PIXEL } from './cell-pictures.js';
import { CONFUSION_LAYOUT as C, confusionSheet } from './confusion-sheet.js';
import { kernelMagnification, kernelsLayout, kernelsSheet } from './kernels-sheet.js';
import { MAX_MISTAKES_SHOWN, mistakePanel, mistakesSheet } from './mistakes-sheet.js';
import { TRY_IT, TRY_IT_GRID_ADDRESS, tryItPlan, tryItSheet } from './try-it-sheet.js';

/** Every cell a sheet's blocks write, by "row,col"; a later block wins, as in the writers. */
function cellsOf(sheet: SheetPlan): Map<string, Exclude<PlanCell, null>> {
  const cells = new Map<string, Exclude<PlanCell, null>>();
  sheet.blocks.forEach((b: CellBlock) => b.rows.forEach((row, r) => row.forEach((cell, c) => cell && cells.set(`${b.origin.row + r},${b.origin.col + c}`, cell))));
  return cells;
}

function at(sheet: SheetPlan): (row: number, col: number) => Exclude<PlanCell, null> | undefined {
  const cells = cellsOf(sheet);
  return (row, col) => cells.get(`${row},${col}`);
}

const valueOf = (cell: PlanCell | undefined) => (cell ? ('formula' in cell ? cell.result : cell.value) : undefined);
const inSheet = (sheet: SheetPlan) => validatePlan({ title: 't', styles: ANALYSIS_STYLES, names: [], sheets: [sheet] });

/** MNIST's test set per digit, and a few typical confusions. */
const PER_DIGIT = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
const CONFUSIONS: [number, number, number][] = [[4, 9, 7], [9, 4, 5], [7, 2, 6], [2, 7, 4], [3, 5, 3], [5, 3, 4], [8, 9, 2], [6, 0, 3], [1, 7, 2], [0, 6, 1]];
const confusion: ConfusionMatrix = (() => {
  const counts = PER_DIGIT.map((n, k) => PER_DIGIT.map((_, j) => (j === k ? n : 0)));
  for (const [k, j, n] of CONFUSIONS) {
    counts[k]![j]! += n;
    counts[k]![k]! -= n;
  }
  return { counts, total: PER_DIGIT.reduce((a, b) => a + b, 0) };
})();
const wrong = CONFUSIONS.reduce((s, [, , n]) => s + n, 0);

/** A stroke-like digit: ink where a made-up pattern says, in steps of 1/255 as MNIST's bytes are. */
function pixels(seed: number): number[] {
  return Array.from({ length: 784 }, (_, i) => {
    const y = Math.floor(i / 28);
    const x = i % 28;
    const ink = Math.abs(x - 14 - Math.sin((y + seed) / 4) * 5) < 3 && y > 3 && y < 25;
    return ink ? Math.round(255 * (0.6 + 0.4 * Math.cos(x + seed))) / 255 : 0;
  });
}
const mistakes: Mistake[] = Array.from({ length: 60 }, (_, i) => ({ index: 100 + 37 * i, actual: i % 10, predicted: (i + 3) % 10, probability: 0.99 - i * 0.01, pixels: pixels(i) }));

describe('the Confusion sheet', () => {
  const sheet = confusionSheet(confusion, { formula: 'Epochs!$E$5', result: 1 - wrong / confusion.total });
  const cell = at(sheet);

  it('holds the counts as values, rows the true digit and columns the prediction', () => {
    for (let k = 0; k < 10; k++) {
      expect(valueOf(cell(C.headerRow + 1 + k, 0))).toBe(k);
      expect(valueOf(cell(C.headerRow, C.countsCol + k))).toBe(k);
      for (let j = 0; j < 10; j++) expect(cell(C.firstRow + k, C.countsCol + j)).toMatchObject({ value: confusion.counts[k]![j] });
    }
  });

  it('computes each class’s accuracy and the overall accuracy with live formulas over the counts', () => {
    expect(cell(C.firstRow, C.imagesCol)).toMatchObject({ formula: 'SUM(B5:K5)', result: 980 - 1 + 1 });
    expect(cell(C.firstRow + 4, C.rightCol)).toMatchObject({ formula: 'F9', result: 982 - 7 });
    expect(cell(C.firstRow + 4, C.accuracyCol)).toMatchObject({ formula: 'IF(L9=0,"",M9/L9)', result: (982 - 7) / 982 });
    expect(cell(C.totalsRow, C.imagesCol)).toMatchObject({ formula: 'SUM(L5:L14)', result: 10_000 });
    expect(cell(C.totalsRow, C.rightCol)).toMatchObject({ formula: 'SUM(M5:M14)', result: 10_000 - wrong });
    expect(cell(C.totalsRow, C.accuracyCol)).toMatchObject({ formula: 'M15/L15', result: (10_000 - wrong) / 10_000 });
    // Precision of predicting 9: the right 9s over everything called 9.
    expect(cell(C.precisionRow, C.countsCol + 9)).toMatchObject({ formula: 'IF(K15=0,"",K14/K15)', result: (1009 - 5) / (1009 - 5 + 7 + 2) });
  });

  it('checks the overall accuracy against the recorded one', () => {
    expect(cell(C.recordedRow, 1)).toMatchObject({ formula: 'Epochs!$E$5' });
    expect(cell(C.recordedRow + 1, 1)).toMatchObject({ formula: 'ROUND(N15-B18,9)=0', result: true });
    const off = at(confusionSheet(confusion, { value: 0.5 }));
    expect(off(C.recordedRow + 1, 1)).toMatchObject({ result: false });
    expect(valueOf(at(confusionSheet(confusion))(C.recordedRow, 0))).toMatch(/no test accuracy/);
  });

  it('repeats the counts without the diagonal, and colours both matrices', () => {
    expect(cell(C.mistakesFirstRow + 4, C.countsCol + 9)).toMatchObject({ formula: 'K9', result: 7 });
    expect(cell(C.mistakesFirstRow + 4, C.countsCol + 4)).toMatchObject({ value: '' });
    expect(cell(C.mistakesFirstRow + 4, C.imagesCol)).toMatchObject({ result: 7 });
    const scales = (sheet.conditionalFormats ?? []).filter((f): f is ColorScaleConditionalFormat => f.kind === 'colorScale');
    expect(scales.map((s) => s.range)).toEqual(
      expect.arrayContaining([
        { sheet: 'Confusion', start: { row: C.firstRow, col: 1 }, end: { row: C.firstRow + 9, col: 10 } },
        { sheet: 'Confusion', start: { row: C.mistakesFirstRow, col: 1 }, end: { row: C.mistakesFirstRow + 9, col: 10 } },
      ]),
    );
    expect(() => inSheet(sheet)).not.toThrow();
  });

  it('refuses a matrix that is not 10×10 whole counts adding up to its total', () => {
    expect(() => confusionSheet({ ...confusion, total: 9_999 })).toThrow(GradSheetError);
    expect(() => confusionSheet({ counts: confusion.counts.slice(1), total: 10_000 })).toThrow(/10 rows/);
    expect(() => confusionSheet({ counts: confusion.counts.map((row, k) => (k === 0 ? row.map((n) => n + 0.5) : row)), total: 10_005 })).toThrow(/whole/);
  });
});

describe('the Mistakes sheet', () => {
  const sheet = mistakesSheet(mistakes, wrong);
  const cell = at(sheet);

  it(`draws the first ${MAX_MISTAKES_SHOWN} mistakes, each pixel cell equal to its pixel`, () => {
    for (let i = 0; i < MAX_MISTAKES_SHOWN; i++) {
      const panel = mistakePanel(i);
      const m = mistakes[i]!;
      const drawn = Array.from({ length: 784 }, (_, p) => valueOf(cell(panel.pixels.row + Math.floor(p / 28), panel.pixels.col + (p % 28))));
      expect(drawn).toEqual(m.pixels);
      expect(cell(panel.pixels.row, panel.pixels.col)?.style).toBe(ANALYSIS_STYLE.pixel);
      expect(cell(panel.trueClass.row, panel.trueClass.col)).toMatchObject({ value: m.actual });
      expect(cell(panel.predictedClass.row, panel.predictedClass.col)).toMatchObject({ value: m.predicted });
      expect(cell(panel.probability.row, panel.probability.col)).toMatchObject({ value: m.probability });
      expect(valueOf(cell(panel.caption.row, panel.caption.col))).toBe(`#${i + 1} · test image ${m.index}`);
    }
    const beyond = mistakePanel(MAX_MISTAKES_SHOWN);
    expect(cell(beyond.pixels.row, beyond.pixels.col)).toBeUndefined();
    expect(valueOf(cell(1, 0))).toMatch(new RegExp(`The ${MAX_MISTAKES_SHOWN} most confident of ${wrong} mistakes`));
  });

  it('hides the numbers behind a white-to-black scale over 0..1, in square cells', () => {
    expect(ANALYSIS_STYLES[ANALYSIS_STYLE.pixel]?.numberFormat).toBe(';;;');
    const scales = sheet.conditionalFormats ?? [];
    expect(scales).toHaveLength(MAX_MISTAKES_SHOWN / 6);
    expect(scales[0]).toMatchObject({ kind: 'colorScale', min: { value: 0, color: 'FFFFFF' }, max: { value: 1, color: '000000' } });
    // The scale covers the pixel rows only, never the labels (a class 7 would turn black).
    const first = scales[0]!.range;
    expect(first.start.row).toBe(mistakePanel(0).pixels.row);
    expect(first.end.row).toBe(mistakePanel(0).pixels.row + 27);
    expect(sheet.columnWidths?.every((w) => w.width === SMALL_PIXEL.columnWidth)).toBe(true);
    expect(sheet.columnWidths).toHaveLength(6 * 29);
    expect(sheet.rowHeights).toHaveLength(8 * 28);
    expect(sheet.rowHeights?.map((h) => h.row)).toContain(mistakePanel(47).pixels.row + 27);
    expect(sheet.rowHeights?.map((h) => h.row)).not.toContain(mistakePanel(0).trueClass.row);
  });

  it('merges each label across its part of the digit’s width', () => {
    expect(sheet.merges).toHaveLength(3 * MAX_MISTAKES_SHOWN);
    expect(sheet.merges?.[0]).toEqual({ sheet: 'Mistakes', start: mistakePanel(0).trueClass, end: { row: mistakePanel(0).trueClass.row, col: 8 } });
    expect(() => inSheet(sheet)).not.toThrow();
  });

  it('draws as many as it is given, says when there are none, and refuses a digit of the wrong size', () => {
    expect(cellsOf(mistakesSheet(mistakes.slice(0, 24))).size).toBe(2 + 24 * (784 + 4));
    expect(valueOf(at(mistakesSheet([]))(1, 0))).toMatch(/every test image right/);
    expect(() => mistakesSheet([{ ...mistakes[0]!, pixels: [0.5] }])).toThrow(/1 pixels/);
  });
});

describe('the Kernels sheet', () => {
  const filters = 8;
  const kernels: FirstLayerKernels = {
    layerIndex: 0,
    kernelSize: 3,
    weights: Array.from({ length: filters }, (_, f) => Array.from({ length: 9 }, (_, i) => Math.sin(f * 9 + i) * 0.4)),
    digits: [
      {
        index: 7,
        actual: 9,
        pixels: pixels(3),
        maps: Array.from({ length: filters }, (_, f) => ({ height: 26, width: 26, values: Array.from({ length: 676 }, (_, i) => Math.cos(f + i / 50) * (f + 1)) })),
      },
    ],
  };
  const sheet = kernelsSheet(kernels);
  const cell = at(sheet);
  const layout = kernelsLayout(kernels);

  it('draws each weight as a square of cells that all hold it, its number shown across the square', () => {
    expect(kernelMagnification(3)).toBe(4);
    expect(kernelMagnification(5)).toBe(4);
    expect(kernelMagnification(28)).toBe(1);
    for (let f = 0; f < filters; f++) {
      const { kernel, caption } = layout.panel(f + 1);
      expect(valueOf(cell(caption.row, caption.col))).toBe(`Filter ${f + 1}`);
      for (let i = 0; i < 9; i++) {
        const shown = layout.weight(kernel, i);
        expect(shown).toEqual({ row: kernel.row + 4 * Math.floor(i / 3) + 1, col: kernel.col + 4 * (i % 3) });
        expect(cell(shown.row, shown.col)).toMatchObject({ value: kernels.weights[f]![i], style: ANALYSIS_STYLE.weight });
        // The square's other rows refer to it; its own row is merged.
        for (const [dr, dc] of [[-1, 0], [2, 3], [1, 2]] as const) {
          expect(cell(shown.row + dr, shown.col + dc)).toMatchObject({ result: kernels.weights[f]![i], style: ANALYSIS_STYLE.pixel });
        }
        expect(cell(shown.row - 1, shown.col)).toMatchObject({ formula: a1(shown, { row: true, col: true }) });
        expect(cell(shown.row, shown.col + 1)).toBeUndefined();
      }
    }
    expect(sheet.merges).toHaveLength(filters * 9);
    const first = layout.weight(layout.panel(1).kernel, 0);
    expect(sheet.merges?.[0]).toEqual({ sheet: 'Kernels', start: first, end: { row: first.row, col: first.col + 3 } });
  });

  it('draws the digit and each feature map in cells, every value in place', () => {
    const { pixels: origin } = layout.panel(0);
    expect(Array.from({ length: 784 }, (_, p) => valueOf(cell(origin.row + Math.floor(p / 28), origin.col + (p % 28))))).toEqual(kernels.digits[0]!.pixels);
    for (let f = 0; f < filters; f++) {
      const { map } = layout.panel(f + 1);
      const drawn = Array.from({ length: 676 }, (_, p) => valueOf(cell(map.row + Math.floor(p / 26), map.col + (p % 26))));
      expect(drawn).toEqual(kernels.digits[0]!.maps[f]!.values);
    }
  });

  it('colours each kernel and each map blue–white–red on its own scale, symmetric around 0', () => {
    const scales = (sheet.conditionalFormats ?? []) as ColorScaleConditionalFormat[];
    expect(scales).toHaveLength(1 + 2 * filters);
    const kernelScales = scales.filter((s) => s.range.end.row - s.range.start.row === 11);
    const mapScales = scales.filter((s) => s.range.end.row - s.range.start.row === 25);
    expect(kernelScales).toHaveLength(filters);
    expect(mapScales).toHaveLength(filters);
    for (let f = 0; f < filters; f++) {
      const weightLimit = Math.max(...kernels.weights[f]!.map(Math.abs));
      expect(kernelScales[f]).toMatchObject({ range: { start: layout.panel(f + 1).kernel }, min: { value: -weightLimit, color: '2166AC' }, mid: { value: 0, color: 'FFFFFF' }, max: { value: weightLimit, color: 'B2182B' } });
      const mapLimit = Math.max(...kernels.digits[0]!.maps[f]!.values.map(Math.abs));
      expect(mapScales[f]).toMatchObject({ range: { start: layout.panel(f + 1).map }, min: { value: -mapLimit }, mid: { value: 0 }, max: { value: mapLimit } });
    }
    expect(() => inSheet(sheet)).not.toThrow();
  });

  it('makes every row of a band square but its caption, in four panels to a band', () => {
    const rows = new Set(sheet.rowHeights?.map((h) => h.row));
    expect(rows.has(layout.panel(0).caption.row)).toBe(false);
    expect(rows.has(layout.panel(4).caption.row)).toBe(false);
    expect(rows.has(layout.panel(4).map.row + 25)).toBe(true);
    expect(layout.panel(4).caption.row).toBe(layout.panel(0).caption.row + layout.bandHeight);
    expect(sheet.rowHeights?.every((h) => h.height === SMALL_PIXEL.rowHeight)).toBe(true);
  });

  it('refuses kernels whose shapes disagree', () => {
    expect(() => kernelsSheet({ ...kernels, weights: [[1, 2]] })).toThrow(/2 weights/);
    expect(() => kernelsSheet({ ...kernels, digits: [{ ...kernels.digits[0]!, maps: [] }] })).toThrow(/0 feature maps/);
    // Without a digit, the kernels alone.
    const alone = kernelsSheet({ ...kernels, digits: [] });
    expect((alone.conditionalFormats ?? []).length).toBe(filters);
  });
});

describe('the Try it sheet', () => {
  const sheet = tryItSheet();
  const cell = at(sheet);
  const range = (r: RangeRef) => r;

  it('leaves a 28×28 grid of blank, open cells, drawn by the same 0..1 scale, at the exported address', () => {
    expect(TRY_IT.grid).toEqual({ sheet: 'Try it', start: { row: 4, col: 0 }, end: { row: 31, col: 27 } });
    expect(TRY_IT_GRID_ADDRESS).toBe("'Try it'!$A$5:$AB$32");
    const grid = sheet.blocks.find((b) => b.origin.row === 4 && b.origin.col === 0)!;
    expect(grid.rows).toHaveLength(28);
    expect(grid.rows.every((row) => row.length === 28 && row.every((c) => c === null))).toBe(true);
    expect(grid.columnStyles).toHaveLength(28);
    expect(ANALYSIS_STYLES[grid.columnStyles![0]!]).toMatchObject({ locked: false });
    expect(sheet.conditionalFormats).toEqual([{ kind: 'colorScale', range: range(TRY_IT.grid), min: { value: 0, color: 'FFFFFF' }, max: { value: 1, color: '000000' } }]);
    expect(sheet.protect).toBe(true);
    expect(sheet.rowHeights?.every((h) => h.height === LARGE_PIXEL.rowHeight)).toBe(true);
  });

  it('has ten open probability cells, the digit they pick, and a bar chart of them', () => {
    const probabilities = sheet.blocks.find((b) => b.origin.row === TRY_IT.probabilities.start.row && b.origin.col === TRY_IT.probabilities.start.col)!;
    expect(probabilities.rows).toHaveLength(10);
    expect(ANALYSIS_STYLES[probabilities.columnStyles![0]!]).toMatchObject({ locked: false });
    for (let d = 0; d < 10; d++) expect(valueOf(cell(TRY_IT.probabilities.start.row + d, TRY_IT.probabilities.start.col - 1))).toBe(d);
    expect(cell(TRY_IT.predicted.start.row, TRY_IT.predicted.start.col)).toMatchObject({ formula: 'IF(COUNT($AF$6:$AF$15)=0,"",MATCH(MAX($AF$6:$AF$15),$AF$6:$AF$15,0)-1)' });
    const [chart] = sheet.charts;
    expect(chart).toMatchObject({ kind: 'bar', series: [{ values: TRY_IT.probabilities }] });
    expect(chart?.categories).toEqual({ sheet: 'Try it', start: { row: 5, col: 30 }, end: { row: 14, col: 30 } });
    expect(() => tryItPlan()).not.toThrow();
  });
});
