import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import ExcelJS from 'exceljs';
import {
  DESIGNER_SHEET,
  GradSheetError,
  designFromGrid,
  findDesignTable,
  parseModelSpec,
  type DesignCell,
  type ModelSpec,
} from '@gradsheet/shared';
import { packageOf, vetSubmission } from '../teacher/vet-submission.js';
import { worksheetGrid } from './worksheet-grid.js';

/** A JSON spec is a few KB; a file far larger is not one. */
const MAX_JSON_BYTES = 1024 * 1024;

/**
 * A design from a file: a model spec as JSON, or a designer workbook (.xlsx) read by
 * the labels of its input cells. Throws GradSheetError INVALID_FILE for a file that
 * cannot be read as either, and INVALID_MODEL, naming the layer or the row, for a
 * design that cannot be built; each message is one line that names the file.
 */
export async function loadModelFile(path: string): Promise<ModelSpec> {
  const extension = extname(path).toLowerCase();
  if (extension !== '.json' && extension !== '.xlsx') {
    throw invalidFile(path, `is neither a model spec (.json) nor a designer workbook (.xlsx)`);
  }
  const info = await stat(path).catch(() => null);
  if (!info) throw invalidFile(path, 'does not exist');
  if (!info.isFile()) throw invalidFile(path, 'is not a file');
  return extension === '.json' ? loadJsonSpec(path, info.size) : loadDesignerWorkbook(path);
}

async function loadJsonSpec(path: string, size: number): Promise<ModelSpec> {
  if (size > MAX_JSON_BYTES) throw invalidFile(path, `is ${size.toLocaleString('en-US')} bytes; a model spec is at most ${MAX_JSON_BYTES.toLocaleString('en-US')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error: unknown) {
    throw invalidFile(path, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const withId = isRecord(raw) && raw.id === undefined ? { ...raw, id: idFromFileName(path) } : raw;
  return inFile(path, () => parseModelSpec(withId));
}

async function loadDesignerWorkbook(path: string): Promise<ModelSpec> {
  let workbook: ExcelJS.Workbook;
  try {
    // The grader's defences: size limits, zip bombs, macros and external links are refused before anything is parsed.
    const vetted = await vetSubmission(path);
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await packageOf(vetted)) as unknown as ExcelJS.Buffer);
  } catch (error) {
    // The grader's refusals (SUBMISSION_*) are phrased as what the file is: "is a damaged zip package (…)".
    if (error instanceof GradSheetError && error.code.startsWith('SUBMISSION_')) throw invalidFile(path, error.message);
    throw invalidFile(path, `could not be read as a workbook (${error instanceof Error ? error.message : String(error)})`);
  }
  const sheets = workbook.worksheets.filter((sheet) => sheet.state === 'visible' || sheet.state === undefined);
  const ordered = [...sheets.filter((sheet) => sheet.name === DESIGNER_SHEET), ...sheets.filter((sheet) => sheet.name !== DESIGNER_SHEET)];
  let grid: DesignCell[][] | undefined;
  for (const sheet of ordered) {
    const candidate = worksheetGrid(sheet);
    if (findDesignTable(candidate)) {
      grid = candidate;
      break;
    }
  }
  if (!grid) throw invalidFile(path, 'has no designer sheet (no sheet has the Layer, Type, Filters, … labels); write one with gradsheet design --out FILE.xlsx');
  const table = grid;
  return inFile(path, () => designFromGrid(table, { id: idFromFileName(path), title: `Design from ${basename(path)}` }));
}

/** The design's problems, said of the file. */
function inFile(path: string, parse: () => ModelSpec): ModelSpec {
  try {
    return parse();
  } catch (error) {
    if (error instanceof GradSheetError && error.code === 'INVALID_MODEL') {
      throw new GradSheetError('INVALID_MODEL', `${basename(path)}: ${error.message}`, error.details);
    }
    throw error;
  }
}

function invalidFile(path: string, why: string): GradSheetError {
  return new GradSheetError('INVALID_FILE', `model file "${path}" ${why}`);
}

/** A model id from the file's name: `My Design (2).xlsx` → `my-design-2`. */
function idFromFileName(path: string): string {
  const id = basename(path, extname(path))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return id === '' ? 'design' : id;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
