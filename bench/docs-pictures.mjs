#!/usr/bin/env node
/**
 * Draws the pictures of the backprop workbook that the docs show (docs/images/).
 *
 *   node bench/docs-pictures.mjs [OUT_DIR]        (default: docs/images)
 *
 * It writes a workbook with the real `gradsheet backprop` command, gives each sheet a
 * print setup (a print area, one page, grid lines and headings, so the
 * page looks like the sheet on screen), lets LibreOffice headless print it to PDF,
 * and has poppler's pdftoppm render each page to PNG, cropped to what is drawn.
 * Needs `npm run build`, soffice and pdftoppm (Debian: poppler-utils).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'docs/images'));

/** Each picture: the sheet, the cells it shows, the page's orientation and resolution, and the file it becomes. */
const PICTURES = [
  { sheet: 'Parameters', area: '$A$1:$N$25', orientation: 'landscape', dpi: 110, file: 'workbook-parameters.png' },
  { sheet: 'Backprop', area: '$A$1:$P$16', orientation: 'landscape', dpi: 110, file: 'workbook-backprop.png' },
  { sheet: 'Derivation', area: '$A$1:$E$39', orientation: 'landscape', dpi: 150, file: 'workbook-derivation.png' },
  { sheet: 'LR Comparison', area: '$A$1:$S$27', orientation: 'landscape', dpi: 110, file: 'workbook-lr-comparison.png' },
];

const work = mkdtempSync(join(tmpdir(), 'gradsheet-pictures-'));
try {
  const xlsx = join(work, 'backprop.xlsx');
  execFileSync(process.execPath, [join(root, 'server/bin/gradsheet.js'), 'backprop', '--out', xlsx, '--steps', '30'], { stdio: 'inherit' });
  const zip = await JSZip.loadAsync(readFileSync(xlsx));
  const parts = await sheetParts(zip);
  const printed = [];
  for (const [index, picture] of PICTURES.entries()) {
    const part = parts.get(picture.sheet);
    if (!part) throw new Error(`the workbook has no sheet "${picture.sheet}"`);
    zip.file(part.path, printSetup(await zip.file(part.path).async('string'), picture.orientation));
    printed.push({ ...picture, localSheetId: part.index, page: index + 1 });
  }
  // Only the pictured sheets are printed, in the order above: one page each.
  const workbook = await zip.file('xl/workbook.xml').async('string');
  zip.file('xl/workbook.xml', printAreas(workbook, printed, parts));
  const printable = join(work, 'printable.xlsx');
  writeFileSync(printable, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));

  execFileSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, printable], {
    stdio: 'ignore',
  });
  const pdf = join(work, 'printable.pdf');
  for (const picture of printed) {
    const box = drawnBox(renderPpm(pdf, picture.page, picture.dpi));
    const target = join(outDir, picture.file);
    const pad = 8;
    execFileSync('pdftoppm', [
      '-png', '-singlefile', '-r', String(picture.dpi), '-f', String(picture.page), '-l', String(picture.page),
      '-x', String(Math.max(0, box.left - pad)), '-y', String(Math.max(0, box.top - pad)),
      '-W', String(box.right - box.left + 2 * pad), '-H', String(box.bottom - box.top + 2 * pad),
      pdf, target.replace(/\.png$/, ''),
    ]);
    process.stdout.write(`Wrote ${target}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Sheet name → its part and its position in the workbook (localSheetId). */
async function sheetParts(zip) {
  const workbook = await zip.file('xl/workbook.xml').async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels').async('string');
  const parts = new Map();
  let index = 0;
  for (const [, attributes] of workbook.matchAll(/<sheet ([^>]*)\/>/g)) {
    const name = /name="([^"]*)"/.exec(attributes)[1];
    const id = /r:id="([^"]*)"/.exec(attributes)[1];
    const rel = new RegExp(`<Relationship [^>]*Id="${id}"[^>]*>`).exec(rels)[0];
    const target = /Target="([^"]*)"/.exec(rel)[1];
    parts.set(name, { path: target.startsWith('/') ? target.slice(1) : `xl/${target}`, index: index++ });
  }
  return parts;
}

/** Fitted to one page, narrow margins, with grid lines and row and column headings. */
function printSetup(xml, orientation) {
  return withFitToPage(xml)
    .replace(/<pageMargins[^>]*\/>/, '<printOptions gridLines="1" headings="1"/><pageMargins left="0.2" right="0.2" top="0.2" bottom="0.2" header="0" footer="0"/>')
    .replace(/<pageSetup[^>]*\/>/, `<pageSetup paperSize="9" orientation="${orientation}" fitToWidth="1" fitToHeight="1"/>`);
}

/** `fitToPage` lives in sheetPr, which comes first in a worksheet and may be missing. */
function withFitToPage(xml) {
  const fit = '<pageSetUpPr fitToPage="1"/>';
  if (xml.includes('</sheetPr>')) return xml.replace('</sheetPr>', `${fit}</sheetPr>`);
  // `<sheetPr\b`, not `<sheetPr`: sheetProtection starts the same way.
  if (/<sheetPr\b[^>]*\/>/.test(xml)) return xml.replace(/<sheetPr\b([^>]*)\/>/, `<sheetPr$1>${fit}</sheetPr>`);
  return xml.replace(/<(dimension|sheetViews|sheetFormatPr)\b/, `<sheetPr>${fit}</sheetPr><$1`);
}

/** A print area on each pictured sheet, and an empty one (a blank cell, never drawn) elsewhere. */
function printAreas(xml, printed, parts) {
  const quoted = (sheet) => `'${sheet.replace(/'/g, "''")}'`;
  const names = [...parts.entries()].map(([sheet, part]) => {
    const picture = printed.find((p) => p.sheet === sheet);
    return picture
      ? `<definedName name="_xlnm.Print_Area" localSheetId="${part.index}">${quoted(sheet)}!${picture.area}</definedName>`
      : '';
  });
  const hidden = [...parts.keys()].filter((sheet) => !printed.some((p) => p.sheet === sheet));
  let result = xml.replace('</definedNames>', `${names.join('')}</definedNames>`);
  // Sheets not pictured are hidden, so that LibreOffice prints none of their pages.
  for (const sheet of hidden) result = result.replace(new RegExp(`(<sheet [^>]*name="${sheet}"[^>]*)state="visible"`), '$1state="hidden"');
  return result;
}

/** One page as a PPM image (header, then RGB bytes): easy to scan without an image library. */
function renderPpm(pdf, page, dpi) {
  const bytes = execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', pdf], { maxBuffer: 1 << 28 });
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PPM image');
  return { width: Number(header[1]), height: Number(header[2]), pixels: bytes.subarray(header[0].length) };
}

/** The smallest rectangle that holds every pixel that is not white. */
function drawnBox({ width, height, pixels }) {
  let left = width, top = height, right = 0, bottom = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      if (pixels[i] < 250 || pixels[i + 1] < 250 || pixels[i + 2] < 250) {
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
