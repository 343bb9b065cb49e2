import { GradSheetError } from '../errors.js';
import { LAYER_FIELDS, LAYER_TYPES, layerTypeFromName, layerTypeName, type LayerField } from '../models/layer-types.js';
import { parseLayer, parseModelSpec } from '../models/parse-spec.js';
import type { ModelSpec } from '../models/spec.js';
import { DESIGNER_LABELS, FIELD_LABELS } from './layout.js';

/**
 * Reads a design back from the designer sheet's input cells: each row's Type and the
 * fields that type uses, never the formulas' results. The input is a plain grid of
 * cell values, as Office.js (`range.values`) and an .xlsx reader both give it, and
 * the table is found by its labels, wherever it sits in the grid.
 */

/** A cell's value: Office.js gives "" for an empty cell, file readers null or undefined. */
export type DesignCell = string | number | boolean | null | undefined;
export type DesignGrid = readonly (readonly DesignCell[])[];

export interface DesignTable {
  /** Grid row of the column labels. */
  readonly headerRow: number;
  /** Grid column of each input, by its label. */
  readonly columns: Readonly<Record<'layer' | 'type' | LayerField, number>>;
  /** Grid rows that may hold a layer: below the labels, the image's row left out, up to the `Total params` row. */
  readonly rows: readonly number[];
}

export interface DesignReadOptions {
  /** The sheet's row number of grid[0], for messages that name rows as Excel shows them. Default 1. */
  readonly firstRow?: number;
  readonly id?: string;
  readonly title?: string;
  readonly description?: string;
}

const INPUT_LABELS: readonly ('layer' | 'type' | LayerField)[] = ['layer', 'type', ...LAYER_FIELDS];

function labelOf(key: 'layer' | 'type' | LayerField): string {
  return key === 'layer' ? DESIGNER_LABELS.layer : key === 'type' ? DESIGNER_LABELS.type : FIELD_LABELS[key];
}

function normal(value: DesignCell): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

/** The designer table in a grid: the first row that holds the Layer, Type and field labels. */
export function findDesignTable(grid: DesignGrid): DesignTable | undefined {
  for (let headerRow = 0; headerRow < grid.length; headerRow++) {
    const cells = (grid[headerRow] ?? []).map(normal);
    const columns: Partial<Record<'layer' | 'type' | LayerField, number>> = {};
    for (const key of INPUT_LABELS) {
      const col = cells.indexOf(labelOf(key).toLowerCase());
      if (col >= 0) columns[key] = col;
    }
    if (INPUT_LABELS.some((key) => columns[key] === undefined)) continue;
    const found = columns as Record<'layer' | 'type' | LayerField, number>;
    const rows: number[] = [];
    const totalLabel = DESIGNER_LABELS.totalParams.toLowerCase();
    for (let row = headerRow + 1; row < grid.length; row++) {
      const cells = grid[row] ?? [];
      if (normal(cells[found.layer]) === totalLabel || normal(cells[found.type]) === totalLabel) break;
      if (normal(cells[found.layer]) === DESIGNER_LABELS.input.toLowerCase()) continue;
      rows.push(row);
    }
    return { headerRow, columns: found, rows };
  }
  return undefined;
}

/**
 * The design on a designer sheet, checked by shared's design parser. Throws
 * GradSheetError INVALID_MODEL when the grid holds no designer table or a bad design:
 * one sentence per bad row, naming the row as Excel numbers it (`Row 7 (Conv2d):
 * kernel must be…`), every bad row reported; the sentences are in `details.problems`.
 */
export function designFromGrid(grid: DesignGrid, options: DesignReadOptions = {}): ModelSpec {
  const table = findDesignTable(grid);
  if (!table) {
    throw problems([`No designer table: no row holds the labels ${INPUT_LABELS.map(labelOf).join(', ')}`]);
  }
  const firstRow = options.firstRow ?? 1;
  const found: string[] = [];
  const layers: Record<string, unknown>[] = [];
  const rowOfLayer: number[] = [];
  for (const row of table.rows) {
    const cells = grid[row] ?? [];
    const typeCell = cells[table.columns.type];
    if (isBlank(typeCell)) continue;
    const sheetRow = firstRow + row;
    const typed = typeof typeCell === 'string' ? typeCell.trim() : String(typeCell);
    const type = layerTypeFromName(typed);
    const raw: Record<string, unknown> = { type: type ? layerTypeName(type) : typed };
    for (const field of LAYER_TYPES.find((entry) => entry.type === type)?.fields ?? []) {
      const value = fieldValue(field, cells[table.columns[field]]);
      if (value !== undefined) raw[field] = value;
    }
    try {
      parseLayer(raw, layers.length);
    } catch (error) {
      found.push(atRow(messageOf(error), layers.length, sheetRow));
    }
    layers.push(raw);
    rowOfLayer.push(sheetRow);
  }
  if (found.length > 0) throw problems(found);
  if (layers.length === 0) throw problems(['The design has no layers: choose a Type in at least one row']);
  try {
    return parseModelSpec({
      layers,
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(options.title === undefined ? {} : { title: options.title }),
      ...(options.description === undefined ? {} : { description: options.description }),
    });
  } catch (error) {
    const message = messageOf(error);
    const index = /^layer (\d+)\b/.exec(message)?.[1];
    const row = index === undefined ? undefined : rowOfLayer[Number(index) - 1];
    throw problems([row === undefined ? capitalise(message) : atRow(message, Number(index) - 1, row)]);
  }
}

function isBlank(value: DesignCell): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** A field cell as the parser takes it: blank is absent (the default), TRUE/FALSE typed as text is a boolean. */
function fieldValue(field: LayerField, value: DesignCell): unknown {
  if (isBlank(value)) return undefined;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (field === 'bias' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return text;
}

/** `layer 3 (Conv2d): …` as the parser says it → `Row 9 (Conv2d): …` as the learner sees the sheet. */
function atRow(message: string, index: number, sheetRow: number): string {
  const place = new RegExp(`^layer ${index + 1}\\b`);
  return place.test(message) ? message.replace(place, `Row ${sheetRow}`) : `Row ${sheetRow}: ${message}`;
}

function messageOf(error: unknown): string {
  if (error instanceof GradSheetError && error.code === 'INVALID_MODEL') return error.message;
  throw error;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function problems(sentences: readonly string[]): GradSheetError {
  return new GradSheetError('INVALID_MODEL', sentences.join('; '), { problems: [...sentences] });
}
