import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerCells,
  columnOf,
  GRADES_SHEETS,
  r1c1ToA1,
  runBackprop,
  STEP_COLUMNS,
  STEP_FIRST_ROW,
  SUMMARY_HEADER_ROW,
  SUMMARY_HEADERS,
  type TeacherKey,
} from '@gradsheet/shared';
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

describe('gradsheet grade and formulas that reach outside the workbook', () => {
  /** Cells of student c3's finished workbook given formulas that reach outside, each with the right value cached. */
  const OUTSIDE = [
    { step: 0, quantity: 'aH1', formula: '[1]Sheet1!A1' },
    { step: 0, quantity: 'aO1', formula: "'C:\\x\\[book.xlsx]Sheet1'!A1" },
    { step: 1, quantity: 'eTotal', formula: "cmd|' /C calc'!A0" },
    { step: 1, quantity: 'w1', formula: '_xlfn.WEBSERVICE("https://example.com/w1")*1' },
  ] as const;

  /** Every answer cell of c3's workbook filled with its formula and the engine's value, as Excel saves a finished one; with OUTSIDE if asked. */
  async function finished(out: string, reaching: boolean): Promise<void> {
    const key = JSON.parse(await readFile(join(dir, 'handout', 'gradsheet-key.json'), 'utf8')) as TeacherKey;
    const student = key.students.find((s) => s.id === 'c3')!;
    const p = student.parameters;
    const records = runBackprop(p.initialWeights, p.inputs, p.targets, p.learningRate, key.steps);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, 'handout', 'backprop-c3.xlsx'));
    const sheet = workbook.getWorksheet('Backprop')!;
    for (const cell of answerCells(key.steps)) {
      const col = columnOf(cell.quantity);
      const column = STEP_COLUMNS[col]!;
      const at = { row: STEP_FIRST_ROW + cell.step, col };
      const outside = reaching ? OUTSIDE.find((o) => o.step === cell.step && o.quantity === cell.quantity) : undefined;
      const formula = outside?.formula ?? r1c1ToA1(column.formulaR1C1!(false), at);
      sheet.getCell(at.row + 1, col + 1).value = { formula, result: column.value(records[cell.step]!) } as ExcelJS.CellFormulaValue;
    }
    await writeFile(out, Buffer.from(await workbook.xlsx.writeBuffer()));
  }

  /** Every formula of a package (cells, names, validations, conditional formats), from its XML. */
  async function formulasIn(xlsx: string): Promise<{ formulas: string }> {
    const zip = await JSZip.loadAsync(await readFile(xlsx));
    const formulas: string[] = [];
    for (const name of Object.keys(zip.files)) {
      if (!name.endsWith('.xml')) continue;
      const xml = await zip.file(name)!.async('string');
      for (const m of xml.matchAll(/<(f|formula|formula1|formula2|definedName)\b[^>]*>([^<]*)<\/\1>/g)) formulas.push(m[2] as string);
    }
    return { formulas: formulas.join('\n') };
  }

  it('scores them nothing, flags the file, and writes them into no feedback copy nor the grades', async () => {
    const honest = join(dir, 'honest-c3.xlsx');
    const reaching = join(dir, 'reaching-c3.xlsx');
    await finished(honest, false);
    await finished(reaching, true);
    const zip = await JSZip.loadAsync(await readFile(reaching));
    const backprop = await zip.file(await sheetPart(reaching, 'Backprop'))!.async('string');
    for (const text of ['[1]Sheet1!A1', 'cmd|', 'WEBSERVICE', '[book.xlsx]']) expect(backprop).toContain(text);

    const out = join(dir, 'outside-grades.xlsx');
    const run = await grade([reaching], out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.flags.get('reaching-c3.xlsx')).toContain(
      '4 formulas reached outside the workbook (Backprop!K2: a reference to another workbook; Backprop!O2: a reference to another workbook or file; ' +
        'Backprop!B3: WEBSERVICE reaches outside the workbook; Backprop!T3: a link to another program (DDE)); they score nothing and are not in the feedback copy',
    );
    expect(run.problems.get('reaching-c3.xlsx')).toBe('');
    // The same workbook with every formula its own.
    const honestRun = await grade([honest], join(dir, 'honest-grades.xlsx'));
    expect(honestRun.problems.get('honest-c3.xlsx')).toBe('');
    expect(honestRun.flags.get('honest-c3.xlsx')).not.toMatch(/outside/);

    const score = async (grades: string) => {
      const book = await new ExcelJS.Workbook().xlsx.readFile(grades);
      const summary = book.getWorksheet(GRADES_SHEETS.summary)!;
      const value = summary.getCell(SUMMARY_HEADER_ROW + 2, SUMMARY_HEADERS.indexOf('Points') + 1).value;
      return typeof value === 'object' && value && 'result' in value ? Number(value.result) : Number(value);
    };
    expect(await score(join(dir, 'honest-grades.xlsx')) - (await score(out))).toBe(OUTSIDE.length);

    // Nothing GradSheet wrote holds them: the feedback copy says what was removed instead.
    const feedback = join(dir, 'outside-grades-feedback', 'reaching-c3-feedback.xlsx');
    for (const file of [feedback, out]) {
      const { formulas } = await formulasIn(file);
      expect(formulas.length, file).toBeGreaterThan(0);
      for (const text of ['[1]Sheet1', 'cmd|', 'WEBSERVICE', '[book.xlsx]']) expect(formulas, `${file} holds ${text}`).not.toContain(text);
    }
    const copy = (await new ExcelJS.Workbook().xlsx.readFile(feedback)).getWorksheet('Backprop')!;
    const removed = copy.getRow(STEP_FIRST_ROW + 1).getCell(columnOf('aH1') + 1);
    expect(removed.value).toBe('(removed by GradSheet: this formula reached outside the workbook)');
    expect(String(removed.note ?? '')).toMatch(/reaches outside the workbook/);
  });
});
