import { join } from 'node:path';
import { checkIdentity, gradeSubmission, type IdentityFlag, type SubmissionOutcome, type TeacherKey } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { feedbackWorkbook } from './feedback-xlsx.js';
import type { OutsideReference } from './outside-references.js';
import { readSubmission } from './read-submission.js';
import { toSubmissionError } from './submission-errors.js';
import { packageOf, vetSubmission } from './vet-submission.js';

export interface GradeOneOptions {
  readonly key: TeacherKey;
  readonly relativeTolerance: number;
  /** Where its feedback copy goes (a name in `feedbackDir`); none is written when null. */
  readonly feedbackDir: string | null;
}

/**
 * One submission, vetted, read, graded and given its feedback copy. Anything that
 * goes wrong becomes a failed outcome with its reason; it never throws.
 */
export async function gradeOne(path: string, feedbackFile: string | null, { key, relativeTolerance, feedbackDir }: GradeOneOptions): Promise<SubmissionOutcome> {
  try {
    const vetted = await vetSubmission(path);
    const read = await readSubmission(await packageOf(vetted), key.steps);
    const grade = gradeSubmission(read.values, { steps: key.steps, relativeTolerance });
    const checked = checkIdentity(read.claimedId, read.values.parameters, key);
    const identity = read.outside.length === 0 ? checked : { ...checked, flags: [...checked.flags, outsideFlag(read.outside)] };
    if (feedbackDir && feedbackFile) await writeFileAtomic(join(feedbackDir, feedbackFile), await feedbackWorkbook(read, grade, identity));
    return { kind: 'graded', file: path, identity, grade, ...(feedbackDir && feedbackFile ? { feedbackFile } : {}) };
  } catch (error) {
    const { code, message } = toSubmissionError(error);
    return { kind: 'failed', file: path, error: { code, message } };
  }
}

/** The teacher's flag for formulas that reached outside the workbook: where, and what they reached. */
function outsideFlag(outside: readonly OutsideReference[]): IdentityFlag {
  const named = outside.slice(0, 5).map((o) => `${o.where}: ${o.why}`);
  const more = outside.length > named.length ? `, and ${outside.length - named.length} more` : '';
  return {
    code: 'OUTSIDE_REFERENCES',
    message: `${outside.length} formula${outside.length === 1 ? '' : 's'} reached outside the workbook (${named.join('; ')}${more}); they score nothing and are not in the feedback copy`,
  };
}
