import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { ChartPlan, LineChartPlan, RangeRef } from '@gradsheet/shared';
import { finishPackage } from '../finish-package.js';
import { categoryLabelSkip, chartXml } from './chart-xml.js';

const STEPS = 100;
const DRAWING_TYPE = 'application/vnd.openxmlformats-officedocument.drawing+xml';
const CHART_TYPE = 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml';
const REL_DRAWING = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing';
const REL_CHART = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart';

function column(sheet: string, col: number, firstRow = 1, length = STEPS): RangeRef {
  return { sheet, start: { row: firstRow, col }, end: { row: firstRow + length - 1, col } };
}

function cell(sheet: string, row: number, col: number): RangeRef {
  return { sheet, start: { row, col }, end: { row, col } };
}

const lossChart: LineChartPlan = {
  kind: 'line',
  title: 'E_total against step',
  xAxisTitle: 'Step',
  yAxisTitle: 'E_total',
  categories: column('Steps', 0),
  series: [{ name: 'E_total & <friends>', values: column('Steps', 1) }],
  anchor: { from: { row: 3, col: 5 }, to: { row: 23, col: 14 } },
};

const comparisonChart: LineChartPlan = {
  kind: 'line',
  title: 'E_total against step for each learning rate η',
  xAxisTitle: 'Step',
  yAxisTitle: 'E_total',
  categories: column('LR Comparison', 0),
  series: [1, 2, 3].map((col) => ({ name: cell('LR Comparison', 0, col), values: column('LR Comparison', col) })),
  anchor: { from: { row: 2, col: 6 }, to: { row: 26, col: 17 } },
};

const secondComparisonChart: LineChartPlan = {
  ...comparisonChart,
  title: 'First ten steps',
  categories: column('LR Comparison', 0, 1, 10),
  series: [{ name: cell('LR Comparison', 0, 1), values: column('LR Comparison', 1, 1, 10) }],
  anchor: { from: { row: 28, col: 6 }, to: { row: 50, col: 17 } },
};

/** The package with each sheet's charts added, and nothing else changed. */
function addChartsToXlsx(xlsx: Buffer, charts: ReadonlyMap<string, readonly ChartPlan[]>): Promise<Buffer> {
  return finishPackage(xlsx, { charts });
}

/** Parameters (with a hyperlink, so it already has a rels part), LR Comparison (with a note and a table), Steps. */
async function sampleWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const parameters = workbook.addWorksheet('Parameters');
  parameters.getCell('A1').value = { text: 'Guide', hyperlink: 'https://example.com/guide' };

  const comparison = workbook.addWorksheet('LR Comparison');
  comparison.getRow(1).values = ['Step', 0.1, 0.5, 2];
  for (let step = 0; step < STEPS; step++) {
    comparison.getRow(step + 2).values = [step, Math.exp(-step / 50), Math.exp(-step / 10), Math.exp(-step / 3)];
  }
  comparison.getCell('A1').note = 'Each column trains with its own η';
  comparison.addTable({ name: 'Etas', ref: 'Z1', columns: [{ name: 'η' }], rows: [[0.1], [0.5]] });

  const steps = workbook.addWorksheet('Steps');
  steps.getRow(1).values = ['Step', 'E_total'];
  for (let step = 0; step < STEPS; step++) steps.getRow(step + 2).values = [step, 1 / (step + 1)];

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function text(zip: JSZip, part: string): Promise<string> {
  const file = zip.file(part);
  if (file === null) throw new Error(`missing part ${part}`);
  return file.async('string');
}

/** Relationship id → { type, target } of a rels part. */
async function relationships(zip: JSZip, part: string): Promise<Map<string, { type: string; target: string }>> {
  const rels = new Map<string, { type: string; target: string }>();
  for (const [, id = '', type = '', target = ''] of (await text(zip, part)).matchAll(
    /<Relationship Id="([^"]+)" Type="([^"]+)" Target="([^"]+)"/g,
  )) {
    rels.set(id, { type, target });
  }
  return rels;
}

/** The worksheet part of each sheet name, as the workbook itself declares it. */
async function sheetParts(zip: JSZip): Promise<Map<string, string>> {
  const rels = await relationships(zip, 'xl/_rels/workbook.xml.rels');
  const parts = new Map<string, string>();
  for (const [, name = '', id = ''] of (await text(zip, 'xl/workbook.xml')).matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)) {
    const target = rels.get(id)?.target ?? '';
    parts.set(name, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  return parts;
}

function relsPart(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`;
}

/** Top-level element names after `</sheetData>`, in document order. */
function tailElements(sheetXml: string): string[] {
  const tail = sheetXml.slice(sheetXml.indexOf('</sheetData>') + '</sheetData>'.length);
  const names: string[] = [];
  let depth = 0;
  for (const [, closing, name = '', selfClosing] of tail.matchAll(/<(\/?)([\w:]+)[^>]*?(\/?)>/g)) {
    if (closing) depth--;
    else {
      if (depth === 0) names.push(name);
      if (!selfClosing) depth++;
    }
  }
  return names;
}

/** Follows sheet → drawing → charts and returns the drawing part and its chart parts in anchor order. */
async function chartsOfSheet(zip: JSZip, sheetPart: string): Promise<{ drawing: string; charts: string[] }> {
  const sheetXml = await text(zip, sheetPart);
  const drawingId = /<drawing r:id="([^"]+)"\/>/.exec(sheetXml)?.[1];
  expect(drawingId).toBeDefined();
  const drawingRel = (await relationships(zip, relsPart(sheetPart))).get(drawingId ?? '');
  expect(drawingRel?.type).toBe(REL_DRAWING);
  const drawing = `xl/drawings/${(drawingRel?.target ?? '').replace('../drawings/', '')}`;

  const chartRels = await relationships(zip, relsPart(drawing));
  const charts = [...(await text(zip, drawing)).matchAll(/<c:chart [^>]*r:id="([^"]+)"\/>/g)].map(([, id = '']) => {
    const rel = chartRels.get(id);
    expect(rel?.type).toBe(REL_CHART);
    return `xl/charts/${(rel?.target ?? '').replace('../charts/', '')}`;
  });
  return { drawing, charts };
}

describe('adding charts to a package', () => {
  it('adds drawings, charts, relationships and content types for each sheet', async () => {
    const input = await sampleWorkbook();
    const output = await addChartsToXlsx(
      input,
      new Map<string, readonly ChartPlan[]>([
        ['Parameters', [lossChart]],
        ['LR Comparison', [comparisonChart, secondComparisonChart]],
      ]),
    );
    const zip = await JSZip.loadAsync(output);
    const parts = await sheetParts(zip);
    const parametersPart = parts.get('Parameters') ?? '';
    const comparisonPart = parts.get('LR Comparison') ?? '';
    const stepsPart = parts.get('Steps') ?? '';

    const contentTypes = await text(zip, '[Content_Types].xml');
    for (const drawing of ['xl/drawings/drawing1.xml', 'xl/drawings/drawing2.xml']) {
      expect(zip.file(drawing)).not.toBeNull();
      expect(contentTypes).toContain(`<Override PartName="/${drawing}" ContentType="${DRAWING_TYPE}"/>`);
    }
    for (const chart of ['xl/charts/chart1.xml', 'xl/charts/chart2.xml', 'xl/charts/chart3.xml']) {
      expect(contentTypes).toContain(`<Override PartName="/${chart}" ContentType="${CHART_TYPE}"/>`);
    }
    expect(zip.file('xl/charts/chart4.xml')).toBeNull();

    // The hyperlink keeps rId1; the drawing gets the next free id.
    const parametersRels = await relationships(zip, relsPart(parametersPart));
    expect(parametersRels.get('rId1')?.target).toBe('https://example.com/guide');
    expect(parametersRels.get('rId2')).toEqual({ type: REL_DRAWING, target: '../drawings/drawing1.xml' });
    const parametersXml = await text(zip, parametersPart);
    expect(tailElements(parametersXml)).toEqual(['hyperlinks', 'pageMargins', 'pageSetup', 'drawing']);
    expect(parametersXml).toContain('<hyperlink ref="A1" r:id="rId1"/>');
    expect(parametersXml).toContain('<drawing r:id="rId2"/>');

    // The note and table already use rId1–rId3; the drawing must precede tableParts and legacyDrawing.
    const comparisonRels = await relationships(zip, relsPart(comparisonPart));
    expect(comparisonRels.size).toBe(4);
    const comparisonXml = await text(zip, comparisonPart);
    const comparisonTail = tailElements(comparisonXml);
    expect(comparisonTail.indexOf('drawing')).toBe(comparisonTail.indexOf('pageSetup') + 1);
    expect(comparisonTail.indexOf('drawing')).toBeLessThan(comparisonTail.indexOf('legacyDrawing'));
    expect(comparisonTail.indexOf('drawing')).toBeLessThan(comparisonTail.indexOf('tableParts'));
    expect(comparisonXml.match(/<drawing /g)).toHaveLength(1);
    expect(comparisonXml).toMatch(/^<\?xml[^>]*\?>\s*<worksheet [^>]*xmlns:r="http:\/\/schemas.openxmlformats.org\/officeDocument\/2006\/relationships"/);

    // Sheets without charts are left alone.
    expect(await text(zip, stepsPart)).not.toContain('<drawing');
    expect(zip.file(relsPart(stepsPart))).toBeNull();

    const parametersCharts = await chartsOfSheet(zip, parametersPart);
    expect(parametersCharts.charts).toHaveLength(1);
    const lossXml = await text(zip, parametersCharts.charts[0] ?? '');
    expect(lossXml).toContain('<c:tx><c:v>E_total &amp; &lt;friends&gt;</c:v></c:tx>');
    expect(lossXml).toContain('<c:cat><c:numRef><c:f>Steps!$A$2:$A$101</c:f></c:numRef></c:cat>');
    expect(lossXml).toContain('<c:val><c:numRef><c:f>Steps!$B$2:$B$101</c:f></c:numRef></c:val>');
    expect(lossXml).not.toContain('<c:legend>');

    const comparisonCharts = await chartsOfSheet(zip, comparisonPart);
    expect(comparisonCharts.charts).toHaveLength(2);
    const [firstXml, secondXml] = await Promise.all(comparisonCharts.charts.map((part) => text(zip, part)));
    expect(firstXml).toContain('<a:t>E_total against step for each learning rate η</a:t>');
    expect([...(firstXml ?? '').matchAll(/<c:ser>/g)]).toHaveLength(3);
    for (const [letter, col] of [['B', 1], ['C', 2], ['D', 3]] as const) {
      expect(firstXml).toContain(`<c:idx val="${col - 1}"/><c:order val="${col - 1}"/>`);
      expect(firstXml).toContain(`<c:tx><c:strRef><c:f>'LR Comparison'!$${letter}$1</c:f></c:strRef></c:tx>`);
      expect(firstXml).toContain(`<c:val><c:numRef><c:f>'LR Comparison'!$${letter}$2:$${letter}$101</c:f></c:numRef></c:val>`);
    }
    expect(firstXml).toContain('<c:legend>');
    expect(secondXml).toContain("<c:f>'LR Comparison'!$B$2:$B$11</c:f>");

    // Two anchors on one drawing, with distinct shape ids and the planned cells.
    const drawingXml = await text(zip, comparisonCharts.drawing);
    expect([...drawingXml.matchAll(/<xdr:cNvPr id="(\d+)"/g)].map(([, id]) => id)).toEqual(['2', '3']);
    expect(drawingXml).toContain(
      '<xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>28</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>',
    );
    expect(drawingXml).toContain(
      '<xdr:to><xdr:col>17</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>50</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>',
    );
  });

  it('finds sheets through the workbook relationships and continues existing part numbers', async () => {
    // Move "LR Comparison" to an unconventional part name, reached by an absolute target.
    const zip = await JSZip.loadAsync(await sampleWorkbook());
    const parts = await sheetParts(zip);
    const original = parts.get('LR Comparison') ?? '';
    zip.file('xl/worksheets/comparison.xml', await text(zip, original));
    zip.file('xl/worksheets/_rels/comparison.xml.rels', await text(zip, relsPart(original)));
    zip.remove(original);
    zip.remove(relsPart(original));
    const workbookRels = await text(zip, 'xl/_rels/workbook.xml.rels');
    zip.file('xl/_rels/workbook.xml.rels', workbookRels.replace(`Target="${original.slice('xl/'.length)}"`, 'Target="/xl/worksheets/comparison.xml"'));
    const contentTypes = await text(zip, '[Content_Types].xml');
    zip.file('[Content_Types].xml', contentTypes.replace(`/${original}"`, '/xl/worksheets/comparison.xml"'));
    const moved = await zip.generateAsync({ type: 'nodebuffer' });

    const once = await addChartsToXlsx(moved, new Map([['LR Comparison', [comparisonChart]]]));
    const twice = await addChartsToXlsx(once, new Map([['Steps', [lossChart]]]));
    const result = await JSZip.loadAsync(twice);

    const comparison = await chartsOfSheet(result, 'xl/worksheets/comparison.xml');
    expect(comparison).toEqual({ drawing: 'xl/drawings/drawing1.xml', charts: ['xl/charts/chart1.xml'] });
    const steps = await chartsOfSheet(result, (await sheetParts(result)).get('Steps') ?? '');
    expect(steps).toEqual({ drawing: 'xl/drawings/drawing2.xml', charts: ['xl/charts/chart2.xml'] });
    expect(await text(result, 'xl/charts/chart1.xml')).toContain("'LR Comparison'!$B$1");
    expect((await text(result, '[Content_Types].xml')).match(/drawingml\.chart\+xml/g)).toHaveLength(2);
  });

  it('refuses unknown sheets and sheets that already have a drawing', async () => {
    const input = await sampleWorkbook();
    await expect(addChartsToXlsx(input, new Map([['Nope', [lossChart]]]))).rejects.toThrow(/no sheet named "Nope"/);
    const withChart = await addChartsToXlsx(input, new Map([['Steps', [lossChart]]]));
    await expect(addChartsToXlsx(withChart, new Map([['Steps', [lossChart]]]))).rejects.toThrow(/already has a <drawing>/);
  });
});

describe('chartXml', () => {
  it('writes live references without cached values, and axes in schema order', () => {
    const xml = chartXml(comparisonChart);
    expect(xml).not.toMatch(/numCache|strCache/);
    const order = ['<c:title>', '<c:plotArea>', '<c:lineChart>', '<c:catAx>', '<c:valAx>', '<c:legend>', '<c:plotVisOnly', '<c:dispBlanksAs'];
    const positions = order.map((tag) => xml.indexOf(tag));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(xml).toContain('<c:tickLblSkip val="10"/><c:tickMarkSkip val="10"/>');
    expect(xml).toMatch(/<c:valAx>.*<c:majorGridlines\/>.*<c:crossBetween val="between"\/><\/c:valAx>/);
    // Each series gets its own colour.
    const colours = [...xml.matchAll(/<a:srgbClr val="([0-9A-F]{6})"\/>/g)].map(([, colour]) => colour);
    expect(new Set(colours).size).toBe(3);
  });

  it('leaves out empty titles', () => {
    const xml = chartXml({ ...lossChart, title: '', xAxisTitle: '' });
    expect(xml).toContain('<c:autoTitleDeleted val="1"/>');
    expect(xml.match(/<c:title>/g)).toHaveLength(1);
  });

  it('writes a bar chart as clustered columns, with filled series in schema order', () => {
    const xml = chartXml({ ...lossChart, kind: 'bar', categories: column('Steps', 0, 1, 10), series: [{ name: 'p', values: column('Steps', 1, 1, 10) }] });
    expect(xml).not.toContain('<c:lineChart>');
    expect(xml).toMatch(/<c:barChart><c:barDir val="col"\/><c:grouping val="clustered"\/><c:varyColors val="0"\/><c:ser>/);
    expect(xml).toMatch(/<c:ser><c:idx val="0"\/><c:order val="0"\/><c:tx>.*<\/c:tx><c:spPr><a:solidFill>.*<\/c:spPr><c:invertIfNegative val="0"\/><c:cat>.*<\/c:cat><c:val>.*<\/c:val><\/c:ser>/);
    expect(xml).toMatch(/<\/c:ser><c:gapWidth val="\d+"\/><c:axId val="\d+"\/><c:axId val="\d+"\/><\/c:barChart><c:catAx>/);
    expect(xml).not.toMatch(/<c:marker|<c:smooth/);
  });

  it('picks a round label step giving about ten labels', () => {
    expect([1, 12, 13, 30, 101, 1000, 10_000, 10_001].map(categoryLabelSkip)).toEqual([1, 1, 2, 5, 10, 100, 1000, 1000]);
  });
});
