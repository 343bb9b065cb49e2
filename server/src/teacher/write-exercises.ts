import { join } from 'node:path';
import { buildExercisePlan, rosterParameters, TEACHER_KEY_FORMAT, TEACHER_KEY_VERSION, type TeacherKey } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeWorkbookPlan } from '../xlsx/exceljs-writer.js';
import { writeKeyFile } from './key-file.js';
import type { RosterEntry } from './roster.js';

export interface WriteExercisesOptions {
  readonly outDir: string;
  readonly keyPath: string;
  readonly roster: readonly RosterEntry[];
  readonly seed: number;
  readonly steps: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export function exerciseFileName(studentId: string): string {
  return `backprop-${studentId}.xlsx`;
}

/**
 * Writes one exercise workbook per student, each with the same exceljs writer as
 * the backprop workbook (charts, protection), then the key. The key comes last, so
 * a key on disk always describes workbooks that were all written.
 */
export async function writeExercises(options: WriteExercisesOptions): Promise<TeacherKey> {
  const { roster, seed, steps } = options;
  const parameters = rosterParameters(seed, roster.map((s) => s.id));
  const students = roster.map((s) => ({ id: s.id, name: s.name, file: exerciseFileName(s.id), parameters: parameters.get(s.id)! }));
  let done = 0;
  options.onProgress?.(done, students.length);
  for (const student of students) {
    const bytes = await writeWorkbookPlan(buildExercisePlan(student, student.parameters, steps));
    await writeFileAtomic(join(options.outDir, student.file), bytes);
    options.onProgress?.(++done, students.length);
  }
  const key: TeacherKey = { format: TEACHER_KEY_FORMAT, version: TEACHER_KEY_VERSION, seed, steps, students };
  await writeKeyFile(options.keyPath, key);
  return key;
}
