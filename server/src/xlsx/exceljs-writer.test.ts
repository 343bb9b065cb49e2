import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { WorkbookPlan } from '@gradsheet/shared';
import { writeWorkbookPlan } from './exceljs-writer.js';

const plan: WorkbookPlan = {
  title: 'test',
  styles: { input: { fill: 'FFCC99', locked: false }, header: { bold: true } },
  names: [{ name: 'Rate', refersTo: { sheet: 'Inputs', start: { row: 0, col: 1 }, end: { row: 0, col: 1 } } }],
  sheets: [
    {
      name: 'Inputs',
      protect: true,
      frozen: { rows: 1, columns: 0 },
      blocks: [{ origin: { row: 0, col: 0 }, rows: [[{ value: 'rate', style: 'header' }, { value: 0.5, style: 'input' }]] }],
      charts: [],
    },
    {
      name: 'Table Two',
      blocks: [{ origin: { row: 0, col: 0 }, rows: [[{ value: 'n' }, { value: 'x' }, { value: 'y' }], [{ value: 0 }, { formula: 'Rate', result: 0.5 }]] }],
      fills: [
        { origin: { row: 2, col: 1 }, formulaR1C1: 'R[-1]C*2', results: [1, 2, 4] },
        { origin: { row: 1, col: 2 }, formulaR1C1: 'RC[-1]+Rate', results: [1, 1.5, 2.5, 4.5] },
        { origin: { row: 1, col: 3 }, formulaR1C1: 'RC[-2]', results: [0.5] },
      ],
      charts: [
        {
          kind: 'line',
          title: 'y',
          xAxisTitle: 'n',
          yAxisTitle: 'y',
          categories: { sheet: 'Table Two', start: { row: 1, col: 0 }, end: { row: 4, col: 0 } },
          series: [{ name: 'y', values: { sheet: 'Table Two', start: { row: 1, col: 2 }, end: { row: 4, col: 2 } } }],
          anchor: { from: { row: 0, col: 5 }, to: { row: 10, col: 12 } },
        },
      ],
    },
  ],
};

describe('writeWorkbookPlan', async () => {
  const bytes = await writeWorkbookPlan(plan);
  const zip = await JSZip.loadAsync(bytes);
  const sheet2 = await zip.file('xl/worksheets/sheet2.xml')!.async('string');

  it('writes each fill as a shared formula with its own index and every cached result', () => {
    expect(sheet2).toContain('<c r="C2"><f t="shared" ref="C2:C5" si="0">B2+Rate</f><v>1</v></c>');
    expect(sheet2).toContain('<c r="B3"><f t="shared" ref="B3:B5" si="1">B2*2</f><v>1</v></c>');
    // Masters start on different rows; the indices must still differ (exceljs' streaming writer alone would repeat si="0").
    const masters = [...sheet2.matchAll(/<f t="shared" ref="[^"]+" si="(\d+)"/g)].map((m) => m[1]);
    expect(new Set(masters).size).toBe(masters.length);
    expect(sheet2).toMatch(/<c r="B5"><f t="shared" si="1"\/><v>4<\/v><\/c>/);
    // A one-cell fill is a plain formula.
    expect(sheet2).toContain('<c r="D2"><f>B2</f><v>0.5</v></c>');
  });

  it('reads back through exceljs with names, protection, unlocked inputs and frozen rows', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const inputs = workbook.getWorksheet('Inputs')!;
    expect(inputs.getCell('B1').value).toBe(0.5);
    expect(inputs.getCell('B1').protection?.locked).toBe(false);
    expect(inputs.getCell('A1').font?.bold).toBe(true);
    expect(inputs.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(workbook.definedNames.getRanges('Rate').ranges).toEqual(['Inputs!$B$1']);
    const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    expect(xml).toMatch(/<sheetProtection [^>]*sheet="1"/);
  });

  it('asks Excel to recalculate everything on open', async () => {
    const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
    expect(workbookXml).toMatch(/<calcPr [^>]*fullCalcOnLoad="1"/);
  });

  it('writes no folder entries, which Office is reported to repair', () => {
    expect(Object.values(zip.files).filter((entry) => entry.dir).map((entry) => entry.name)).toEqual([]);
  });

  it('locks the structure when the plan asks, in one edit of the workbook part', async () => {
    const locked = await JSZip.loadAsync(await writeWorkbookPlan({ ...plan, lockStructure: true }));
    const workbookXml = await locked.file('xl/workbook.xml')!.async('string');
    expect(workbookXml).toMatch(/<workbookPr [^>]*\/><workbookProtection lockStructure="1"\/><sheets>/);
    expect(workbookXml).toMatch(/<calcPr [^>]*fullCalcOnLoad="1"/);
    expect(workbookXml.match(/<calcPr /g)).toHaveLength(1);
  });

  it('adds the chart to the sheet that holds it', async () => {
    expect(zip.file('xl/charts/chart1.xml')).not.toBeNull();
    expect(sheet2).toMatch(/<drawing r:id="rId\d+"\/>/);
    const chart = await zip.file('xl/charts/chart1.xml')!.async('string');
    expect(chart).toContain("<c:f>'Table Two'!$C$2:$C$5</c:f>");
  });

  it('sets row heights, on rows with cells and on rows without', async () => {
    const tall = await writeWorkbookPlan({
      title: 'heights',
      styles: {},
      names: [],
      sheets: [
        {
          name: 'Rows',
          blocks: [{ origin: { row: 1, col: 0 }, rows: [[{ value: 1 }]] }, { origin: { row: 4, col: 0 }, rows: [[{ value: 2 }]] }],
          rowHeights: [{ row: 1, height: 9 }, { row: 2, height: 9 }, { row: 6, height: 30 }],
          charts: [],
        },
      ],
    });
    const xml = await (await JSZip.loadAsync(tall)).file('xl/worksheets/sheet1.xml')!.async('string');
    const rows = [...xml.matchAll(/<row r="(\d+)"[^>]*?(?: ht="([\d.]+)")?[^>]*>/g)].map((m) => [Number(m[1]), m[2] === undefined ? undefined : Number(m[2])]);
    expect(rows).toEqual([[2, 9], [3, 9], [5, undefined], [7, 30]]);
    expect(xml).toMatch(/<row r="3"[^>]* customHeight="1"/);
  });

  it('reports progress up to every row', async () => {
    const seen: number[] = [];
    await writeWorkbookPlan(plan, { onProgress: (p) => seen.push(p.rowsDone / p.rowsTotal) });
    expect(seen.at(-1)).toBe(1);
  });
});
