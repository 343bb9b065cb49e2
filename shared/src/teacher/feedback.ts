import { describeCell, mathOf } from './answers.js';
import type { CellGrade, CellVerdict, SubmissionGrade } from './grading.js';
import type { IdentityFinding } from './identity.js';

/** What a learner reads: one note per cell that did not score, and a few summary lines. */

export const VERDICT_LABELS: Readonly<Record<CellVerdict, string>> = {
  correct: 'Correct',
  'carried-forward': 'Carried forward',
  typed: 'Typed number',
  wrong: 'Wrong',
  empty: 'Empty',
};

/** Ten significant digits: enough to see a difference, short enough to read. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(10)));
}

function fromOwnCells(grade: CellGrade): string {
  return grade.upstream.map(([label, value]) => `${label} = ${Number.isFinite(value) ? formatNumber(value) : '(not a number)'}`).join(', ');
}

/** The note for a cell that did not score, or null for one that did. */
export function cellNote(grade: CellGrade): string | null {
  const { verdict, got, correct, expectedFromOwn } = grade;
  if (verdict === 'correct' || verdict === 'carried-forward') return null;
  const math = mathOf(grade.cell.quantity);
  const ownKnown = Number.isFinite(expectedFromOwn);
  const expected = ownKnown ? expectedFromOwn : correct;
  const why = ownKnown ? `from your own cells (${fromOwnCells(grade)}), by ${math}` : `by ${math}; an earlier cell it needs holds no number, so this is the value from the parameters`;
  const alsoCorrect =
    ownKnown && Math.abs(expectedFromOwn - correct) > 1e-9 * Math.abs(correct) ? ` With every earlier cell right, it would be ${formatNumber(correct)}.` : '';
  switch (verdict) {
    case 'empty':
      return `${describeCell(grade.cell)} is empty. Expected ${formatNumber(expected)}, ${why}.${alsoCorrect}`;
    case 'typed':
      return `${describeCell(grade.cell)}: the value is right, but it is a typed number. Write the formula: ${math}.`;
    case 'wrong': {
      const found = got?.nonNumeric ?? (got?.value === null || got?.value === undefined ? 'nothing' : formatNumber(got.value));
      return `${describeCell(grade.cell)}: expected ${formatNumber(expected)}, found ${found}. Expected ${why}.${alsoCorrect}`;
    }
  }
}

export function identityNote(identity: IdentityFinding): string | null {
  return identity.flags.length === 0 ? null : `Flagged: ${identity.flags.map((f) => f.message).join('; ')}.`;
}

/** The lines heading a learner's feedback sheet. */
export function feedbackSummary(grade: SubmissionGrade, identity: IdentityFinding): string[] {
  const percent = grade.outOf === 0 ? 0 : (100 * grade.points) / grade.outOf;
  const lines = [
    `Score: ${grade.points} of ${grade.outOf} cells (${percent.toFixed(1)}%).`,
    `${grade.counts.correct} correct, ${grade.counts['carried-forward']} correct from your own earlier values, ` +
      `${grade.counts.typed} typed numbers, ${grade.counts.wrong} wrong, ${grade.counts.empty} empty.`,
  ];
  const flagged = identityNote(identity);
  if (flagged) lines.push(flagged);
  if (grade.points < grade.outOf) lines.push('Each cell that did not score has a note saying what was expected and why; they are listed below.');
  return lines;
}
