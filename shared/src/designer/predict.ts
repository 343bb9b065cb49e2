import { inferShapes, type ModelShapeInput } from '../models/shapes.js';
import type { LayerSpec } from '../models/spec.js';
import { DESIGNER_FORM, layerTypeCode, WINDOWED_TYPE_CODES } from './layout.js';
import type { RowFormulaKey } from './row-formulas.js';

/**
 * What each formula of the designer sheet computes for a valid design, from shared's
 * shape inference: the results the file carries so that it shows numbers before any
 * recalculation, and what the tests hold Excel and LibreOffice to.
 */

export type PredictedRow = Readonly<Record<RowFormulaKey, number | string>>;

interface Carried {
  readonly outC: number;
  readonly outH: number;
  readonly outW: number;
  readonly rf: number;
  readonly jump: number;
  readonly form: number;
  readonly whole: number;
  readonly before: string;
}

/** One prediction per table row: the design's layers first, then `blankRows` rows that pass their input through. */
export function predictRows(model: ModelShapeInput, blankRows: number): PredictedRow[] {
  const [channels, height, width] = model.input;
  const inputSide = Math.max(height, width);
  let carried: Carried = { outC: channels, outH: height, outW: width, rf: 1, jump: 1, form: DESIGNER_FORM.map, whole: inputSide, before: '' };
  const rows: PredictedRow[] = [];
  // A blank sheet is no model yet, but its rows still hand the image on.
  for (const shape of model.layers.length > 0 ? inferShapes(model) : []) {
    const { layer } = shape;
    const code = layerTypeCode(layer.type);
    const windowed = WINDOWED_TYPE_CODES.includes(code);
    const [outC, outH = 1, outW = 1] = shape.outputShape;
    const form = windowed ? DESIGNER_FORM.map : layer.type === 'gap' ? DESIGNER_FORM.pooled : layer.type === 'flatten' || layer.type === 'dense' ? DESIGNER_FORM.flat : carried.form;
    const next: Carried = {
      outC,
      outH,
      outW,
      rf: shape.receptiveField,
      jump: shape.jump,
      form,
      // A layer over the whole map would see (side − 1) more jumps, and never less than the image.
      whole: windowed ? Math.max(shape.receptiveField + (Math.max(outH, outW) - 1) * shape.jump, inputSide) : carried.whole,
      before: layer.type === 'dense' ? shapeText(carried) : carried.before,
    };
    rows.push({ code, ...windowOf(layer), check: '', params: shape.params, ...next });
    carried = next;
  }
  for (let i = 0; i < blankRows; i++) rows.push({ code: 0, window: '', step: '', pad: '', check: '', params: '', ...carried });
  return rows;
}

/** The shape a row hands on, as the sheet writes it: `16×5×5`, or `32` once flat. */
export function shapeText(row: Pick<Carried, 'outC' | 'outH' | 'outW' | 'form'>): string {
  return row.form === DESIGNER_FORM.flat ? String(row.outC) : `${row.outC}×${row.outH}×${row.outW}`;
}

function windowOf(layer: LayerSpec): { window: number | string; step: number | string; pad: number | string } {
  switch (layer.type) {
    case 'conv2d':
      return { window: layer.kernel, step: layer.stride ?? 1, pad: layer.padding ?? 0 };
    case 'maxpool':
    case 'avgpool':
      return { window: layer.size, step: layer.stride ?? layer.size, pad: 0 };
    default:
      return { window: '', step: '', pad: '' };
  }
}
