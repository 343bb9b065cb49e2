import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRADES_SHEETS, SUMMARY_HEADER_ROW, SUMMARY_HEADERS } from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';

/**
 * Submissions built to hurt the grader, among honest ones: small files that claim
 * huge sheets, files that take more memory than any exercise, and formulas that
 * reach outside the workbook. The grader's memory follows what a file holds, a file
 * that needs too much fails alone, and nothing outside the workbook scores or is
 * written into a feedback copy.
 */

const BIN = fileURLToPath(new URL('../server/bin/gradsheet.js', import.meta.url));
let dir: string;

/** A copy of a template with `change` applied to the XML of one of its parts. */
async function edited(from: string, to: string, part: string, change: (xml: string) => string): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(from));
  zip.file(part, change(await zip.file(part)!.async('string')));
  await writeFile(to, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

/** The worksheet part of a sheet, by its name. */
async function sheetPart(xlsx: string, name: string): Promise<string> {
  const zip = await JSZip.loadAsync(await readFile(xlsx));
  const workbook = await zip.file('xl/workbook.xml')!.async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const rid = new RegExp(`<sheet [^>]*name="${name}"[^>]*r:id="([^"]+)"`).exec(workbook)?.[1];
  const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels);
  return `xl/${(target?.[1] ?? target?.[2] ?? '').replace(/^\/?xl\//, '')}`;
}

const addRow = (row: number) => (xml: string) => xml.replace(/<dimension[^>]*\/>/, '').replace('</sheetData>', `<row r="${row}"><c r="A${row}"><v>1</v></c></row></sheetData>`);

interface Graded {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly maxRssMiB: number;
  /** Each file's Problem cell in the summary, by file name. */
  readonly problems: Map<string, string>;
  /** Each file's Flags cell. */
  readonly flags: Map<string, string>;
}

/** `gradsheet grade` in a process of its own with `nodeFlags`, reporting its peak memory. */
async function grade(files: readonly string[], out: string, args: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<Graded> {
  const reportPeak = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))';
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [...nodeFlags, '--import', reportPeak, BIN, 'grade', '--key', join(dir, 'handout', 'gradsheet-key.json'), '--out', out, ...args, ...files],
      { maxBuffer: 16 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
  const rss = /maxrss=(\d+)\s*$/.exec(run.stderr);
  const problems = new Map<string, string>();
  const flags = new Map<string, string>();
  const summary = await new ExcelJS.Workbook().xlsx
    .readFile(out)
    .then((book) => book.getWorksheet(GRADES_SHEETS.summary))
    .catch(() => undefined);
  for (let r = SUMMARY_HEADER_ROW + 2; summary && r <= summary.rowCount; r++) {
    const file = summary.getCell(r, 1).value;
    if (typeof file !== 'string') continue;
    const name = file.slice(file.lastIndexOf('/') + 1);
    problems.set(name, String(summary.getCell(r, SUMMARY_HEADERS.indexOf('Problem') + 1).value ?? ''));
    const flag = summary.getCell(r, SUMMARY_HEADERS.indexOf('Flags') + 1).value;
    flags.set(name, typeof flag === 'object' && flag && 'richText' in flag ? flag.richText.map((t) => t.text).join('') : String(flag ?? ''));
  }
  return { ...run, stderr: run.stderr.replace(/maxrss=\d+\s*$/, ''), maxRssMiB: Number(rss?.[1] ?? Number.NaN) / 1024, problems, flags };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-hostile-'));
  await writeFile(join(dir, 'roster.csv'), 'id,name\na1,Ann\nb2,Ben\nc3,Cy\nd4,Di\n');
  const made = await gradsheet(['template', '--out', join(dir, 'handout'), '--roster', join(dir, 'roster.csv'), '--steps', '2', '--seed', '5']);
  expect(made.code, made.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gradsheet grade and a sheet’s highest row number', () => {
  it('reads a 13 KB submission with a row at r=1048576 and no dimension in memory bounded by what the file holds, and grades it', async () => {
    const handout = (id: string) => join(dir, 'handout', `backprop-${id}.xlsx`);
    const far = join(dir, 'far-c3.xlsx');
    await edited(handout('c3'), far, await sheetPart(handout('c3'), 'Backprop'), addRow(1_048_576));
    // Past Excel's last row: no spreadsheet saved it.
    const beyond = join(dir, 'beyond-d4.xlsx');
    await edited(handout('d4'), beyond, await sheetPart(handout('d4'), 'Parameters'), addRow(4_000_000));
    expect((await readFile(far)).length).toBeLessThan(20_000);

    const run = await grade([handout('a1'), far, beyond, handout('b2')], join(dir, 'far-grades.xlsx'));
    expect(run.stdout).toMatch(/^Graded 3 of 4 files \(1 could not be graded\)/);
    expect(run.problems.get('far-c3.xlsx')).toBe('');
    expect(run.problems.get('beyond-d4.xlsx')).toMatch(/has a row numbered 4,000,000 in xl\/worksheets\/sheet\d\.xml, past Excel's last row \(1,048,576\)/);
    // Reading the row at 1,048,576 row by row took 1.7 GB; what the files hold takes a small part of that.
    expect(run.maxRssMiB).toBeLessThan(400);
  });

  it('grades the others when one file needs more memory than a submission may take', async () => {
    // 600,000 numbers on a sheet of its own: within the package limits, but about 600 MB once read.
    const handout = join(dir, 'handout', 'backprop-c3.xlsx');
    const wide = join(dir, 'wide-c3.xlsx');
    const cells = (r: number) => Array.from({ length: 40 }, (_, c) => `<c r="${String.fromCharCode(65 + (c % 26))}${c >= 26 ? 'A' : ''}${r}"><v>${c}</v></c>`).join('');
    const rows = Array.from({ length: 15_000 }, (_, i) => `<row r="${1000 + i}">${cells(1000 + i)}</row>`).join('');
    await edited(handout, wide, await sheetPart(handout, 'Instructions'), (xml) => xml.replace(/<dimension[^>]*\/>/, '').replace('</sheetData>', `${rows}</sheetData>`));

    // The grading process itself has 300 MB of heap, each submission 200 MB.
    const run = await grade(
      [join(dir, 'handout', 'backprop-a1.xlsx'), wide, join(dir, 'handout', 'backprop-b2.xlsx')],
      join(dir, 'wide-grades.xlsx'),
      ['--max-file-memory', '200'],
      ['--max-old-space-size=300'],
    );
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/^Graded 2 of 3 files \(1 could not be graded\)/);
    expect(run.problems.get('wide-c3.xlsx')).toMatch(/needs more than 200\.0 MiB of memory to read/);
    expect(run.problems.get('backprop-a1.xlsx')).toBe('');
    expect(run.problems.get('backprop-b2.xlsx')).toBe('');
  });
});
