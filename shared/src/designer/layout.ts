import { assertState } from '../errors.js';
import { LAYER_FIELDS, LAYER_TYPE_ALIASES, LAYER_TYPES, type LayerField } from '../models/layer-types.js';
import { DESIGN_LIMITS } from '../models/parse-spec.js';
import type { LayerType } from '../models/spec.js';

/**
 * Where everything sits on the designer sheet. Readers find the table by its labels
 * (the task pane and `--model-file` both do), so the labels are part of the contract;
 * the positions are what this writer chooses.
 */

export const DESIGNER_SHEET = 'Model';

/** Labels of the table's columns and of the cells below it. Other checks find cells by these. */
export const DESIGNER_LABELS = {
  layer: 'Layer',
  type: 'Type',
  outC: 'Out C',
  outH: 'Out H',
  outW: 'Out W',
  params: 'Params',
  rf: 'RF',
  jump: 'Jump',
  check: 'Check',
  /** The Layer cell of the row above the first layer: the image. */
  input: 'Input',
  totalParams: 'Total params',
  output: 'Output',
  beforeClassifier: 'Before the classifier',
  rowsToFix: 'Rows to fix',
  activations: 'Activations per image',
} as const;

/** The label of each field's column: `kernel` → `Kernel`. */
export const FIELD_LABELS: Readonly<Record<LayerField, string>> = {
  filters: 'Filters',
  kernel: 'Kernel',
  stride: 'Stride',
  padding: 'Padding',
  rate: 'Rate',
  size: 'Size',
  units: 'Units',
  bias: 'Bias',
};

/** The table's columns, left to right: the inputs, the live results, then the working the formulas share. */
export type DesignerColumnKey =
  | 'layer'
  | 'type'
  | LayerField
  | 'outC'
  | 'outH'
  | 'outW'
  | 'params'
  | 'rf'
  | 'jump'
  | 'check'
  | 'code'
  | 'window'
  | 'step'
  | 'pad'
  | 'form'
  | 'whole'
  | 'before';

interface ColumnDef {
  readonly key: DesignerColumnKey;
  readonly label: string;
  readonly width: number;
}

const COLUMN_DEFS: readonly ColumnDef[] = [
  { key: 'layer', label: DESIGNER_LABELS.layer, width: 7 },
  { key: 'type', label: DESIGNER_LABELS.type, width: 26 },
  ...LAYER_FIELDS.map((field) => ({ key: field, label: FIELD_LABELS[field], width: 9 })),
  { key: 'outC', label: DESIGNER_LABELS.outC, width: 8 },
  { key: 'outH', label: DESIGNER_LABELS.outH, width: 8 },
  { key: 'outW', label: DESIGNER_LABELS.outW, width: 8 },
  { key: 'params', label: DESIGNER_LABELS.params, width: 10 },
  { key: 'rf', label: DESIGNER_LABELS.rf, width: 6 },
  { key: 'jump', label: DESIGNER_LABELS.jump, width: 6 },
  { key: 'check', label: DESIGNER_LABELS.check, width: 60 },
  // The working: what the formulas above read from the row before, shown rather than hidden.
  { key: 'code', label: 'Type #', width: 7 },
  { key: 'window', label: 'k', width: 5 },
  { key: 'step', label: 's', width: 5 },
  { key: 'pad', label: 'p', width: 5 },
  { key: 'form', label: 'Form', width: 6 },
  { key: 'whole', label: 'Whole RF', width: 9 },
  { key: 'before', label: 'Into Linear', width: 11 },
];

export const DESIGNER_COLUMNS: readonly ColumnDef[] = COLUMN_DEFS;

const COLUMN_INDEX = new Map(COLUMN_DEFS.map((def, index) => [def.key, index]));

/** Zero-based column of a key. */
export function designerColumn(key: DesignerColumnKey): number {
  const index = COLUMN_INDEX.get(key);
  assertState(index !== undefined, `the designer has a column "${key}"`);
  return index;
}

/** The first column of the working (helper) columns. */
export const FIRST_WORKING_COLUMN = designerColumn('code');

/** Rows, zero-based: title, starting point, hint, the working's caption, the header, the image, then the layers. */
export const DESIGNER_ROWS = {
  title: 0,
  start: 1,
  hint: 2,
  caption: 3,
  header: 4,
  input: 5,
  firstLayer: 6,
} as const;

/** Rows offered for layers: the design's own and a dozen spare, at least 32, at most the design limit. */
export function layerRowCount(layers: number): number {
  return Math.min(DESIGN_LIMITS.maxLayers, Math.max(32, layers + 12));
}

/**
 * What the Form working column holds: how the tensor leaving a row may be read.
 * A Linear layer reads a flat tensor or GAP's 1×1 map, never any other map.
 */
export const DESIGNER_FORM = { map: 0, pooled: 1, flat: 2 } as const;

/** The number a type has in the Type # column: its place in LAYER_TYPES, from 1; 0 for no layer, −1 for an unknown name. */
export function layerTypeCode(type: LayerType): number {
  return LAYER_TYPES.findIndex((entry) => entry.type === type) + 1;
}

export const NO_LAYER_CODE = 0;
export const UNKNOWN_TYPE_CODE = -1;

/** Every way a type may be written (as layerTypeFromName accepts it, case aside), with its code. */
export function layerTypeSpellings(): { spelling: string; code: number }[] {
  const spellings: { spelling: string; code: number }[] = [];
  const add = (spelling: string, type: LayerType) => {
    if (!spellings.some((s) => s.spelling.toLowerCase() === spelling.toLowerCase())) spellings.push({ spelling, code: layerTypeCode(type) });
  };
  for (const entry of LAYER_TYPES) add(entry.name, entry.type);
  for (const entry of LAYER_TYPES) add(entry.type, entry.type);
  for (const [alias, type] of Object.entries(LAYER_TYPE_ALIASES)) add(alias, type);
  return spellings;
}

/** The codes of the types that use a field: `kernel` → [1]. */
export function layerTypeCodesUsing(field: LayerField): number[] {
  return LAYER_TYPES.filter((entry) => entry.fields.includes(field)).map((entry) => layerTypeCode(entry.type));
}

/** The codes of the types that slide a window over the map (and so change its size, RF and jump). */
export const WINDOWED_TYPE_CODES = [layerTypeCode('conv2d'), layerTypeCode('maxpool'), layerTypeCode('avgpool')];
