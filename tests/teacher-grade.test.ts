import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerCells,
  answerKey,
  GRADES_SHEETS,
  runBackprop,
  SUMMARY_HEADER_ROW,
  SUMMARY_HEADERS,
  type AnswerCell,
  type StepRecord,
  type TeacherKey,
} from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';
import { fillExercise, type FillOptions } from './support/exercise-fill.js';
import { convertAllTo, numberAt, recalculateToCsv } from './support/libreoffice.js';

/**
 * A class of 30: the real `gradsheet template`, submissions filled in as students
 * would (correct, typed numbers, one slip upstream, another student's file, inserted
 * rows, half done, an edited parameter), recalculated and saved by LibreOffice so that they carry cached
 * values as Excel-saved files do, then the real `gradsheet grade`, whose every score
 * is checked against what each submission was made to deserve.
 */

const STEPS = 4;
const TOTAL = answerCells(STEPS).length;
const ids = Array.from({ length: 30 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);

interface Scenario {
  readonly fill: (key: TeacherKey) => FillOptions;
  /** Whose template the submission starts from (another student's, for a copied file). */
  readonly from?: string;
  readonly points: number;
  readonly counts?: Partial<Record<'correct' | 'carried-forward' | 'typed' | 'wrong' | 'empty', number>>;
  readonly flags?: readonly string[];
}

function engineValue(key: TeacherKey, id: string, cell: AnswerCell): number {
  const p = key.students.find((s) => s.id === id)!.parameters;
  const record = runBackprop(p.initialWeights, p.inputs, p.targets, p.learningRate, STEPS)[cell.step] as StepRecord;
  const q = cell.quantity;
  if (/^w\d$/.test(q)) return record.weights[Number(q.slice(1)) - 1]!;
  if (q.startsWith('dw')) return record.gradients[Number(q.slice(2)) - 1]!;
  return record[q as 'h1'];
}

const typedKeys = ['0:h1', '2:eTotal'];
const SCENARIOS: Record<string, Scenario> = {
  s21: {
    fill: (key) => ({ typed: new Map(typedKeys.map((k) => [k, engineValue(key, 's21', parse(k))])) }),
    points: TOTAL - 2,
    counts: { typed: 2, correct: TOTAL - 2 },
  },
  s22: {
    fill: (key) => ({ typed: new Map(answerCells(STEPS).filter((c) => c.step === 1).map((c) => [answerKey(c), engineValue(key, 's22', c)])) }),
    points: TOTAL - 27,
    counts: { typed: 27 },
  },
  // Only h2 and a_h2 of step 0 do not depend on h1: everything else is right from the learner's own (wrong) h1.
  s23: { fill: () => ({ slips: new Set(['0:h1']) }), points: TOTAL - 1, counts: { wrong: 1, correct: 2, 'carried-forward': TOTAL - 3 } },
  s24: { fill: () => ({ slips: new Set(['0:dw5']) }), points: TOTAL - 1, counts: { wrong: 1 } },
  s25: { from: 's26', fill: () => ({ studentId: 's25' }), points: TOTAL, flags: ['parameters belong to Student 26 (s26), not to Student 25 (s25)'] },
  s27: { fill: () => ({ insertRowAndColumn: true }), points: TOTAL, counts: { correct: TOTAL } },
  s28: { fill: () => ({ stepsFilled: 1 }), points: 19, counts: { correct: 19, empty: TOTAL - 19 } },
  s29: { fill: () => ({ slips: new Set([`${STEPS - 1}:eTotal`]) }), points: TOTAL - 1, counts: { wrong: 1, correct: TOTAL - 1 } },
  // Edited i1: every formula follows it, so every cell is right for the file's own parameters, which are nobody's.
  s30: {
    fill: () => ({ parameterEdits: new Map([['i1', 0.123]]) }),
    points: TOTAL,
    counts: { correct: TOTAL },
    flags: ['its parameters belong to nobody on the roster'],
  },
};
const scenarioOf = (id: string): Scenario => SCENARIOS[id] ?? { fill: () => ({}), points: TOTAL, counts: { correct: TOTAL } };

function parse(key: string): AnswerCell {
  const [step, quantity] = key.split(':');
  return { step: Number(step), quantity: quantity as AnswerCell['quantity'] };
}

let dir: string;
let key: TeacherKey;
let gradeRun: Awaited<ReturnType<typeof gradsheet>>;
let summary: Map<string, Record<string, ExcelJS.CellValue>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-grade-'));
  await writeFile(join(dir, 'roster.csv'), `id,name\n${ids.map((id) => `${id},Student ${Number(id.slice(1))}`).join('\n')}\n`);
  const template = await gradsheet(['template', '--out', join(dir, 'handout'), '--roster', join(dir, 'roster.csv'), '--steps', String(STEPS), '--seed', '20240']);
  expect(template.code, template.stderr).toBe(0);
  key = JSON.parse(await readFile(join(dir, 'handout', 'gradsheet-key.json'), 'utf8')) as TeacherKey;

  await mkdir(join(dir, 'filled'));
  const filled: string[] = [];
  for (const id of ids) {
    const scenario = scenarioOf(id);
    const source = join(dir, 'handout', `backprop-${scenario.from ?? id}.xlsx`);
    const out = join(dir, 'filled', `${id}.xlsx`);
    await fillExercise(source, out, STEPS, scenario.fill(key));
    filled.push(out);
  }
  // LibreOffice recalculates and saves: the submissions now carry cached values, as Excel-saved files do.
  const submissions = await convertAllTo(filled, join(dir, 'submitted'), 'xlsx');
  gradeRun = await gradsheet(['grade', '--key', join(dir, 'handout', 'gradsheet-key.json'), '--out', join(dir, 'grades.xlsx'), ...submissions]);

  const grades = new ExcelJS.Workbook();
  await grades.xlsx.readFile(join(dir, 'grades.xlsx'));
  const sheet = grades.getWorksheet(GRADES_SHEETS.summary)!;
  summary = new Map();
  for (let r = SUMMARY_HEADER_ROW + 2; r <= sheet.rowCount; r++) {
    const row = Object.fromEntries(SUMMARY_HEADERS.map((h, c) => [h, sheet.getCell(r, c + 1).value]));
    if (typeof row['Student id'] === 'string') summary.set(row['Student id'], row);
  }
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gradsheet grade, a class of 30 recalculated in LibreOffice', () => {
  it('grades every file and exits 0', () => {
    expect(gradeRun.stderr).toBe('');
    expect(gradeRun.code).toBe(0);
    expect(gradeRun.stdout).toMatch(/^Graded 30 of 30 files, 2 flagged; wrote .*grades\.xlsx and 30 feedback copies/);
    expect(summary.size).toBe(30);
  });

  it.each(ids)('scores %s as its submission deserves', (id) => {
    const scenario = scenarioOf(id);
    const row = summary.get(id)!;
    expect(row['Out of']).toBe(TOTAL);
    expect(row.Points).toBe(scenario.points);
    for (const [verdict, count] of Object.entries(scenario.counts ?? {})) {
      const column = { correct: 'Correct', 'carried-forward': 'Carried forward', typed: 'Typed numbers', wrong: 'Wrong', empty: 'Empty' }[verdict]!;
      expect(row[column], `${id}: ${column}`).toBe(count);
    }
    expect(row.Feedback).toBe(`grades-feedback/${id}-feedback.xlsx`);
    const flags = row.Flags;
    if (scenario.flags) for (const flag of scenario.flags) expect(String(flags)).toContain(flag);
    else expect(flags).toBeNull();
  });

  it('carries an error forward: after a slip in a gradient, the weights updated from it and all that follows earn their points', () => {
    expect(summary.get('s24')!['Carried forward']).toBeGreaterThan(2 * 27);
    expect(summary.get('s29')!['Carried forward']).toBe(0);
  });

  it("writes a feedback copy with a note on each cell that did not score, saying what was expected and why", async () => {
    const feedback = new ExcelJS.Workbook();
    await feedback.xlsx.readFile(join(dir, 'grades-feedback', 's23-feedback.xlsx'));
    const table = feedback.getWorksheet('Backprop')!;
    const h1 = table.getCell('J2');
    const expected = engineValue(key, 's23', { step: 0, quantity: 'h1' });
    expect(String(h1.note)).toMatch(/^h1 at step 0: expected [\d.]+, found [\d.]+\. Expected from your own cells \(w1 = /);
    expect(String(h1.note)).toContain(String(Number(expected.toPrecision(10))));
    expect(table.getCell('K2').note).toBeUndefined(); // a_h1, carried forward
    const sheet = feedback.getWorksheet('Feedback')!;
    expect(String(sheet.getCell('A2').value)).toBe(`Score: ${TOTAL - 1} of ${TOTAL} cells (${((100 * (TOTAL - 1)) / TOTAL).toFixed(1)}%).`);

    const typed = new ExcelJS.Workbook();
    await typed.xlsx.readFile(join(dir, 'grades-feedback', 's21-feedback.xlsx'));
    expect(String(typed.getWorksheet('Backprop')!.getCell('J2').note)).toMatch(/value is right, but it is a typed number/);

    const shifted = new ExcelJS.Workbook();
    await shifted.xlsx.readFile(join(dir, 'grades-feedback', 's28-feedback.xlsx'));
    expect(String(shifted.getWorksheet('Backprop')!.getCell('B3').note)).toMatch(/^w1 at step 1 is empty\. Expected /);
  });

  it('writes a summary that LibreOffice reads, with a live distribution of the scores', async () => {
    const sheets = await recalculateToCsv(join(dir, 'grades.xlsx'));
    const distribution = sheets.get(GRADES_SHEETS.distribution)!;
    const counts = Array.from({ length: 10 }, (_, b) => numberAt(distribution, b + 1, 1));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    const percents = ids.map((id) => scenarioOf(id).points / TOTAL);
    expect(counts[9]).toBe(percents.filter((p) => p >= 0.9).length);
    const rows = sheets.get(GRADES_SHEETS.summary)!;
    const scoreCol = SUMMARY_HEADERS.indexOf('Score');
    const pointsCol = SUMMARY_HEADERS.indexOf('Points');
    for (let r = SUMMARY_HEADER_ROW + 1; r < SUMMARY_HEADER_ROW + 31; r++) {
      // LibreOffice writes a percentage-formatted cell as "97.0588235294118%".
      const score = rows[r]![scoreCol]!;
      expect(score).toMatch(/^[\d.]+%$/);
      expect(Number(score.slice(0, -1)) / 100).toBeCloseTo(numberAt(rows, r, pointsCol) / TOTAL, 12);
    }
  });

  it('grades the same files again to the same result', async () => {
    const again = await gradsheet(['grade', '--key', join(dir, 'handout', 'gradsheet-key.json'), '--out', join(dir, 'again.xlsx'), '--no-feedback', join(dir, 'submitted', 's23.xlsx')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Graded 1 of 1 files; wrote/);
  });

  it('flags two files that name the same student', async () => {
    await copyFile(join(dir, 'submitted', 's26.xlsx'), join(dir, 's26-again.xlsx'));
    const run = await gradsheet(['grade', '--key', join(dir, 'handout', 'gradsheet-key.json'), '--out', join(dir, 'dup.xlsx'), '--no-feedback', join(dir, 'submitted', 's26.xlsx'), join(dir, 's26-again.xlsx')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/2 flagged/);
  });
});
