import { mkdir } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { flagDuplicateSubmissions, type GradedOutcome, type SubmissionOutcome, type TeacherKey } from '@gradsheet/shared';
import { SubmissionGrader } from './submission-grader.js';

export interface GradeFilesOptions {
  readonly key: TeacherKey;
  readonly relativeTolerance: number;
  /** Where feedback copies go (an outcome's feedbackFile is its name there); none are written when null. */
  readonly feedbackDir: string | null;
  /** The heap one submission may take while it is read (default GRADING_HEAP_MB). */
  readonly fileMemoryMb?: number;
  /** Called after each file, graded or not. */
  readonly onFile?: (outcome: SubmissionOutcome, done: number, total: number) => void;
}

/**
 * Grades submissions one at a time, so memory holds one workbook whatever the
 * class size, on a thread with a heap of its own (SubmissionGrader). A file that
 * cannot be graded, even one that runs that thread out of memory, becomes a failed
 * outcome with its reason, and the others are graded all the same.
 */
export async function gradeFiles(paths: readonly string[], options: GradeFilesOptions): Promise<SubmissionOutcome[]> {
  const { key, relativeTolerance, feedbackDir } = options;
  if (feedbackDir) await mkdir(feedbackDir, { recursive: true });
  const feedbackNames = new Set<string>();
  const outcomes: SubmissionOutcome[] = [];
  const grader = new SubmissionGrader({ key, relativeTolerance, feedbackDir }, options.fileMemoryMb);
  try {
    for (const path of paths) {
      const feedbackFile = feedbackDir ? uniqueName(`${basename(path, extname(path))}-feedback.xlsx`, feedbackNames) : null;
      const outcome = await grader.grade(path, feedbackFile);
      outcomes.push(outcome);
      options.onFile?.(outcome, outcomes.length, paths.length);
    }
  } finally {
    await grader.close();
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
