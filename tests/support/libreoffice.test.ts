import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertToPdf, numberAt, recalculateToCsv } from './libreoffice.js';

// No skipping when LibreOffice is missing: CI installs it, and these tests
// must fail there (with recalculateToCsv's install hint) if it is gone.

const TINY = 1.234567890123e-12; // written by LibreOffice's CSV export in fixed notation
const TINIER = 1.2345678901234567e-18; // written in scientific notation
const PRECISE = 0.1234567890123456;

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

let dir: string;
let xlsx: string;
let sheets: Map<string, string[][]>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-lo-test-'));
  xlsx = join(dir, 'harness.xlsx');
  const wb = new ExcelJS.Workbook();
  const data = wb.addWorksheet('Data');
  data.getCell('A1').value = 21;
  // The cached result is deliberately wrong: only a recalculation yields 42.
  data.getCell('B1').value = { formula: 'A1*2', result: 999 };
  data.getCell('A2').value = PRECISE;
  data.getCell('A3').value = TINY;
  data.getCell('A4').value = TINIER;
  data.getCell('A5').value = { formula: '1/3', result: 0 };
  data.getCell('A6').value = 'not a number';
  const lr = wb.addWorksheet('LR Comparison');
  lr.getCell('A1').value = { formula: 'Data!A1+1', result: 0 };
  await wb.xlsx.writeFile(xlsx);
  sheets = await recalculateToCsv(xlsx);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sheet(name: string): string[][] {
  const rows = sheets.get(name);
  if (!rows) throw new Error(`no sheet '${name}' among ${JSON.stringify([...sheets.keys()])}`);
  return rows;
}

describe('recalculateToCsv', () => {
  it('recalculates formulas instead of trusting cached results', () => {
    expect(numberAt(sheet('Data'), 0, 1)).toBe(42);
    expect(numberAt(sheet('LR Comparison'), 0, 0)).toBe(22);
  });

  it('returns every sheet under its own name, in workbook order', () => {
    expect([...sheets.keys()]).toEqual(['Data', 'LR Comparison']);
  });

  it('keeps 15 significant digits, LibreOffice\'s limit', () => {
    const rows = sheet('Data');
    expect(relativeError(numberAt(rows, 1, 0), PRECISE)).toBeLessThanOrEqual(5e-15);
    expect(relativeError(numberAt(rows, 3, 0), TINIER)).toBeLessThanOrEqual(5e-15);
    expect(relativeError(numberAt(rows, 4, 0), 1 / 3)).toBeLessThanOrEqual(5e-15);
  });

  it('keeps tiny numbers to 20 decimals at least', () => {
    // 1e-14 <= |x| < 1e-5 comes out as e.g. "0.00000000000123456789".
    expect(Math.abs(numberAt(sheet('Data'), 2, 0) - TINY)).toBeLessThanOrEqual(5e-21);
  });
});

describe('numberAt', () => {
  it('parses the notations LibreOffice writes', () => {
    const rows = [['42', '-0.5', '1E-019', '1.23456789012346E+021', '0.00000000000123456789']];
    expect(rows[0]?.map((_, col) => numberAt(rows, 0, col))).toEqual([42, -0.5, 1e-19, 1.23456789012346e21, 1.23456789e-12]);
  });

  it('names the sheet, cell and text when a cell is not a number', () => {
    expect(() => numberAt(sheet('Data'), 5, 0)).toThrow(`'Data'!A6 (row 5, col 0, 0-based) but found "not a number"`);
    expect(() => numberAt([['']], 0, 0)).toThrow('A1');
    expect(() => numberAt([], 3, 2)).toThrow('C4');
  });
});

describe('convertToPdf', () => {
  it('renders the workbook to a PDF', async () => {
    const pdf = await convertToPdf(xlsx, join(dir, 'pdf'));
    expect(pdf).toBe(join(dir, 'pdf', 'harness.pdf'));
    expect((await readFile(pdf)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 120_000);
});
