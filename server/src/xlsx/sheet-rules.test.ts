import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RangeRef, WorkbookPlan } from '@gradsheet/shared';
import { convertTo } from '../../../tests/support/libreoffice.js';
import { writeWorkbookPlan } from './exceljs-writer.js';

/**
 * Drop-down lists and conditional formats on a protected sheet: the XML Excel
 * reads, in schema order, read back by exceljs and carried through LibreOffice
 * Calc, which reads the file and writes the same rules back.
 */

const SHEET = 'Choices';
const range = (row: number, col: number, endRow: number, endCol: number): RangeRef => ({
  sheet: SHEET,
  start: { row, col },
  end: { row: endRow, col: endCol },
});

const plan: WorkbookPlan = {
  title: 'rules',
  styles: { input: { locked: false } },
  names: [],
  sheets: [
    {
      name: SHEET,
      protect: true,
      blocks: [
        {
          origin: { row: 0, col: 0 },
          rows: [
            [{ value: 'ReLU', style: 'input' }, { value: 1 }, { value: 2 }, { value: 3 }],
            [{ value: 'Sigmoid', style: 'input' }, { value: 4 }, { value: 5 }, { value: 6 }],
          ],
        },
      ],
      merges: [range(12, 0, 12, 3)],
      validations: [
        { range: range(0, 0, 9, 0), values: ['ReLU', 'Sigmoid', 'Tanh'], errorMessage: 'Pick an activation from the list' },
        { range: range(0, 5, 0, 5), values: ['yes', 'no'] },
      ],
      conditionalFormats: [
        { kind: 'formula', range: range(0, 1, 9, 1), formula: 'B1>2', style: { fill: 'FFC7CE', fontColor: '9C0006' } },
        { kind: 'colorScale', range: range(0, 2, 9, 2), min: { color: 'F8696B' }, mid: { color: 'FFEB84' }, max: { value: 10, color: '63BE7B' } },
        { kind: 'colorScale', range: range(0, 3, 9, 3), min: { value: 0, color: 'FFFFFF' }, max: { color: '5A8AC6' } },
      ],
      charts: [],
    },
  ],
};

/** What a package says about its first sheet's validations and conditional formats, whoever wrote it. */
interface Rules {
  readonly validations: { sqref: string; type: string; list: string; error: string | undefined }[];
  readonly formats: FormatRule[];
}
type FormatRule =
  | { sqref: string; type: string; formula: string; fill: string | undefined; font: string | undefined }
  | { sqref: string; type: string; cfvo: string[]; colors: string[] };

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

async function rulesOf(bytes: Buffer): Promise<Rules> {
  const zip = await JSZip.loadAsync(bytes);
  const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
  const styles = await zip.file('xl/styles.xml')!.async('string');
  const dxfs = [...(/<dxfs\b[^>]*>([\s\S]*?)<\/dxfs>/.exec(styles)?.[1] ?? '').matchAll(/<dxf>([\s\S]*?)<\/dxf>/g)].map(([, dxf = '']) => ({
    // Readers disagree on which colour of a differential solid fill counts; GradSheet writes both, LibreOffice keeps bgColor.
    fill: /<bgColor rgb="([^"]+)"/.exec(dxf)?.[1],
    font: /<font>[\s\S]*?<color rgb="([^"]+)"/.exec(dxf)?.[1],
  }));
  const validations = [...sheet.matchAll(/(<dataValidation\b[^>]*>)<formula1>([^<]*)<\/formula1>/g)].map(([, tag = '', formula = '']) => ({
    sqref: attr(tag, 'sqref') ?? '',
    type: attr(tag, 'type') ?? '',
    list: formula,
    error: attr(tag, 'error'),
  }));
  const formats = [...sheet.matchAll(/<conditionalFormatting sqref="([^"]+)">([\s\S]*?)<\/conditionalFormatting>/g)].map(([, sqref = '', body = '']): FormatRule => {
    const rule = /<cfRule\b[^>]*>/.exec(body)?.[0] ?? '';
    const type = attr(rule, 'type') ?? '';
    if (type === 'colorScale') {
      return {
        sqref,
        type,
        // LibreOffice adds val="0" to min and max, which ignore it.
        cfvo: [...body.matchAll(/<cfvo\b[^>]*>/g)].map(([tag]) => {
          const kind = attr(tag, 'type') ?? '';
          return kind === 'min' || kind === 'max' ? kind : `${kind} ${attr(tag, 'val')}`;
        }),
        colors: [...body.matchAll(/<color rgb="([^"]+)"/g)].map(([, rgb = '']) => rgb),
      };
    }
    const dxf = dxfs[Number(attr(rule, 'dxfId'))];
    return { sqref, type, formula: /<formula>([^<]*)<\/formula>/.exec(body)?.[1] ?? '', fill: dxf?.fill, font: dxf?.font };
  });
  return { validations, formats };
}

let dir: string;
let bytes: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-rules-'));
  bytes = await writeWorkbookPlan(plan);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('list validations and conditional formats', () => {
  it('writes each drop-down and format with its range and rule', async () => {
    expect(await rulesOf(bytes)).toEqual({
      validations: [
        { sqref: 'A1:A10', type: 'list', list: '&quot;ReLU,Sigmoid,Tanh&quot;', error: 'Pick an activation from the list' },
        { sqref: 'F1', type: 'list', list: '&quot;yes,no&quot;', error: undefined },
      ],
      formats: [
        { sqref: 'B1:B10', type: 'expression', formula: 'B1&gt;2', fill: 'FFFFC7CE', font: 'FF9C0006' },
        { sqref: 'C1:C10', type: 'colorScale', cfvo: ['min', 'percentile 50', 'num 10'], colors: ['FFF8696B', 'FFFFEB84', 'FF63BE7B'] },
        { sqref: 'D1:D10', type: 'colorScale', cfvo: ['num 0', 'max'], colors: ['FFFFFFFF', 'FF5A8AC6'] },
      ],
    });
    const sheet = await (await JSZip.loadAsync(bytes)).file('xl/worksheets/sheet1.xml')!.async('string');
    expect(sheet).toContain('<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorStyle="stop"');
    // The plan's order is the formats' priority.
    expect([...sheet.matchAll(/<cfRule [^>]*priority="(\d+)"/g)].map(([, p]) => p)).toEqual(['1', '2', '3']);
  });

  it('puts the sheet protection where the schema wants it, before merges, formats and validations', async () => {
    const sheet = await (await JSZip.loadAsync(bytes)).file('xl/worksheets/sheet1.xml')!.async('string');
    const tail = sheet.slice(sheet.indexOf('</sheetData>'));
    const order = [...tail.matchAll(/<(sheetProtection|mergeCells|conditionalFormatting|dataValidations|pageMargins)\b/g)].map(([, name]) => name);
    expect([...new Set(order)]).toEqual(['sheetProtection', 'mergeCells', 'conditionalFormatting', 'dataValidations', 'pageMargins']);
  });

  it('reads back through exceljs', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(SHEET)!;
    expect(sheet.getCell('A7').dataValidation).toMatchObject({ type: 'list', formulae: ['"ReLU,Sigmoid,Tanh"'] });
    expect(sheet.getCell('A11').dataValidation).toBeUndefined();
    const formats = (sheet as unknown as { conditionalFormattings: { ref: string; rules: { type: string }[] }[] }).conditionalFormattings;
    expect(formats.map((f) => [f.ref, f.rules.map((r) => r.type)])).toEqual([
      ['B1:B10', ['expression']],
      ['C1:C10', ['colorScale']],
      ['D1:D10', ['colorScale']],
    ]);
  });

  it('LibreOffice Calc reads every rule and writes the same rules back', async () => {
    const path = join(dir, 'rules.xlsx');
    await writeFile(path, bytes);
    const resaved = await readFile(await convertTo(path, join(dir, 'resaved'), 'xlsx'));
    expect(await rulesOf(resaved)).toEqual(await rulesOf(bytes));
  });
});
