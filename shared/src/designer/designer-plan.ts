import { LAYER_FIELDS, LAYER_TYPES, layerTypeName, type LayerField } from '../models/layer-types.js';
import { activationsPerImage, DESIGN_CLASSES, DESIGN_INPUT, DESIGN_LIMITS, parseModelSpec } from '../models/parse-spec.js';
import type { LayerSpec, ModelSpec } from '../models/spec.js';
import { summarizeModel } from '../models/summary.js';
import { a1, columnLetters } from '../workbook/addresses.js';
import type {
  CellBlock,
  CellStyle,
  ConditionalFormatPlan,
  ListValidationPlan,
  PlanCell,
  RangeRef,
  SheetPlan,
  WorkbookPlan,
} from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';
import {
  layerTypeCodesUsing,
  designerColumn,
  DESIGNER_COLUMNS,
  DESIGNER_LABELS,
  DESIGNER_ROWS,
  DESIGNER_SHEET,
  FIRST_WORKING_COLUMN,
  DESIGNER_FORM,
  layerRowCount,
  type DesignerColumnKey,
} from './layout.js';
import { predictRows, shapeText, type PredictedRow } from './predict.js';
import { ROW_FORMULA_KEYS, rowFormulas, shapeTextFormula } from './row-formulas.js';

/**
 * The designer workbook: one sheet, Model, on which a learner designs a CNN for MNIST
 * as rows of layers, and live formulas compute what torchsummary and the course
 * compute: each layer's output shape, parameters, receptive field and jump, why a
 * row cannot work, the total, and the course's targets in green or red.
 */

const S = {
  title: 'title',
  note: 'note',
  header: 'header',
  workingHeader: 'workingHeader',
  caption: 'caption',
  layerNo: 'layerNo',
  input: 'input',
  image: 'image',
  result: 'result',
  params: 'params',
  check: 'check',
  working: 'working',
  label: 'label',
  value: 'value',
  total: 'total',
  target: 'target',
  heading: 'heading',
} as const;

export const DESIGNER_STYLES: Readonly<Record<string, CellStyle>> = {
  [S.title]: { bold: true, fontSize: 14 },
  [S.note]: { italic: true, fontColor: '595959' },
  [S.header]: { bold: true, fill: 'D9E1F2', border: 'thin', horizontal: 'center' },
  [S.workingHeader]: { bold: true, italic: true, fill: 'EDEDED', fontColor: '595959', border: 'thin', horizontal: 'center' },
  [S.caption]: { italic: true, fontColor: '808080' },
  [S.layerNo]: { fontColor: '595959', border: 'thin', horizontal: 'center' },
  [S.input]: { fill: 'FFCC99', fontColor: '3F3F76', border: 'thin', locked: false },
  [S.image]: { fill: 'F2F2F2', border: 'thin', horizontal: 'center' },
  [S.result]: { border: 'thin', horizontal: 'center' },
  [S.params]: { border: 'thin', numberFormat: '#,##0' },
  [S.check]: { border: 'thin', fontColor: '9C0006' },
  [S.working]: { border: 'thin', italic: true, fontColor: '808080', horizontal: 'center' },
  [S.label]: { bold: true },
  [S.value]: { border: 'thin', horizontal: 'left' },
  [S.total]: { bold: true, border: 'thin', numberFormat: '#,##0' },
  [S.target]: { border: 'thin', horizontal: 'center', bold: true },
  [S.heading]: { bold: true, fontSize: 12 },
};

const GREEN = { fill: 'C6EFCE', fontColor: '006100' };
const RED = { fill: 'FFC7CE', fontColor: '9C0006' };
const UNUSED = { fill: 'D9D9D9', fontColor: '808080' };
const FAINT = { fontColor: 'BFBFBF' };

/** The course's targets, checked live below the table; each label sits left of a TRUE or FALSE. */
export const DESIGNER_TARGETS = {
  works: 'Every row works',
  classes: `Ends with ${DESIGN_CLASSES} classes`,
  under20k: 'Params under 20,000',
  under8k: 'Params under 8,000 (next step)',
  batchnorm: 'Has BatchNorm',
  dropout: 'Has Dropout',
  gap: 'Has GAP',
  linear: 'Has a Linear layer',
  limits: "Within GradSheet's limits",
} as const;

export type DesignerTarget = keyof typeof DESIGNER_TARGETS;

/** Where a written designer sheet keeps what other code needs to find (zero-based rows and columns). */
export interface DesignerGeometry {
  readonly headerRow: number;
  readonly inputRow: number;
  readonly firstLayerRow: number;
  /** Rows offered for layers, written or blank. */
  readonly layerRows: number;
  readonly lastLayerRow: number;
  /** Rows of the labels below the table, by label; the value sits one column right of the label. */
  readonly summaryRows: Readonly<Record<'totalParams' | 'output' | 'beforeClassifier' | 'rowsToFix' | 'activations', number>>;
  readonly targetRows: Readonly<Record<DesignerTarget, number>>;
  readonly labelCol: number;
  readonly valueCol: number;
}

export function designerGeometry(layers: number): DesignerGeometry {
  const layerRows = layerRowCount(layers);
  const lastLayerRow = DESIGNER_ROWS.firstLayer + layerRows - 1;
  const summary = lastLayerRow + 2;
  const targets = summary + 7;
  const targetKeys = Object.keys(DESIGNER_TARGETS) as DesignerTarget[];
  return {
    headerRow: DESIGNER_ROWS.header,
    inputRow: DESIGNER_ROWS.input,
    firstLayerRow: DESIGNER_ROWS.firstLayer,
    layerRows,
    lastLayerRow,
    summaryRows: { totalParams: summary, output: summary + 1, beforeClassifier: summary + 2, rowsToFix: summary + 3, activations: summary + 4 },
    targetRows: Object.fromEntries(targetKeys.map((key, i) => [key, targets + i])) as Record<DesignerTarget, number>,
    labelCol: designerColumn('type'),
    valueCol: designerColumn('type') + 1,
  };
}

/**
 * The designer workbook, blank or holding `start` (any design, e.g. a zoo model).
 * Throws GradSheetError INVALID_MODEL when `start` is not a design the sheet accepts.
 */
export function designerPlan(start?: ModelSpec): WorkbookPlan {
  const layers = start ? checkedLayers(start) : [];
  return validatePlan({
    title: start ? `GradSheet designer: ${start.title}` : 'GradSheet designer',
    styles: DESIGNER_STYLES,
    names: [],
    sheets: [designerSheet(layers, start)],
  });
}

/** The layers of `start`, once the design parser agrees they are a design (the sheet's checks are the parser's). */
function checkedLayers(start: ModelSpec): readonly LayerSpec[] {
  return parseModelSpec({ input: [...start.input], classes: start.classes, layers: start.layers }).layers;
}

function designerSheet(layers: readonly LayerSpec[], start: ModelSpec | undefined): SheetPlan {
  const g = designerGeometry(layers.length);
  const model = { input: DESIGN_INPUT, classes: DESIGN_CLASSES, layers };
  const predicted = predictRows(model, g.layerRows - layers.length);
  const lastPredicted = predicted[predicted.length - 1] as PredictedRow;
  const summary = layers.length > 0 ? summarizeModel(model) : undefined;
  const totalParams = summary?.totalParams ?? 0;
  const activations = layers.length > 0 ? activationsPerImage(model) : 0;

  const layerRange = (key: DesignerColumnKey): string =>
    `${a1({ row: g.firstLayerRow, col: designerColumn(key) }, { row: true, col: true })}:${a1({ row: g.lastLayerRow, col: designerColumn(key) }, { row: true, col: true })}`;
  const valueAt = (row: number) => a1({ row, col: g.valueCol });
  const last = (key: DesignerColumnKey) => a1({ row: g.lastLayerRow, col: designerColumn(key) });

  const startText = start
    ? `Starting point: ${start.id}, ${start.title} (${totalParams.toLocaleString('en-US')} parameters).`
    : 'Starting point: a blank sheet.';
  const top: CellBlock = {
    origin: { row: DESIGNER_ROWS.title, col: 0 },
    rows: [
      [{ value: 'Design your own CNN for MNIST', style: S.title }],
      [{ value: startText, style: S.note }],
      [{ value: 'Choose each row’s Type and fill its orange cells; every other number is a live formula. The targets and how to use the sheet are below the table.', style: S.note }],
    ],
  };
  const caption: CellBlock = {
    origin: { row: DESIGNER_ROWS.caption, col: FIRST_WORKING_COLUMN },
    rows: [[{ value: 'Working: what each row hands to the next (do not edit)', style: S.caption }]],
  };
  const header: CellBlock = {
    origin: { row: g.headerRow, col: 0 },
    rows: [
      DESIGNER_COLUMNS.map((column, col) => ({ value: column.label, style: col >= FIRST_WORKING_COLUMN ? S.workingHeader : S.header })),
      DESIGNER_COLUMNS.map((column): PlanCell => imageCell(column.key)),
    ],
  };

  const layerRows: PlanCell[][] = predicted.map((prediction, i) => {
    const row = g.firstLayerRow + i;
    const formulas = rowFormulas(row, g.inputRow);
    const layer = layers[i];
    return DESIGNER_COLUMNS.map((column): PlanCell => {
      const key = column.key;
      if (key === 'layer') return { value: i + 1, style: S.layerNo };
      if (key === 'type') return layer ? { value: layerTypeName(layer.type), style: S.input } : null;
      if (isField(key)) {
        const value = layer ? fieldValue(layer, key) : undefined;
        return value === undefined ? null : { value, style: S.input };
      }
      const formulaKey = key as (typeof ROW_FORMULA_KEYS)[number];
      return { formula: formulas[formulaKey], result: prediction[formulaKey], style: resultStyle(key) };
    });
  });
  const table: CellBlock = {
    origin: { row: g.firstLayerRow, col: 0 },
    rows: layerRows,
    columnStyles: DESIGNER_COLUMNS.map((column) => (column.key === 'type' || isField(column.key) ? S.input : undefined)),
  };

  const label = (text: string): PlanCell => ({ value: text, style: S.label });
  const sumParams = `SUM(${layerRange('params')})`;
  const rowsToFix = valueAt(g.summaryRows.rowsToFix);
  const total = valueAt(g.summaryRows.totalParams);
  const activationsCell = valueAt(g.summaryRows.activations);
  const lastShape = shapeText({ ...lastPredicted, outC: Number(lastPredicted.outC), outH: Number(lastPredicted.outH), outW: Number(lastPredicted.outW), form: Number(lastPredicted.form) });
  const beforeClassifier = String(lastPredicted.before) === '' ? 'no Linear layer' : String(lastPredicted.before);
  const summaryBlock: CellBlock = {
    origin: { row: g.summaryRows.totalParams, col: g.labelCol },
    rows: [
      [label(DESIGNER_LABELS.totalParams), { formula: sumParams, result: totalParams, style: S.total }],
      [label(DESIGNER_LABELS.output), { formula: shapeTextFormula(g.lastLayerRow), result: lastShape, style: S.value }],
      [
        label(DESIGNER_LABELS.beforeClassifier),
        { formula: `IF(${last('before')}="","no Linear layer",${last('before')})`, result: beforeClassifier, style: S.value },
      ],
      [label(DESIGNER_LABELS.rowsToFix), { formula: `SUMPRODUCT(--(${layerRange('check')}<>""))`, result: 0, style: S.value }],
      [
        label(DESIGNER_LABELS.activations),
        {
          formula: `SUMPRODUCT(--(${layerRange('code')}<>0),${layerRange('outC')},${layerRange('outH')},${layerRange('outW')})`,
          result: activations,
          style: S.total,
        },
      ],
      [],
      [{ value: 'Targets', style: S.heading }, { value: 'Met?', style: S.label }],
      ...targetRows(),
    ],
  };

  function targetRows(): PlanCell[][] {
    const has = (type: LayerSpec['type']) => layers.some((layer) => layer.type === type);
    const count = (code: number) => `COUNTIF(${layerRange('code')},${code})>0`;
    const codeOf = (type: LayerSpec['type']) => LAYER_TYPES.findIndex((entry) => entry.type === type) + 1;
    const works = layers.length > 0;
    const formulas: Record<DesignerTarget, { formula: string; result: boolean }> = {
      works: { formula: `${rowsToFix}=0`, result: true },
      classes: {
        formula: `IF(ISNUMBER(${last('outC')}),AND(${last('outC')}=${DESIGN_CLASSES},${last('outH')}=1,${last('outW')}=1),FALSE)`,
        result: works && lastPredicted.outC === DESIGN_CLASSES && lastPredicted.outH === 1 && lastPredicted.outW === 1,
      },
      under20k: { formula: `AND(${rowsToFix}=0,${total}<20000)`, result: totalParams < 20000 },
      under8k: { formula: `AND(${rowsToFix}=0,${total}<8000)`, result: totalParams < 8000 },
      batchnorm: { formula: count(codeOf('batchnorm')), result: has('batchnorm') },
      dropout: { formula: count(codeOf('dropout')), result: has('dropout') },
      gap: { formula: count(codeOf('gap')), result: has('gap') },
      linear: { formula: count(codeOf('dense')), result: has('dense') },
      limits: {
        formula: `AND(${total}<=${DESIGN_LIMITS.maxParams},${activationsCell}<=${DESIGN_LIMITS.maxActivationsPerImage})`,
        result: totalParams <= DESIGN_LIMITS.maxParams && activations <= DESIGN_LIMITS.maxActivationsPerImage,
      },
    };
    return (Object.keys(DESIGNER_TARGETS) as DesignerTarget[]).map((key) => [
      label(DESIGNER_TARGETS[key]),
      { formula: formulas[key].formula, result: formulas[key].result, style: S.target },
    ]);
  }

  const lastTarget = Math.max(...Object.values(g.targetRows));
  const instructions: CellBlock = {
    origin: { row: lastTarget + 2, col: g.labelCol },
    rows: [[{ value: 'How to use this sheet', style: S.heading }], ...instructionLines().map((line) => [{ value: line }])],
  };

  const sheet = DESIGNER_SHEET;
  const range = (startRow: number, startCol: number, endRow: number, endCol: number): RangeRef => ({
    sheet,
    start: { row: startRow, col: startCol },
    end: { row: endRow, col: endCol },
  });
  const layerColumn = (key: DesignerColumnKey) => range(g.firstLayerRow, designerColumn(key), g.lastLayerRow, designerColumn(key));
  const codeRef = `$${columnLetters(designerColumn('code'))}${g.firstLayerRow + 1}`;

  const validations: ListValidationPlan[] = [
    {
      range: layerColumn('type'),
      values: LAYER_TYPES.map((entry) => entry.name),
      errorMessage: 'Choose a layer type from the list, or clear the cell for no layer.',
    },
    { range: layerColumn('bias'), values: ['TRUE', 'FALSE'], errorMessage: 'Bias is TRUE or FALSE; leave it blank for TRUE.' },
  ];
  const firstTarget = Math.min(...Object.values(g.targetRows));
  const targetTop = a1({ row: firstTarget, col: g.valueCol });
  const conditionalFormats: ConditionalFormatPlan[] = [
    // A field the row's type does not use is greyed, and ignored.
    ...LAYER_FIELDS.map(
      (field): ConditionalFormatPlan => ({
        kind: 'formula',
        range: layerColumn(field),
        formula: allOf(layerTypeCodesUsing(field).map((code) => `${codeRef}<>${code}`)),
        style: UNUSED,
      }),
    ),
    { kind: 'formula', range: layerColumn('check'), formula: `${a1({ row: g.firstLayerRow, col: designerColumn('check') }, { col: true })}<>""`, style: RED },
    // A row without a layer only hands its input on: its numbers are shown faintly.
    { kind: 'formula', range: range(g.firstLayerRow, designerColumn('outC'), g.lastLayerRow, designerColumn('jump')), formula: `${codeRef}=0`, style: FAINT },
    { kind: 'formula', range: range(firstTarget, g.valueCol, lastTarget, g.valueCol), formula: `${targetTop}=TRUE`, style: GREEN },
    { kind: 'formula', range: range(firstTarget, g.valueCol, lastTarget, g.valueCol), formula: `${targetTop}=FALSE`, style: RED },
  ];

  return {
    name: sheet,
    tabColor: 'F4B084',
    columnWidths: DESIGNER_COLUMNS.map((column, col) => ({ col, width: column.width })),
    frozen: { rows: g.headerRow + 1, columns: 2 },
    blocks: [top, caption, header, table, summaryBlock, instructions],
    charts: [],
    protect: true,
    validations,
    conditionalFormats,
  };
}

function allOf(conditions: readonly string[]): string {
  return conditions.length === 1 ? (conditions[0] as string) : `AND(${conditions.join(',')})`;
}

function isField(key: DesignerColumnKey): key is LayerField {
  return (LAYER_FIELDS as readonly string[]).includes(key);
}

/** The value a layer's field cell holds, or undefined to leave it blank (the field's default, or unused). */
function fieldValue(layer: LayerSpec, field: LayerField): number | boolean | undefined {
  const value = (layer as Partial<Record<LayerField, number | boolean>>)[field];
  return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

function resultStyle(key: DesignerColumnKey): string {
  if (key === 'params') return S.params;
  if (key === 'check') return S.check;
  if (DESIGNER_COLUMNS.findIndex((column) => column.key === key) >= FIRST_WORKING_COLUMN) return S.working;
  return S.result;
}

/** The image's row: its shape, RF 1 and jump 1, where the first layer starts. */
function imageCell(key: DesignerColumnKey): PlanCell {
  const [channels, height, width] = DESIGN_INPUT;
  const values: Partial<Record<DesignerColumnKey, number | string>> = {
    layer: DESIGNER_LABELS.input,
    type: `${channels}×${height}×${width} image`,
    outC: channels,
    outH: height,
    outW: width,
    rf: 1,
    jump: 1,
    form: DESIGNER_FORM.map,
    whole: Math.max(height, width),
    before: '',
  };
  const value = values[key];
  return value === undefined || value === '' ? null : { value, style: S.image };
}

function instructionLines(): string[] {
  const fieldHelp = LAYER_TYPES.map((entry) => {
    const help = entry.fields.map((field) => (field === 'stride' ? (entry.type === 'conv2d' ? 'Stride (blank: 1)' : 'Stride (blank: the size)') : FIELD_HELP[field]));
    return `${entry.name}: ${help.length === 0 ? 'nothing to fill in' : help.join(', ')}.`;
  });
  return [
    'Each row is a layer, applied top to bottom to the 1×28×28 image. Choose its Type from the drop-down and fill its orange cells; the grey ones are not used by that type and are ignored.',
    'To add a layer, fill a blank row: a row without a Type hands its input on unchanged. To remove one, clear its Type. Padding is a number (0 is "valid"), or "same" for an odd kernel.',
    ...fieldHelp,
    'Out C, Out H, Out W: the shape the layer gives (a flat tensor shows its features in Out C and 1×1). Params: its weights and biases, as torchsummary counts them (BatchNorm: 2 per channel).',
    'RF: the receptive field, r_out = r_in + (k − 1)·j_in; Jump: input pixels between neighbouring outputs, j_out = j_in·s. GAP and a Linear layer see the whole field of the map before them.',
    'Check says, in words, why a row cannot work. The targets turn green when the design meets them: the course asks for 99.4% on MNIST with under 20,000 parameters, then under 8,000.',
    'Train the design from the GradSheet task pane (Train this design), or save the workbook and run: gradsheet train --model-file this-file.xlsx',
  ];
}

const FIELD_HELP: Readonly<Record<LayerField, string>> = {
  filters: 'Filters (output channels)',
  kernel: 'Kernel (k×k)',
  stride: 'Stride',
  padding: 'Padding (blank: 0)',
  rate: 'Rate (the share of values dropped while training, from 0 up to 1)',
  size: 'Size (the pooling window)',
  units: 'Units (outputs)',
  bias: 'Bias (TRUE or FALSE; blank: TRUE)',
};
