/**
 * Adds native line charts to an .xlsx package written by exceljs, which has no
 * chart support of its own: for each sheet, one drawing part holding a frame
 * per chart, one chart part per chart, the relationships that link
 * sheet → drawing → chart, the sheet's `<drawing>` element and the content types.
 *
 * Worksheet parts can be hundreds of megabytes, so a sheet is never decoded
 * whole: only its root tag and the part after `</sheetData>` are read as text.
 */
import { posix } from 'node:path';
import JSZip from 'jszip';
import type { ChartPlan } from '@gradsheet/shared';
import { lineChartXml } from './chart-xml.js';
import {
  REL_TYPE_CHART,
  REL_TYPE_DRAWING,
  drawingXml,
  relationshipXml,
  relationshipsXml,
  type ChartFrame,
  type Relationship,
} from './drawing-xml.js';

const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_TYPE_WORKSHEET = `${NS_REL}/worksheet`;
const CONTENT_TYPE_DRAWING = 'application/vnd.openxmlformats-officedocument.drawing+xml';
const CONTENT_TYPE_CHART = 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml';
const WORKBOOK_PART = 'xl/workbook.xml';
const CONTENT_TYPES_PART = '[Content_Types].xml';

/**
 * DEFLATE level for the parts that are (re)compressed. Untouched parts keep
 * their original compressed bytes, so this only costs time on the sheets that
 * receive a drawing and on the new parts; level 6 is zlib's default balance.
 */
const DEFLATE_LEVEL = 6;

/** Worksheet children that the schema places after `<drawing>`. */
const AFTER_DRAWING = new Set([
  'legacyDrawing',
  'legacyDrawingHF',
  'drawingHF',
  'picture',
  'oleObjects',
  'controls',
  'webPublishItems',
  'tableParts',
  'extLst',
]);

/** Start and end tags (not comments or processing instructions); attribute values may hold `>`. */
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Returns a copy of `xlsx` with each sheet's charts added. Sheets are named as
 * in the workbook; every named sheet must exist and must not have a drawing yet.
 */
export async function addChartsToXlsx(
  xlsx: Buffer,
  chartsBySheet: ReadonlyMap<string, readonly ChartPlan[]>,
): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  await addChartsToPackage(zip, chartsBySheet);
  return generatePackage(zip);
}

/** Regenerates a package; untouched parts keep their compressed bytes. */
export function generatePackage(zip: JSZip): Promise<Buffer> {
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: DEFLATE_LEVEL },
  });
}

/** Adds each sheet's charts to an opened package (see addChartsToXlsx). */
export async function addChartsToPackage(zip: JSZip, chartsBySheet: ReadonlyMap<string, readonly ChartPlan[]>): Promise<void> {
  const sheetParts = await worksheetPartsByName(zip);
  let drawingNumber = highestPartNumber(zip, /^xl\/drawings\/drawing(\d+)\.xml$/);
  let chartNumber = highestPartNumber(zip, /^xl\/charts\/chart(\d+)\.xml$/);
  const newParts: { readonly part: string; readonly contentType: string }[] = [];

  for (const [sheetName, charts] of chartsBySheet) {
    if (charts.length === 0) continue;
    const sheetPart = sheetParts.get(sheetName);
    if (sheetPart === undefined) throw new Error(`cannot add charts: the workbook has no sheet named "${sheetName}"`);

    const drawingPart = `xl/drawings/drawing${++drawingNumber}.xml`;
    const chartRels: Relationship[] = [];
    const frames: ChartFrame[] = charts.map((chart, index) => {
      const chartPart = `xl/charts/chart${++chartNumber}.xml`;
      writePart(zip, chartPart, lineChartXml(chart));
      newParts.push({ part: chartPart, contentType: CONTENT_TYPE_CHART });
      const chartRelId = `rId${index + 1}`;
      chartRels.push({ id: chartRelId, type: REL_TYPE_CHART, target: relativeTarget(drawingPart, chartPart) });
      return { anchor: chart.anchor, chartRelId, description: chart.title };
    });
    writePart(zip, drawingPart, drawingXml(frames));
    writePart(zip, relsPartOf(drawingPart), relationshipsXml(chartRels));
    newParts.push({ part: drawingPart, contentType: CONTENT_TYPE_DRAWING });

    const drawingRelId = await addRelationship(zip, sheetPart, REL_TYPE_DRAWING, relativeTarget(sheetPart, drawingPart));
    await insertDrawingElement(zip, sheetPart, drawingRelId);
  }

  await addContentTypeOverrides(zip, newParts);
}

/** Sheet name → worksheet part path (no leading slash), via the workbook and its relationships. */
async function worksheetPartsByName(zip: JSZip): Promise<Map<string, string>> {
  const workbook = await readText(zip, WORKBOOK_PART);
  const rels = await readRelationships(zip, relsPartOf(WORKBOOK_PART));
  const rootTag = /<workbook\b(?:"[^"]*"|'[^']*'|[^'">])*>/.exec(workbook)?.[0] ?? '';
  const relPrefix = namespacePrefix(rootTag, NS_REL) ?? 'r';

  const parts = new Map<string, string>();
  for (const [tag] of workbook.matchAll(/<sheet\b(?:"[^"]*"|'[^']*'|[^'">])*>/g)) {
    const attrs = attributes(tag);
    const name = attrs.get('name');
    const rel = rels.find((r) => r.id === attrs.get(`${relPrefix}:id`));
    if (name === undefined || rel === undefined || rel.type !== REL_TYPE_WORKSHEET) continue;
    parts.set(name, resolveTarget(WORKBOOK_PART, rel.target));
  }
  return parts;
}

/** Adds a relationship from `sourcePart`, creating or extending its rels part; returns the new id. */
async function addRelationship(zip: JSZip, sourcePart: string, type: string, target: string): Promise<string> {
  const relsPart = relsPartOf(sourcePart);
  const existing = await readRelationships(zip, relsPart);
  const taken = new Set(existing.map((rel) => rel.id));
  let n = existing.length + 1;
  while (taken.has(`rId${n}`)) n++;
  const rel: Relationship = { id: `rId${n}`, type, target };

  if (zip.file(relsPart) === null) {
    writePart(zip, relsPart, relationshipsXml([rel]));
  } else {
    const xml = await readText(zip, relsPart);
    writePart(zip, relsPart, insertBeforeClosingRoot(xml, 'Relationships', relationshipXml(rel)));
  }
  return rel.id;
}

/**
 * Inserts `<drawing r:id="…"/>` where CT_Worksheet's sequence wants it: after
 * everything up to smartTags, before legacyDrawing…extLst. Only the root tag
 * and the children after `</sheetData>` are decoded.
 */
async function insertDrawingElement(zip: JSZip, sheetPart: string, relId: string): Promise<void> {
  const bytes = await readBytes(zip, sheetPart);

  const rootStart = bytes.indexOf('<worksheet');
  if (rootStart < 0) throw new Error(`${sheetPart}: no <worksheet> root (a prefixed root is not supported)`);
  const headText = bytes.subarray(rootStart, rootStart + 64 * 1024).toString('utf8');
  const rootTag = /^<worksheet\b(?:"[^"]*"|'[^']*'|[^'">])*>/.exec(headText)?.[0];
  if (rootTag === undefined) throw new Error(`${sheetPart}: unreadable <worksheet> start tag`);
  const rootEnd = rootStart + Buffer.byteLength(rootTag, 'utf8');

  // The r: prefix of r:id must be bound on the root; bind it if the writer did not.
  let prefix = namespacePrefix(rootTag, NS_REL);
  let newRootTag = rootTag;
  if (prefix === undefined) {
    if (attributes(rootTag).has('xmlns:r')) throw new Error(`${sheetPart}: prefix r is bound to another namespace`);
    prefix = 'r';
    newRootTag = rootTag.replace(/\s*>$/, ` xmlns:r="${NS_REL}">`);
  }

  const sheetDataEnd = bytes.lastIndexOf('</sheetData>');
  const tailStart = sheetDataEnd >= 0 ? sheetDataEnd + '</sheetData>'.length : rootEnd;
  const tail = bytes.subarray(tailStart).toString('utf8');
  const at = drawingInsertionIndex(tail, sheetPart);
  const drawing = `<drawing ${prefix}:id="${relId}"/>`;

  writePart(
    zip,
    sheetPart,
    Buffer.concat([
      bytes.subarray(0, rootStart),
      Buffer.from(newRootTag, 'utf8'),
      bytes.subarray(rootEnd, tailStart),
      Buffer.from(tail.slice(0, at) + drawing + tail.slice(at), 'utf8'),
    ]),
  );
}

/** Index in `tail` (worksheet children after sheetData) at which `<drawing>` belongs. */
function drawingInsertionIndex(tail: string, sheetPart: string): number {
  let depth = 0;
  for (const match of tail.matchAll(TAG)) {
    const [, closing, name = '', selfClosing] = match;
    if (closing) {
      if (depth === 0) return match.index; // </worksheet>
      depth--;
      continue;
    }
    if (depth === 0) {
      if (name === 'drawing') throw new Error(`${sheetPart} already has a drawing; adding charts to it is not supported`);
      if (AFTER_DRAWING.has(name)) return match.index;
    }
    if (!selfClosing) depth++;
  }
  throw new Error(`${sheetPart}: no </worksheet> end tag`);
}

async function addContentTypeOverrides(
  zip: JSZip,
  parts: readonly { readonly part: string; readonly contentType: string }[],
): Promise<void> {
  if (parts.length === 0) return;
  const xml = await readText(zip, CONTENT_TYPES_PART);
  const overrides = parts
    .map(({ part, contentType }) => `<Override PartName="/${part}" ContentType="${contentType}"/>`)
    .join('');
  writePart(zip, CONTENT_TYPES_PART, insertBeforeClosingRoot(xml, 'Types', overrides));
}

/** Inserts `content` as the last children of the root element `root`, which may be self-closing. */
function insertBeforeClosingRoot(xml: string, root: string, content: string): string {
  const close = xml.lastIndexOf(`</${root}>`);
  if (close >= 0) return xml.slice(0, close) + content + xml.slice(close);
  const selfClosing = new RegExp(`<${root}\\b((?:"[^"]*"|'[^']*'|[^'">])*?)\\s*/>`).exec(xml);
  if (selfClosing === null) throw new Error(`no <${root}> root element`);
  const open = `<${root}${selfClosing[1] ?? ''}>`;
  return xml.slice(0, selfClosing.index) + open + content + `</${root}>` + xml.slice(selfClosing.index + selfClosing[0].length);
}

async function readRelationships(zip: JSZip, relsPart: string): Promise<Relationship[]> {
  if (zip.file(relsPart) === null) return [];
  const xml = await readText(zip, relsPart);
  const rels: Relationship[] = [];
  for (const [tag] of xml.matchAll(/<Relationship\b(?:"[^"]*"|'[^']*'|[^'">])*>/g)) {
    const attrs = attributes(tag);
    const id = attrs.get('Id');
    const type = attrs.get('Type');
    const target = attrs.get('Target');
    if (id !== undefined && type !== undefined && target !== undefined) rels.push({ id, type, target });
  }
  return rels;
}

/** The prefix a start tag binds to `namespace`, if any. */
function namespacePrefix(startTag: string, namespace: string): string | undefined {
  for (const [name, value] of attributes(startTag)) {
    if (name.startsWith('xmlns:') && value === namespace) return name.slice('xmlns:'.length);
  }
  return undefined;
}

/** A start tag's attributes, with entity references decoded. */
function attributes(startTag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const [, name = '', doubleQuoted, singleQuoted] of startTag.matchAll(ATTRIBUTE)) {
    attrs.set(name, unescapeXml(doubleQuoted ?? singleQuoted ?? ''));
  }
  return attrs;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|quot|apos|amp);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return NAMED_ENTITIES[entity] ?? '';
  });
}

function highestPartNumber(zip: JSZip, pattern: RegExp): number {
  let highest = 0;
  zip.forEach((path) => {
    const number = pattern.exec(path)?.[1];
    if (number !== undefined) highest = Math.max(highest, Number(number));
  });
  return highest;
}

/** `xl/worksheets/sheet1.xml` → `xl/worksheets/_rels/sheet1.xml.rels`. */
function relsPartOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

/** A relationship target as a part path: absolute targets start at the package root. */
function resolveTarget(sourcePart: string, target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(posix.dirname(sourcePart), target));
}

function relativeTarget(sourcePart: string, targetPart: string): string {
  return posix.relative(posix.dirname(sourcePart), targetPart);
}

function writePart(zip: JSZip, part: string, content: string | Buffer): void {
  zip.file(part, content, { createFolders: false });
}

async function readText(zip: JSZip, part: string): Promise<string> {
  const file = zip.file(part);
  if (file === null) throw new Error(`the package has no ${part}`);
  return file.async('string');
}

async function readBytes(zip: JSZip, part: string): Promise<Buffer> {
  const file = zip.file(part);
  if (file === null) throw new Error(`the package has no ${part}`);
  return file.async('nodebuffer');
}
