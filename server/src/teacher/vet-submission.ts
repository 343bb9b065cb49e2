import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import JSZip from 'jszip';
import yauzl from 'yauzl';
import type { GradSheetError } from '@gradsheet/shared';
import { submissionError } from './submission-errors.js';
import { formatBytes, SUBMISSION_LIMITS as LIMITS } from './submission-limits.js';

/**
 * Reads a submitted file defensively and returns its parts, or throws a
 * submission error (a SUBMISSION_* code) saying why it is refused. Everything that can be judged from the
 * zip's central directory (names, counts, declared sizes) is judged before any
 * part is inflated; yauzl then inflates each part and stops it at its declared
 * size, so a package that lies about its sizes cannot inflate past them either.
 */

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const DIMENSION = /<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/;
const PEEK_BYTES = 4096;
/** `<row r="N"`: the row's number, when the element starts there. */
const ROW_NUMBER = /^<row\s[^>]*?\br="(\d+)"/;
const EXCEL_MAX_ROWS = 1_048_576;

export interface VettedPackage {
  /** The parts, inflated and within the limits. */
  readonly parts: ReadonlyMap<string, Buffer>;
}

export async function vetSubmission(path: string): Promise<VettedPackage> {
  const extension = extname(path).toLowerCase();
  if (extension === '.xlsm' || extension === '.xltm' || extension === '.xlsb') {
    throw submissionError('SUBMISSION_MACROS', `a macro-enabled workbook (${extension}) is refused: save it as an .xlsx workbook`);
  }
  const info = await stat(path).catch(() => null);
  if (!info) throw submissionError('SUBMISSION_UNREADABLE', 'does not exist');
  if (!info.isFile()) throw submissionError('SUBMISSION_UNREADABLE', 'is not a file');
  if (info.size > LIMITS.fileBytes) {
    throw submissionError('SUBMISSION_TOO_LARGE', `is ${formatBytes(info.size)}; a submission may be at most ${formatBytes(LIMITS.fileBytes)}`);
  }
  const bytes = await readFile(path);
  if (bytes.subarray(0, 4).equals(OLE_MAGIC)) {
    throw submissionError('SUBMISSION_NOT_XLSX', 'is an Excel 97–2003 (.xls) file or another OLE document: save it as an .xlsx workbook');
  }
  if (!bytes.subarray(0, 4).equals(ZIP_MAGIC)) throw submissionError('SUBMISSION_NOT_XLSX', 'is not an .xlsx workbook (it is not a zip package)');
  if (extension !== '.xlsx') throw submissionError('SUBMISSION_NOT_XLSX', `has the extension "${extension || '(none)'}"; submissions must be .xlsx workbooks`);

  const zip = await openZip(bytes);
  try {
    const entries = await centralDirectory(zip);
    checkNames(entries);
    for (const entry of entries) {
      if (isWorksheet(entry.fileName)) checkDimension(entry.fileName, await peek(zip, entry));
    }
    checkDeclaredSizes(entries);
    const parts = new Map<string, Buffer>();
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      parts.set(entry.fileName, await inflate(zip, entry));
    }
    checkContent(parts);
    return { parts };
  } finally {
    zip.close();
  }
}

/** The parts as a zip package again, stored without compression, for readers that take a package (exceljs). */
export async function packageOf(vetted: VettedPackage): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, data] of vetted.parts) zip.file(name, data, { compression: 'STORE' });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) reject(submissionError('SUBMISSION_CORRUPT', `is a damaged zip package (${error?.message ?? 'unreadable'})`));
      else resolve(zip);
    });
  });
}

function centralDirectory(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  if (zip.entryCount > LIMITS.entries) {
    return Promise.reject(submissionError('SUBMISSION_ZIP_BOMB', `holds ${zip.entryCount} parts; a workbook may hold at most ${LIMITS.entries}`));
  }
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => reject(submissionError('SUBMISSION_CORRUPT', `is a damaged zip package (${error.message})`)));
    zip.readEntry();
  });
}

function checkNames(entries: readonly yauzl.Entry[]): void {
  const names = entries.map((e) => e.fileName);
  if (names.some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) {
    throw submissionError('SUBMISSION_MACROS', 'contains macros (a VBA project): save it as a plain .xlsx workbook without macros');
  }
  if (names.some((n) => /^xl\/externalLinks\//i.test(n))) {
    throw submissionError('SUBMISSION_EXTERNAL_LINKS', 'links to other workbooks (external links): copy the values in instead, or break the links, and submit again');
  }
  if (!names.includes('[Content_Types].xml') || !names.some((n) => /^xl\/workbook\.xml$/i.test(n))) {
    throw submissionError('SUBMISSION_NOT_XLSX', 'is a zip package but not an .xlsx workbook (no xl/workbook.xml)');
  }
}

function checkDeclaredSizes(entries: readonly yauzl.Entry[]): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.uncompressedSize > LIMITS.entryBytes) {
      throw submissionError(
        'SUBMISSION_ZIP_BOMB',
        `would inflate ${entry.fileName} to ${formatBytes(entry.uncompressedSize)} from ${formatBytes(entry.compressedSize)}; a part may be at most ${formatBytes(LIMITS.entryBytes)}`,
      );
    }
    total += entry.uncompressedSize;
  }
  if (total > LIMITS.totalBytes) {
    throw submissionError('SUBMISSION_ZIP_BOMB', `would inflate to ${formatBytes(total)}; a workbook may be at most ${formatBytes(LIMITS.totalBytes)} once inflated`);
  }
}

function isWorksheet(name: string): boolean {
  return /^xl\/worksheets\/[^/]+\.xml$/i.test(name);
}

/** The first few KB of a part, where a worksheet states its dimension; never more, whatever the part declares. */
async function peek(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  const stream = await openStream(zip, entry);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= PEEK_BYTES) break;
    }
  } catch (error) {
    throw inflateError(entry, error);
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, PEEK_BYTES).toString('utf8');
}

function checkDimension(part: string, head: string): void {
  const match = DIMENSION.exec(head);
  if (!match) return;
  const rows = Number(match[4] ?? match[2]);
  if (rows > LIMITS.sheetRows) {
    throw submissionError('SUBMISSION_SHEET_TOO_LARGE', `has a sheet (${part}) of ${rows.toLocaleString('en-US')} rows; a sheet may have at most ${LIMITS.sheetRows.toLocaleString('en-US')}`);
  }
}

async function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await openStream(zip, entry);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (error) {
    throw inflateError(entry, error);
  }
  return Buffer.concat(chunks);
}

function inflateError(entry: yauzl.Entry, error: unknown): GradSheetError {
  const message = error instanceof Error ? error.message : String(error);
  // yauzl stops a part that inflates past the size its central directory declares.
  if (/too many bytes/i.test(message)) {
    return submissionError('SUBMISSION_ZIP_BOMB', `inflates ${entry.fileName} past the ${formatBytes(entry.uncompressedSize)} it declares; refused`);
  }
  return submissionError('SUBMISSION_CORRUPT', `is a damaged zip package (${entry.fileName}: ${message})`);
}

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream & { destroy(): void }> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(inflateError(entry, error ?? new Error('no stream')));
      else resolve(stream);
    });
  });
}

/** Checks that need the inflated parts: the declared kind of workbook, and sheets without a dimension. */
function checkContent(parts: ReadonlyMap<string, Buffer>): void {
  const types = parts.get('[Content_Types].xml')?.toString('utf8') ?? '';
  if (/macroEnabled/i.test(types)) throw submissionError('SUBMISSION_MACROS', 'is a macro-enabled workbook (.xlsm content): save it as a plain .xlsx workbook');
  if (/externalLink\+xml/i.test(types)) {
    throw submissionError('SUBMISSION_EXTERNAL_LINKS', 'links to other workbooks (external links): copy the values in instead, or break the links, and submit again');
  }
  for (const [name, data] of parts) {
    if (!isWorksheet(name)) continue;
    let rows = 0;
    for (let at = data.indexOf('<row'); at !== -1; at = data.indexOf('<row', at + 4)) {
      if (++rows > LIMITS.sheetRows) {
        throw submissionError('SUBMISSION_SHEET_TOO_LARGE', `has a sheet (${name}) of more than ${LIMITS.sheetRows.toLocaleString('en-US')} rows`);
      }
      // A row numbered past Excel's last row comes from no spreadsheet; readers would size themselves by it.
      const number = ROW_NUMBER.exec(data.subarray(at, at + 64).toString('latin1'));
      if (number && Number(number[1]) > EXCEL_MAX_ROWS) {
        throw submissionError(
          'SUBMISSION_CORRUPT',
          `has a row numbered ${Number(number[1]).toLocaleString('en-US')} in ${name}, past Excel's last row (${EXCEL_MAX_ROWS.toLocaleString('en-US')}): no spreadsheet saved it`,
        );
      }
    }
  }
}
