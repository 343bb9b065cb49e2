import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRADES_SHEETS, SUMMARY_HEADER_ROW, SUMMARY_HEADERS } from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';
import { craftZip, deflatedZeros, storedEntry, type CraftedEntry } from './support/zip-craft.js';

/**
 * Malformed submissions in one batch with good ones: each bad file gets its own
 * clear error in the report and on stderr, the good ones are graded, and memory
 * stays bounded (no part is inflated past what the limits allow).
 */

const BIN = fileURLToPath(new URL('../server/bin/gradsheet.js', import.meta.url));
let dir: string;
let template: Buffer;

const CONTENT_TYPES_HEAD = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">';

/** Every part of the template, with `change` applied, as a package again (big parts deflated natively). */
async function variant(change: (parts: Map<string, Buffer>) => void): Promise<Buffer> {
  const zip = await JSZip.loadAsync(template);
  const parts = new Map<string, Buffer>();
  for (const name of Object.keys(zip.files)) if (!zip.files[name]!.dir) parts.set(name, await zip.file(name)!.async('nodebuffer'));
  change(parts);
  const entries: CraftedEntry[] = [...parts].map(([name, data]) =>
    data.length > 1 << 20 ? { name, data: deflateRawSync(data, { level: 1 }), method: 8, declaredSize: data.length } : storedEntry(name, data),
  );
  return craftZip(entries);
}

function millionRowSheet(): Buffer {
  const rows: string[] = [];
  for (let r = 1; r <= 1_000_000; r++) rows.push(`<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`);
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      `<dimension ref="A1:A1000000"/><sheetData>${rows.join('')}</sheetData></worksheet>`,
  );
}

function minimalPackage(sheet: CraftedEntry): Buffer {
  return craftZip([
    storedEntry('[Content_Types].xml', `${CONTENT_TYPES_HEAD}<Default Extension="xml" ContentType="application/xml"/></Types>`),
    storedEntry('xl/workbook.xml', '<workbook/>'),
    sheet,
  ]);
}

const BAD: Record<string, { readonly file: string; readonly error: RegExp; readonly make: () => Promise<Buffer> | Buffer }> = {
  text: { file: 'notes.xlsx', error: /is not an \.xlsx workbook \(it is not a zip package\)/, make: () => Buffer.from('my answers: 0.59, 0.75\n') },
  xls: { file: 'old.xlsx', error: /Excel 97–2003 \(\.xls\)/, make: () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)]) },
  truncated: { file: 'truncated.xlsx', error: /is a damaged zip package/, make: () => template.subarray(0, Math.floor(template.length * 0.6)) },
  bomb: {
    file: 'bomb.xlsx',
    error: /would inflate xl\/worksheets\/sheet1\.xml to 1\.0 GiB from 1\.0 MiB/,
    make: () => minimalPackage({ name: 'xl/worksheets/sheet1.xml', data: deflatedZeros(1024), method: 8, declaredSize: 1 << 30 }),
  },
  liar: {
    file: 'liar.xlsx',
    error: /inflates xl\/worksheets\/sheet1\.xml past the 2\.0 KiB it declares/,
    make: () => minimalPackage({ name: 'xl/worksheets/sheet1.xml', data: deflatedZeros(1024), method: 8, declaredSize: 2048 }),
  },
  million: {
    file: 'million.xlsx',
    error: /has a sheet \(xl\/worksheets\/sheet3\.xml\) of 1,000,000 rows; a sheet may have at most 20,000/,
    make: () => variant((parts) => parts.set('xl/worksheets/sheet3.xml', millionRowSheet())),
  },
  links: {
    file: 'links.xlsx',
    error: /links to other workbooks \(external links\)/,
    make: () =>
      variant((parts) => {
        parts.set('xl/externalLinks/externalLink1.xml', Buffer.from('<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook/></externalLink>'));
      }),
  },
  xlsm: {
    file: 'macros.xlsm',
    error: /a macro-enabled workbook \(\.xlsm\) is refused/,
    make: () => variant((parts) => parts.set('xl/vbaProject.bin', Buffer.from('not really VBA'))),
  },
  vba: {
    file: 'macros-renamed.xlsx',
    error: /contains macros \(a VBA project\)/,
    make: () => variant((parts) => parts.set('xl/vbaProject.bin', Buffer.from('not really VBA'))),
  },
  macroContent: {
    file: 'macro-content.xlsx',
    error: /is a macro-enabled workbook \(\.xlsm content\)/,
    make: () =>
      variant((parts) => {
        const types = parts.get('[Content_Types].xml')!.toString('utf8');
        parts.set('[Content_Types].xml', Buffer.from(types.replace('spreadsheetml.sheet.main+xml', 'ms-excel.sheet.macroEnabled.main+xml')));
      }),
  },
  other: {
    file: 'shopping.xlsx',
    error: /is not a GradSheet exercise: no sheet has the step table's headers/,
    make: async () => {
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('Sheet1').addRow(['milk', 2]);
      return Buffer.from(await workbook.xlsx.writeBuffer());
    },
  },
};

let run: { code: number; stdout: string; stderr: string; maxRssKiB: number };
let problems: Map<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-bad-'));
  await writeFile(join(dir, 'roster.csv'), 'id,name\na1,Ann\nb2,Ben\n');
  const made = await gradsheet(['template', '--out', join(dir, 'handout'), '--roster', join(dir, 'roster.csv'), '--steps', '2', '--seed', '5']);
  expect(made.code, made.stderr).toBe(0);
  template = await readFile(join(dir, 'handout', 'backprop-a1.xlsx'));
  for (const bad of Object.values(BAD)) await writeFile(join(dir, bad.file), await bad.make());

  const files = [join(dir, 'handout', 'backprop-a1.xlsx'), ...Object.values(BAD).map((b) => join(dir, b.file)), join(dir, 'handout', 'backprop-b2.xlsx')];
  const args = [BIN, 'grade', '--key', join(dir, 'handout', 'gradsheet-key.json'), '--out', join(dir, 'grades.xlsx'), ...files];
  // The grading process reports its own peak resident memory as it exits.
  const reportPeak = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))';
  run = await new Promise((resolve) => {
    execFile(process.execPath, ['--import', reportPeak, ...args], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const rss = /maxrss=(\d+)\s*$/.exec(stderr);
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr: stderr.replace(/maxrss=\d+\s*$/, ''),
        maxRssKiB: Number(rss?.[1] ?? Number.NaN),
      });
    });
  });
  const grades = new ExcelJS.Workbook();
  await grades.xlsx.readFile(join(dir, 'grades.xlsx'));
  const summary = grades.getWorksheet(GRADES_SHEETS.summary)!;
  problems = new Map();
  for (let r = SUMMARY_HEADER_ROW + 2; r <= summary.rowCount; r++) {
    const file = summary.getCell(r, 1).value;
    if (typeof file === 'string') problems.set(file.slice(file.lastIndexOf('/') + 1), String(summary.getCell(r, SUMMARY_HEADERS.indexOf('Problem') + 1).value ?? ''));
  }
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gradsheet grade, malformed submissions among good ones', () => {
  it('grades the good files, reports the others, and exits 3', () => {
    const bad = Object.keys(BAD).length;
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(new RegExp(`^Graded 2 of ${bad + 2} files \\(${bad} could not be graded\\); wrote`));
    expect(problems.get('backprop-a1.xlsx')).toBe('');
    expect(problems.get('backprop-b2.xlsx')).toBe('');
  });

  it.each(Object.entries(BAD))('reports %s with its own error, in the summary and as one stderr line', (_, bad) => {
    expect(problems.get(bad.file)).toMatch(bad.error);
    const lines = run.stderr.split('\n').filter((line) => line.includes(`/${bad.file}: `));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^gradsheet: .*/${bad.file.replace('.', '\\.')}: `));
    expect(lines[0]).toMatch(bad.error);
  });

  it('keeps memory bounded: the 1 GiB parts are never inflated', () => {
    expect(run.maxRssKiB).toBeGreaterThan(0);
    expect(run.maxRssKiB).toBeLessThan(400 * 1024);
  });
});
