import { BACKPROP_STYLES, STYLE } from '../backprop/styles.js';
import { cellRange, columnLetters, columnRange } from '../workbook/addresses.js';
import type { CellStyle, PlanCell, WorkbookPlan } from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';
import { answerCells, answerKey, describeCell } from './answers.js';
import type { CellVerdict, SubmissionGrade } from './grading.js';
import type { IdentityFinding } from './identity.js';
import type { TeacherKey } from './key.js';

/** The class's grades as a WorkbookPlan: a summary row per file, the score distribution with its chart, and each cell's success rate. */

export interface GradedOutcome {
  readonly kind: 'graded';
  readonly file: string;
  readonly identity: IdentityFinding;
  readonly grade: SubmissionGrade;
  /** The feedback copy written for the student, relative to the grades file. */
  readonly feedbackFile?: string;
}

export interface FailedOutcome {
  readonly kind: 'failed';
  readonly file: string;
  readonly error: { readonly code: string; readonly message: string };
}

export type SubmissionOutcome = GradedOutcome | FailedOutcome;

export const GRADES_SHEETS = { summary: 'Summary', distribution: 'Distribution', byCell: 'By cell' } as const;
export const SUMMARY_HEADERS = [
  'File',
  'Student id',
  'Name',
  'Points',
  'Out of',
  'Score',
  'Correct',
  'Carried forward',
  'Typed numbers',
  'Wrong',
  'Empty',
  'Flags',
  'Problem',
  'Feedback',
] as const;
/** Zero-based row of the summary's header; one row per file follows. */
export const SUMMARY_HEADER_ROW = 3;

const GRADES_STYLES: Readonly<Record<string, CellStyle>> = {
  ...BACKPROP_STYLES,
  percent: { numberFormat: '0.0%' },
  flag: { fontColor: 'C00000' },
};

const VERDICT_COLUMNS: readonly CellVerdict[] = ['correct', 'carried-forward', 'typed', 'wrong', 'empty'];
const BANDS = 10;

export function buildGradesPlan(outcomes: readonly SubmissionOutcome[], key: TeacherKey, relativeTolerance: number): WorkbookPlan {
  const text = (value: string, style?: string): PlanCell => (style ? { value, style } : { value });
  const graded = outcomes.filter((o): o is GradedOutcome => o.kind === 'graded');
  const submitted = new Set(graded.flatMap((o) => (o.identity.student ? [o.identity.student.id] : [])));
  const missing = key.students.filter((s) => !submitted.has(s.id));
  const firstRow = SUMMARY_HEADER_ROW + 1;
  const scoreCol = SUMMARY_HEADERS.indexOf('Score');
  const points = columnLetters(SUMMARY_HEADERS.indexOf('Points'));
  const outOf = columnLetters(SUMMARY_HEADERS.indexOf('Out of'));

  const rows: PlanCell[][] = outcomes.map((o, index) => {
    const row = firstRow + index + 1; // one-based, for formulas
    if (o.kind === 'failed') {
      return [text(o.file), null, null, null, null, null, null, null, null, null, null, null, text(o.error.message, 'flag'), null];
    }
    const { grade, identity } = o;
    return [
      text(o.file),
      text(identity.student?.id ?? identity.claimedId ?? ''),
      text(identity.student?.name ?? ''),
      { value: grade.points },
      { value: grade.outOf },
      { formula: `IF(${outOf}${row}=0,0,${points}${row}/${outOf}${row})`, result: grade.outOf === 0 ? 0 : grade.points / grade.outOf, style: 'percent' },
      ...VERDICT_COLUMNS.map((v): PlanCell => ({ value: grade.counts[v] })),
      identity.flags.length > 0 ? text(identity.flags.map((f) => f.message).join('; '), 'flag') : null,
      null,
      o.feedbackFile ? text(o.feedbackFile) : null,
    ];
  });
  const missingRows: PlanCell[][] = missing.map((s) => [null, text(s.id), text(s.name), null, null, null, null, null, null, null, null, null, text('no submission', 'flag'), null]);

  // Distribution: live COUNTIFS over the Score column, so a hand-corrected score moves the chart.
  const scores = `${GRADES_SHEETS.summary}!$${columnLetters(scoreCol)}$${firstRow + 1}:$${columnLetters(scoreCol)}$${firstRow + Math.max(1, rows.length)}`;
  const percents = graded.map((o) => (o.grade.outOf === 0 ? 0 : o.grade.points / o.grade.outOf));
  const bandRows: PlanCell[][] = Array.from({ length: BANDS }, (_, b) => {
    const low = b / BANDS;
    const high = (b + 1) / BANDS;
    const last = b === BANDS - 1;
    const count = percents.filter((p) => p >= low - 1e-12 && (last ? p <= 1 + 1e-12 : p < high - 1e-12)).length;
    return [
      text(`${b * 10}–${last ? '100' : `${b * 10 + 9}`}%`),
      { formula: `COUNTIFS(${scores},">=${low}",${scores},"${last ? '<=' : '<'}${last ? 1 : high}")`, result: count },
    ];
  });

  const verdicts = graded.map((o) => new Map(o.grade.cells.map((c) => [answerKey(c.cell), c.verdict])));
  const byCell: PlanCell[][] = answerCells(key.steps).map((cell) => {
    const counts = Object.fromEntries(VERDICT_COLUMNS.map((v) => [v, 0])) as Record<CellVerdict, number>;
    for (const map of verdicts) {
      const verdict = map.get(answerKey(cell));
      if (verdict) counts[verdict]++;
    }
    const credited = counts.correct + counts['carried-forward'];
    return [
      { value: cell.step },
      text(describeCell(cell)),
      { value: credited },
      { value: graded.length === 0 ? 0 : credited / graded.length, style: 'percent' },
      ...VERDICT_COLUMNS.map((v): PlanCell => ({ value: counts[v] })),
    ];
  });

  return validatePlan({
    title: 'GradSheet grades',
    styles: GRADES_STYLES,
    names: [],
    sheets: [
      {
        name: GRADES_SHEETS.summary,
        frozen: { rows: firstRow, columns: 1 },
        columnWidths: [
          { col: 0, width: 28 },
          { col: 1, width: 12 },
          { col: 2, width: 24 },
          { col: scoreCol, width: 9 },
          { col: SUMMARY_HEADERS.indexOf('Flags'), width: 50 },
          { col: SUMMARY_HEADERS.indexOf('Problem'), width: 60 },
          { col: SUMMARY_HEADERS.indexOf('Feedback'), width: 32 },
        ],
        blocks: [
          {
            origin: { row: 0, col: 0 },
            rows: [
              [text('GradSheet grades: backprop exercise', STYLE.title)],
              [
                text(
                  `${graded.length} graded, ${outcomes.length - graded.length} could not be read, ${missing.length} on the roster without a submission. ` +
                    `${key.steps} steps per workbook; a cell scores within a relative ${relativeTolerance} and only as a formula.`,
                  STYLE.note,
                ),
              ],
            ],
          },
          { origin: { row: SUMMARY_HEADER_ROW, col: 0 }, rows: [SUMMARY_HEADERS.map((h) => text(h, STYLE.header)), ...rows, ...missingRows] },
        ],
        charts: [],
      },
      {
        name: GRADES_SHEETS.distribution,
        columnWidths: [{ col: 0, width: 12 }],
        blocks: [{ origin: { row: 0, col: 0 }, rows: [[text('Score', STYLE.header), text('Students', STYLE.header)], ...bandRows] }],
        charts: [
          {
            kind: 'line',
            title: 'Students per score band',
            xAxisTitle: 'Score',
            yAxisTitle: 'Students',
            categories: columnRange(GRADES_SHEETS.distribution, 1, 0, BANDS),
            series: [{ name: cellRange(GRADES_SHEETS.distribution, 0, 1), values: columnRange(GRADES_SHEETS.distribution, 1, 1, BANDS) }],
            anchor: { from: { row: 0, col: 3 }, to: { row: 20, col: 11 } },
          },
        ],
      },
      {
        name: GRADES_SHEETS.byCell,
        frozen: { rows: 1, columns: 2 },
        columnWidths: [
          { col: 0, width: 6 },
          { col: 1, width: 28 },
        ],
        blocks: [
          {
            origin: { row: 0, col: 0 },
            rows: [
              ['Step', 'Cell', 'Credited', 'Share', 'Correct', 'Carried forward', 'Typed numbers', 'Wrong', 'Empty'].map((h) => text(h, STYLE.header)),
              ...byCell,
            ],
          },
        ],
        charts: [],
      },
    ],
  });
}
