import { readFile, writeFile } from 'node:fs/promises';
import JSZip from 'jszip';

/**
 * Changes one number in a saved workbook, the way a learner typing into the cell
 * would, leaving every other byte of the sheet alone (formulas, cached results, charts).
 */
export async function setCellNumber(xlsxPath: string, sheetName: string, address: string, value: number): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(xlsxPath));
  const part = await sheetPart(zip, sheetName);
  const xml = await zip.file(part)!.async('string');
  const cell = new RegExp(`<c r="${address}"([^>]*?)(/>|>[\\s\\S]*?</c>)`);
  const match = cell.exec(xml);
  if (!match) throw new Error(`cell ${sheetName}!${address} not found`);
  const attributes = (match[1] ?? '').replace(/\s+t="[^"]*"/, '');
  const updated = xml.replace(cell, `<c r="${address}"${attributes}><v>${value}</v></c>`);
  zip.file(part, updated);
  await writeFile(xlsxPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

async function sheetPart(zip: JSZip, sheetName: string): Promise<string> {
  const workbook = await zip.file('xl/workbook.xml')!.async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const sheet = new RegExp(`<sheet [^>]*name="${sheetName}"[^>]*r:id="([^"]+)"`).exec(workbook);
  if (!sheet) throw new Error(`sheet ${sheetName} not found`);
  const target = new RegExp(`<Relationship [^>]*Id="${sheet[1]}"[^>]*Target="([^"]+)"`).exec(rels)
    ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${sheet[1]}"`).exec(rels);
  if (!target?.[1]) throw new Error(`no part for sheet ${sheetName}`);
  return target[1].startsWith('/') ? target[1].slice(1) : `xl/${target[1]}`;
}

/** Types text into a cell of a saved workbook (as an inline string), leaving the rest of the sheet alone. */
export async function setCellText(xlsxPath: string, sheetName: string, address: string, text: string): Promise<void> {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  await replaceCell(xlsxPath, sheetName, address, (attributes) => `<c r="${address}"${attributes} t="inlineStr"><is><t>${escaped}</t></is></c>`);
}

/** Empties a cell of a saved workbook, as pressing Delete would; its style stays. */
export async function clearCell(xlsxPath: string, sheetName: string, address: string): Promise<void> {
  await replaceCell(xlsxPath, sheetName, address, (attributes) => `<c r="${address}"${attributes}/>`);
}

async function replaceCell(xlsxPath: string, sheetName: string, address: string, cellXml: (attributes: string) => string): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(xlsxPath));
  const part = await sheetPart(zip, sheetName);
  const xml = await zip.file(part)!.async('string');
  const cell = new RegExp(`<c r="${address}"([^>]*?)(/>|>[\\s\\S]*?</c>)`);
  const match = cell.exec(xml);
  if (!match) throw new Error(`cell ${sheetName}!${address} not found`);
  const attributes = (match[1] ?? '').replace(/\s+t="[^"]*"/, '');
  zip.file(part, xml.replace(cell, cellXml(attributes)));
  await writeFile(xlsxPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}
