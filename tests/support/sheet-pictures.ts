/**
 * Pictures of sheets as LibreOffice prints them: each pictured sheet gets a print
 * setup (its print area on one landscape page, narrow margins, grid lines and
 * headings where asked), the other sheets are hidden, LibreOffice headless prints
 * the workbook to PDF, and poppler's pdftoppm renders each page to PNG, cropped to
 * what is drawn. The tests' workbooks and the docs' pictures (tests/docs-pictures.test.ts) use it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { convertToPdf } from './libreoffice.js';

const run = promisify(execFile);

export interface SheetPicture {
  readonly sheet: string;
  /** The cells pictured, e.g. "$A$1:$N$34". */
  readonly area: string;
  /** The PNG's path. */
  readonly file: string;
  readonly dpi?: number;
  /** Grid lines and row and column headings, so the page looks like the sheet on screen. */
  readonly gridLines?: boolean;
}

/** What a picture shows, as shares of its drawn area: near-black, clearly red and clearly blue pixels. */
export interface PictureColours {
  readonly width: number;
  readonly height: number;
  readonly dark: number;
  readonly red: number;
  readonly blue: number;
}

/** Draws each picture; returns what each shows, by file. */
export async function drawSheetPictures(xlsxPath: string, pictures: readonly SheetPicture[]): Promise<Map<string, PictureColours>> {
  const drawn = new Map<string, PictureColours>();
  const work = await mkdtemp(join(tmpdir(), 'gradsheet-pictures-'));
  try {
    const zip = await JSZip.loadAsync(await readFile(xlsxPath));
    const parts = await sheetParts(zip);
    for (const picture of pictures) {
      const part = parts.get(picture.sheet);
      if (!part) throw new Error(`the workbook has no sheet "${picture.sheet}"`);
      zip.file(part.path, printSetup(await zip.file(part.path)!.async('string'), picture.gridLines === true));
    }
    const workbook = await zip.file('xl/workbook.xml')!.async('string');
    zip.file('xl/workbook.xml', printAreas(workbook, pictures, parts));
    const printable = join(work, 'printable.xlsx');
    await writeFile(printable, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const pdf = await convertToPdf(printable, work);
    // LibreOffice prints the visible sheets in the workbook's order, one page each.
    const inOrder = [...pictures].sort((a, b) => (parts.get(a.sheet)?.index ?? 0) - (parts.get(b.sheet)?.index ?? 0));
    for (const [index, picture] of inOrder.entries()) {
      const page = String(index + 1);
      const dpi = String(picture.dpi ?? 110);
      const ppm = await renderPpm(pdf, page, dpi);
      const box = drawnBox(ppm);
      drawn.set(picture.file, colours(ppm, box));
      const pad = 8;
      await run('pdftoppm', [
        '-png', '-singlefile', '-r', dpi, '-f', page, '-l', page,
        '-x', String(Math.max(0, box.left - pad)), '-y', String(Math.max(0, box.top - pad)),
        '-W', String(box.right - box.left + 2 * pad), '-H', String(box.bottom - box.top + 2 * pad),
        pdf, picture.file.replace(/\.png$/, ''),
      ]);
    }
    return drawn;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Sheet name → its part and its position in the workbook (localSheetId). */
async function sheetParts(zip: JSZip): Promise<Map<string, { path: string; index: number }>> {
  const workbook = await zip.file('xl/workbook.xml')!.async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const parts = new Map<string, { path: string; index: number }>();
  let index = 0;
  for (const [, attributes = ''] of workbook.matchAll(/<sheet ([^>]*)\/>/g)) {
    const name = unescapeXml(/name="([^"]*)"/.exec(attributes)?.[1] ?? '');
    const id = /r:id="([^"]*)"/.exec(attributes)?.[1];
    const target = new RegExp(`<Relationship [^>]*Id="${id}"[^>]*>`).exec(rels)?.[0].match(/Target="([^"]*)"/)?.[1] ?? '';
    parts.set(name, { path: target.startsWith('/') ? target.slice(1) : `xl/${target}`, index: index++ });
  }
  return parts;
}

/** Fitted to one landscape page with narrow margins; grid lines and headings when asked. */
function printSetup(xml: string, gridLines: boolean): string {
  const options = gridLines ? '<printOptions gridLines="1" headings="1"/>' : '';
  return withFitToPage(xml)
    .replace(/<printOptions[^>]*\/>/, '')
    .replace(/<pageMargins[^>]*\/>/, `${options}<pageMargins left="0.2" right="0.2" top="0.2" bottom="0.2" header="0" footer="0"/>`)
    .replace(/<pageSetup[^>]*\/>/, '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="1"/>');
}

/** `fitToPage` lives in sheetPr, which comes first in a worksheet and may be missing. */
function withFitToPage(xml: string): string {
  const fit = '<pageSetUpPr fitToPage="1"/>';
  if (xml.includes('</sheetPr>')) return xml.replace('</sheetPr>', `${fit}</sheetPr>`);
  if (/<sheetPr\b[^>]*\/>/.test(xml)) return xml.replace(/<sheetPr\b([^>]*)\/>/, `<sheetPr$1>${fit}</sheetPr>`);
  return xml.replace(/<(dimension|sheetViews|sheetFormatPr)\b/, `<sheetPr>${fit}</sheetPr><$1`);
}

/** A print area on each pictured sheet; the other sheets hidden, so that none of their pages print. */
function printAreas(xml: string, pictures: readonly SheetPicture[], parts: Map<string, { path: string; index: number }>): string {
  const quoted = (sheet: string) => `'${sheet.replace(/'/g, "''")}'`;
  const names = pictures
    .map((p) => `<definedName name="_xlnm.Print_Area" localSheetId="${parts.get(p.sheet)?.index ?? 0}">${escapeXml(quoted(p.sheet))}!${p.area}</definedName>`)
    .join('');
  let result = xml.includes('</definedNames>') ? xml.replace('</definedNames>', `${names}</definedNames>`) : xml.replace('</sheets>', `</sheets><definedNames>${names}</definedNames>`);
  // A workbook shows its active sheet even when hidden: make the first pictured sheet the active one.
  const first = Math.min(...pictures.map((p) => parts.get(p.sheet)?.index ?? 0));
  result = result.replace(/<bookViews>[\s\S]*?<\/bookViews>/, '').replace('<sheets>', `<bookViews><workbookView activeTab="${first}"/></bookViews><sheets>`);
  for (const sheet of parts.keys()) {
    if (pictures.some((p) => p.sheet === sheet)) continue;
    result = result.replace(new RegExp(`(<sheet [^>]*name="${escapeXml(sheet)}"[^>]*)state="visible"`), '$1state="hidden"');
  }
  return result;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

interface Ppm {
  readonly width: number;
  readonly height: number;
  readonly pixels: Buffer;
}

/** One page as a PPM image (header, then RGB bytes): easy to scan without an image library. */
async function renderPpm(pdf: string, page: string, dpi: string): Promise<Ppm> {
  const { stdout } = await run('pdftoppm', ['-r', dpi, '-f', page, '-l', page, '-singlefile', pdf], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(stdout.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PPM image');
  return { width: Number(header[1]), height: Number(header[2]), pixels: stdout.subarray(header[0].length) };
}

/** The smallest rectangle holding every pixel that is not white. */
function drawnBox({ width, height, pixels }: Ppm): { left: number; top: number; right: number; bottom: number } {
  let left = width;
  let top = height;
  let right = 0;
  let bottom = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      if ((pixels[i] as number) < 250 || (pixels[i + 1] as number) < 250 || (pixels[i + 2] as number) < 250) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  if (right < left) throw new Error('the page is blank');
  return { left, top, right, bottom };
}

function colours({ width, pixels }: Ppm, box: { left: number; top: number; right: number; bottom: number }): PictureColours {
  let dark = 0;
  let red = 0;
  let blue = 0;
  for (let y = box.top; y <= box.bottom; y++) {
    for (let x = box.left; x <= box.right; x++) {
      const i = 3 * (y * width + x);
      const [r, g, b] = [pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number];
      if (r < 60 && g < 60 && b < 60) dark++;
      if (r > 150 && g < 110 && b < 110) red++;
      if (b > 150 && r < 110 && g < 170) blue++;
    }
  }
  const area = (box.right - box.left + 1) * (box.bottom - box.top + 1);
  return { width: box.right - box.left + 1, height: box.bottom - box.top + 1, dark: dark / area, red: red / area, blue: blue / area };
}
