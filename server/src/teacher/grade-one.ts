import { join } from 'node:path';
import { checkIdentity, gradeSubmission, type SubmissionOutcome, type TeacherKey } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { feedbackWorkbook } from './feedback-xlsx.js';
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
    const identity = checkIdentity(read.claimedId, read.values.parameters, key);
    if (feedbackDir && feedbackFile) await writeFileAtomic(join(feedbackDir, feedbackFile), await feedbackWorkbook(read, grade, identity));
    return { kind: 'graded', file: path, identity, grade, ...(feedbackDir && feedbackFile ? { feedbackFile } : {}) };
  } catch (error) {
    const { code, message } = toSubmissionError(error);
    return { kind: 'failed', file: path, error: { code, message } };
  }
}
