import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  checkIdentity,
  flagDuplicateSubmissions,
  gradeSubmission,
  type GradedOutcome,
  type SubmissionOutcome,
  type TeacherKey,
} from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { feedbackWorkbook } from './feedback-xlsx.js';
import { readSubmission } from './read-submission.js';
import { toSubmissionError } from './submission-errors.js';
import { packageOf, vetSubmission } from './vet-submission.js';

export interface GradeFilesOptions {
  readonly key: TeacherKey;
  readonly relativeTolerance: number;
  /** Where feedback copies go (an outcome's feedbackFile is its name there); none are written when null. */
  readonly feedbackDir: string | null;
  /** Called after each file, graded or not. */
  readonly onFile?: (outcome: SubmissionOutcome, done: number, total: number) => void;
}

/**
 * Grades submissions one at a time, so memory holds one workbook whatever the
 * class size. A file that cannot be graded becomes a failed outcome with its
 * reason, and the others are graded all the same.
 */
export async function gradeFiles(paths: readonly string[], options: GradeFilesOptions): Promise<SubmissionOutcome[]> {
  const { key, relativeTolerance, feedbackDir } = options;
  if (feedbackDir) await mkdir(feedbackDir, { recursive: true });
  const feedbackNames = new Set<string>();
  const outcomes: SubmissionOutcome[] = [];
  for (const path of paths) {
    let outcome: SubmissionOutcome;
    try {
      const vetted = await vetSubmission(path);
      const read = await readSubmission(await packageOf(vetted), key.steps);
      const grade = gradeSubmission(read.values, { steps: key.steps, relativeTolerance });
      const identity = checkIdentity(read.claimedId, read.values.parameters, key);
      let feedbackFile: string | undefined;
      if (feedbackDir) {
        feedbackFile = uniqueName(`${basename(path, extname(path))}-feedback.xlsx`, feedbackNames);
        await writeFileAtomic(join(feedbackDir, feedbackFile), await feedbackWorkbook(read, grade, identity));
      }
      outcome = { kind: 'graded', file: path, identity, grade, ...(feedbackFile ? { feedbackFile } : {}) };
    } catch (error) {
      const { code, message } = toSubmissionError(error);
      outcome = { kind: 'failed', file: path, error: { code, message } };
    }
    outcomes.push(outcome);
    options.onFile?.(outcome, outcomes.length, paths.length);
  }
  const graded = flagDuplicateSubmissions(outcomes.filter((o): o is GradedOutcome => o.kind === 'graded'));
  let next = 0;
  return outcomes.map((o) => (o.kind === 'graded' ? (graded[next++] as GradedOutcome) : o));
}

function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = wanted.replace(/\.xlsx$/, `-${n}.xlsx`);
  taken.add(name.toLowerCase());
  return name;
}
