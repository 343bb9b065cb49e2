import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCells, columnOf, parameterFingerprint, rosterParameters, runBackprop, type TeacherKey } from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';
import { recalculateToCsv } from './support/libreoffice.js';

/** `gradsheet template` for a roster of 30, and bad arguments to template and grade. */

const STEPS = 5;
const ids = Array.from({ length: 30 }, (_, i) => `stu-${100 + i}`);
const names = ids.map((_, i) => `Lovelace, Ada ${i + 1}`);
let dir: string;
let key: TeacherKey;
let made: Awaited<ReturnType<typeof gradsheet>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-template-'));
  // A spreadsheet's CSV export: BOM, CRLF, headers in another case and order, quoted names, extra columns.
  const csv = `\uFEFFEmail,Name,ID\r\n${ids.map((id, i) => `${id}@school.example,"${names[i]}",${id}`).join('\r\n')}\r\n`;
  await writeFile(join(dir, 'class.csv'), csv);
  made = await gradsheet(['template', '--out', join(dir, 'handout'), '--roster', join(dir, 'class.csv'), '--steps', String(STEPS), '--seed', '7']);
  key = JSON.parse(await readFile(join(dir, 'handout', 'gradsheet-key.json'), 'utf8')) as TeacherKey;
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gradsheet template, a roster of 30', () => {
  it('writes one workbook per student and the key', async () => {
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^Wrote 30 workbooks \(5 steps each, seed 7\) to /);
    const files = (await readdir(join(dir, 'handout'))).sort();
    expect(files).toEqual([...ids.map((id) => `backprop-${id}.xlsx`), 'gradsheet-key.json'].sort());
    expect(key.students.map((s) => [s.id, s.name, s.file])).toEqual(ids.map((id, i) => [id, names[i], `backprop-${id}.xlsx`]));
    expect(key.steps).toBe(STEPS);
    expect(key.seed).toBe(7);
  });

  it("gives each student distinct parameters derived from the seed and the id alone", async () => {
    expect(new Set(key.students.map((s) => parameterFingerprint(s.parameters))).size).toBe(30);
    const derived = rosterParameters(7, ids);
    for (const s of key.students) expect(s.parameters).toEqual(derived.get(s.id));
    const again = await gradsheet(['template', '--out', join(dir, 'again'), '--roster', join(dir, 'class.csv'), '--steps', String(STEPS), '--seed', '7']);
    expect(again.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'again', 'gradsheet-key.json'), 'utf8'))).toEqual(key);
  });

  it.each([0, 17, 29])("shows student %i's own parameters and name, locked, with empty unlocked answer cells", async (index) => {
    const student = key.students[index]!;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, 'handout', student.file));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Instructions', 'Parameters', 'Backprop']);
    const parameters = workbook.getWorksheet('Parameters')!;
    const shown = new Map<string, ExcelJS.CellValue>();
    parameters.eachRow((row) => shown.set(String(row.getCell(1).value), row.getCell(2).value));
    const p = student.parameters;
    expect([shown.get('i1'), shown.get('i2'), shown.get('t1'), shown.get('t2')]).toEqual([...p.inputs, ...p.targets]);
    expect(Array.from({ length: 8 }, (_, k) => shown.get(`w${k + 1} (initial)`))).toEqual([...p.initialWeights]);
    expect(shown.get('Student id')).toBe(student.id);
    expect(shown.get('Name')).toBe(student.name);
    expect(parameters.getCell('B6').protection?.locked).not.toBe(false);

    const table = workbook.getWorksheet('Backprop')!;
    const cells = answerCells(STEPS);
    for (const cell of cells) {
      const target = table.getCell(cell.step + 2, columnOf(cell.quantity) + 1);
      expect(target.value, `${cell.quantity} at step ${cell.step}`).toBeNull();
      expect(target.protection?.locked).toBe(false);
    }
    expect(table.getCell('B2').formula).toBe('Initial_w1'); // step 0's weights are given
    expect(table.getCell('B2').protection?.locked).not.toBe(false);
  });

  it('locks the structure: no sheet can be added, removed or renamed, while rows and columns can be inserted on Backprop', async () => {
    const zip = await JSZip.loadAsync(await readFile(join(dir, 'handout', key.students[0]!.file)));
    expect(await zip.file('xl/workbook.xml')!.async('string')).toMatch(/<workbookPr [^>]*\/><workbookProtection lockStructure="1"\/><sheets>/);
    // In OOXML, insertRows="0" means inserting rows is not protected against.
    expect(await zip.file('xl/worksheets/sheet3.xml')!.async('string')).toMatch(/<sheetProtection sheet="1"[^>]* insertColumns="0" insertRows="0"\/>/);
    expect(await zip.file('xl/worksheets/sheet2.xml')!.async('string')).not.toMatch(/insertRows/);
  });

  it('keeps every expected value out of the students\' files', async () => {
    for (const student of key.students.slice(0, 5)) {
      const p = student.parameters;
      const records = runBackprop(p.initialWeights, p.inputs, p.targets, p.learningRate, STEPS);
      const answers = records.flatMap((r) => [r.h1, r.aH1, r.aO2, r.eTotal, ...r.gradients, ...(r.step > 0 ? r.weights : [])]);
      const zip = await JSZip.loadAsync(await readFile(join(dir, 'handout', student.file)));
      const xml = (await Promise.all(Object.values(zip.files).map((f) => f.async('string')))).join('\n');
      for (const x of answers) {
        expect(xml.includes(String(x)), `${x} found in ${student.file}`).toBe(false);
        expect(xml.includes(x.toPrecision(12)), `${x} found in ${student.file}`).toBe(false);
      }
    }
  });

  it('opens in LibreOffice with its answer cells still blank', async () => {
    const sheets = await recalculateToCsv(join(dir, 'handout', key.students[3]!.file));
    const table = sheets.get('Backprop')!;
    expect(table[0]!.slice(0, 3)).toEqual(['Step', 'w1', 'w2']);
    expect(Number(table[1]![1])).toBe(key.students[3]!.parameters.initialWeights[0]);
    expect(table.slice(1, STEPS + 1).map((row) => row[0])).toEqual(['0', '1', '2', '3', '4']);
    expect(table.slice(1).flatMap((row) => row.slice(9)).every((x) => x === '')).toBe(true);
  });
});

describe('bad arguments: one line on stderr, exit status 2', () => {
  const roster = (name: string, text: string) => writeFile(join(dir, name), text);
  const template = (...args: string[]) => gradsheet(['template', '--out', join(dir, 'bad-out'), ...args]);
  const keyPath = () => join(dir, 'handout', 'gradsheet-key.json');

  beforeAll(async () => {
    await roster('ok.csv', 'id,name\na,Ann\n');
    await roster('no-id.csv', 'student,name\na,Ann\n');
    await roster('dups.csv', 'id,name\na,Ann\nb,Ben\nA,Anna\n');
    await roster('empty.csv', '');
    await roster('bad-id.csv', 'id,name\n"a b",Ann\n');
    await writeFile(join(dir, 'not-json.json'), 'hello');
    await writeFile(join(dir, 'other.json'), '{"format":"something"}');
    await writeFile(join(dir, 'a-file'), 'x');
    await mkdir(join(dir, 'with-key'));
    await writeFile(join(dir, 'with-key', 'gradsheet-key.json'), '{}');
  });

  it.each([
    ['a missing roster', () => template('--roster', join(dir, 'nope.csv')), /cannot read roster ".*nope\.csv": no such file/],
    ['a roster without an id column', () => template('--roster', join(dir, 'no-id.csv')), /needs a header row with "id" and "name" columns; found: student, name/],
    ['duplicate ids', () => template('--roster', join(dir, 'dups.csv')), /student id "A" appears twice \(lines 2 and 4\)/],
    ['an empty roster', () => template('--roster', join(dir, 'empty.csv')), /needs a header row/],
    ['an id that cannot name a file', () => template('--roster', join(dir, 'bad-id.csv')), /line 2: student id "a b" must be/],
    ['--steps 1', () => template('--roster', join(dir, 'ok.csv'), '--steps', '1'), /--steps must be a whole number from 2 to 100, got 1$/m],
    ['--steps 101', () => template('--roster', join(dir, 'ok.csv'), '--steps', '101'), /--steps must be a whole number from 2 to 100, got 101$/m],
    ['--steps abc', () => template('--roster', join(dir, 'ok.csv'), '--steps', 'abc'), /--steps: "abc" is not a number/],
    ['a negative seed', () => template('--roster', join(dir, 'ok.csv'), '--seed', '-1'), /--seed must be a whole number from 0 to 4,294,967,295/],
    ['no --roster', () => gradsheet(['template', '--out', join(dir, 'x')]), /required option '--roster <students\.csv>' not specified/],
    ['--out naming a file', () => gradsheet(['template', '--out', join(dir, 'a-file'), '--roster', join(dir, 'ok.csv')]), /--out ".*a-file" is a file, not a folder/],
    ['an existing key', () => gradsheet(['template', '--out', join(dir, 'with-key'), '--roster', join(dir, 'ok.csv')]), /gradsheet-key\.json" exists already.*--force/],
    ['a missing key', () => gradsheet(['grade', '--key', join(dir, 'nope.json'), '--out', join(dir, 'g.xlsx'), 'x.xlsx']), /cannot read key ".*nope\.json": no such file/],
    ['a key that is not JSON', () => gradsheet(['grade', '--key', join(dir, 'not-json.json'), '--out', join(dir, 'g.xlsx'), 'x.xlsx']), /is not JSON/],
    ['a JSON file that is not a key', () => gradsheet(['grade', '--key', join(dir, 'other.json'), '--out', join(dir, 'g.xlsx'), 'x.xlsx']), /this is not a GradSheet key file/],
    ['no submissions', () => gradsheet(['grade', '--key', keyPath(), '--out', join(dir, 'g.xlsx')]), /missing required argument 'submissions'/],
    ['a zero tolerance', () => gradsheet(['grade', '--key', keyPath(), '--out', join(dir, 'g.xlsx'), '--tolerance', '0', 'x.xlsx']), /--tolerance must be a number greater than 0 and at most 0.01, got 0/],
    ['--out not .xlsx', () => gradsheet(['grade', '--key', keyPath(), '--out', join(dir, 'g.csv'), 'x.xlsx']), /--out must name a \.xlsx file/],
  ])('%s', async (_, run, message) => {
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^gradsheet: /);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('leaves nothing behind after refusing', async () => {
    expect(await readdir(join(dir, 'with-key'))).toEqual(['gradsheet-key.json']);
    expect((await readdir(dir)).filter((f) => f.startsWith('g.') || f === 'bad-out')).toEqual([]);
  });
});
