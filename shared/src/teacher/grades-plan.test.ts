import { describe, expect, it } from 'vitest';
import { runBackprop } from '../backprop/engine.js';
import type { FormulaCell, PlanCell, SheetPlan } from '../workbook/plan.js';
import { answerCells, answerKey } from './answers.js';
import { buildGradesPlan, GRADES_SHEETS, SUMMARY_HEADER_ROW, SUMMARY_HEADERS, type SubmissionOutcome } from './grades-plan.js';
import { gradeSubmission, type SubmittedCell } from './grading.js';
import { checkIdentity } from './identity.js';
import { parseTeacherKey } from './key.js';
import { rosterParameters } from './student-parameters.js';

const STEPS = 2;
const ids = ['a', 'b', 'c', 'd'];
const params = rosterParameters(9, ids);
const key = parseTeacherKey({
  format: 'gradsheet-teacher-key',
  version: 1,
  seed: 9,
  steps: STEPS,
  students: ids.map((id) => ({ id, name: `Name ${id}`, file: `${id}.xlsx`, parameters: params.get(id) })),
});

/** A graded submission of student `id` with its first `filled` answer cells right and the rest empty. */
function graded(id: string, filled: number): SubmissionOutcome {
  const p = params.get(id)!;
  const [r0, r1] = runBackprop(p.initialWeights, p.inputs, p.targets, p.learningRate, STEPS);
  const cells = new Map<string, SubmittedCell>();
  answerCells(STEPS)
    .slice(0, filled)
    .forEach((cell) => {
      const record = cell.step === 0 ? r0! : r1!;
      const q = cell.quantity;
      const value = /^w\d$/.test(q) ? record.weights[Number(q[1]) - 1]! : q.startsWith('dw') ? record.gradients[Number(q[2]) - 1]! : record[q as 'h1'];
      cells.set(answerKey(cell), { value, formula: 'A1' });
    });
  const grade = gradeSubmission({ parameters: p, cells }, { steps: STEPS });
  return { kind: 'graded', file: `${id}.xlsx`, identity: checkIdentity(id, p, key), grade };
}

const total = answerCells(STEPS).length;
const outcomes: SubmissionOutcome[] = [
  graded('a', total),
  graded('b', Math.round(total * 0.55)),
  { kind: 'failed', file: 'broken.xlsx', error: { code: 'CORRUPT_PACKAGE', message: 'is a damaged zip package' } },
  graded('c', 0),
];
const plan = buildGradesPlan(outcomes, key, 1e-6);
const sheet = (name: string): SheetPlan => plan.sheets.find((s) => s.name === name)!;
const value = (cell: PlanCell | undefined) => (cell === null || cell === undefined ? null : 'value' in cell ? cell.value : (cell as FormulaCell).result);

describe('buildGradesPlan', () => {
  it('has a summary row per file, in order, then the roster students with no submission', () => {
    const table = sheet(GRADES_SHEETS.summary).blocks.find((b) => b.origin.row === SUMMARY_HEADER_ROW)!;
    const rows = table.rows.slice(1);
    const col = (h: (typeof SUMMARY_HEADERS)[number]) => SUMMARY_HEADERS.indexOf(h);
    expect(rows.map((r) => value(r[col('File')]))).toEqual(['a.xlsx', 'b.xlsx', 'broken.xlsx', 'c.xlsx', null]);
    expect(rows.map((r) => value(r[col('Points')]))).toEqual([total, Math.round(total * 0.55), null, 0, null]);
    expect(value(rows[0]![col('Score')])).toBe(1);
    expect((rows[1]![col('Score')] as FormulaCell).formula).toBe(`IF(E${SUMMARY_HEADER_ROW + 3}=0,0,D${SUMMARY_HEADER_ROW + 3}/E${SUMMARY_HEADER_ROW + 3})`);
    expect(value(rows[2]![col('Problem')])).toBe('is a damaged zip package');
    expect([value(rows[4]![col('Student id')]), value(rows[4]![col('Problem')])]).toEqual(['d', 'no submission']);
  });

  it('counts students per score band, live, with its chart', () => {
    const bands = sheet(GRADES_SHEETS.distribution).blocks[0]!.rows.slice(1);
    const counts = bands.map((r) => value(r[1]));
    expect(counts).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect((bands[9]![1] as FormulaCell).formula).toMatch(/^COUNTIFS\(Summary!\$F\$5:\$F\$8,">=0\.9",Summary!\$F\$5:\$F\$8,"<=1"\)$/);
    expect(sheet(GRADES_SHEETS.distribution).charts).toHaveLength(1);
  });

  it("counts each answer cell's verdicts over the class", () => {
    const rows = sheet(GRADES_SHEETS.byCell).blocks[0]!.rows.slice(1);
    expect(rows).toHaveLength(total);
    expect(rows.map((r) => value(r[2]))).toEqual(answerCells(STEPS).map((_, i) => (i < Math.round(total * 0.55) ? 2 : 1)));
  });
});
