import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { GradSheetError, checkDigitGrid } from '@gradsheet/shared';
import { mnistDigit, type GreyImage } from './mnist-digit.js';

/** A digit picture larger than this many pixels is refused before it is decoded. */
const MAX_PNG_PIXELS = 4096 * 4096;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new GradSheetError('INVALID_FILE', `cannot read ${basename(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A digit from a PNG file of any size, reduced to 28×28 as MNIST's digits were (mnistDigit): 784 values from 0 to 1. */
export async function digitFromPngFile(path: string): Promise<number[]> {
  return mnistDigit(greyFromPng(await readInput(path), basename(path)));
}

/** A digit from a CSV file of 28 rows of 28 values from 0 (paper) to 1 (ink), as the Try it sheet holds them; blank cells are 0. */
export async function digitFromCsvFile(path: string): Promise<number[]> {
  return digitFromCsv((await readInput(path)).toString('utf8'), basename(path));
}

export function digitFromCsv(text: string, name: string): number[] {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, delimiter: [',', ';', '\t'], relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw new GradSheetError('INVALID_FILE', `${name} is not a CSV file: ${(error as Error).message}`);
  }
  // Numbers as written in full ("0.5", "1", "2e-1"); anything else stays text for the grid check to name.
  const cells = rows.map((row) => row.map((cell) => (cell === '' ? null : /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(cell) ? Number(cell) : cell)));
  return checkDigitGrid(cells, name);
}

/** Grey levels of a PNG, each pixel over white paper where it is transparent. INVALID_FILE when the bytes are not a PNG image. */
export function greyFromPng(bytes: Buffer, name: string): GreyImage {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new GradSheetError('INVALID_FILE', `${name} is not a PNG image`);
  // The header's size, read before decoding, so that a huge picture is refused cheaply.
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width * height > MAX_PNG_PIXELS) {
    throw new GradSheetError('INVALID_FILE', `${name} is ${width}×${height} pixels; a digit picture may have at most ${MAX_PNG_PIXELS.toLocaleString('en-US')}`);
  }
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new GradSheetError('INVALID_FILE', `${name} is not a readable PNG image: ${(error as Error).message}`);
  }
  const grey = new Float64Array(png.width * png.height);
  for (let i = 0; i < grey.length; i++) {
    const [r, g, b, a] = [png.data[4 * i], png.data[4 * i + 1], png.data[4 * i + 2], png.data[4 * i + 3]] as [number, number, number, number];
    // Exact for grey pixels; Rec. 601 luma for coloured ones.
    const level = r === g && g === b ? r : (299 * r + 587 * g + 114 * b) / 1000;
    grey[i] = a === 255 ? level : (level * a + 255 * (255 - a)) / 255;
  }
  return { width: png.width, height: png.height, grey };
}
