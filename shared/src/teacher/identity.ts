import type { BackpropParameters } from '../backprop/parameters.js';
import type { KeyStudent, TeacherKey } from './key.js';

/**
 * Whose workbook is this? The workbook names its student (the Student id cell), and
 * its parameters name the student they were drawn for. When the two disagree, or the
 * parameters belong to nobody, the submission is flagged for the teacher; it is
 * still scored as it stands.
 */

export type IdentityFlagCode = 'OTHER_STUDENTS_PARAMETERS' | 'UNKNOWN_PARAMETERS' | 'UNKNOWN_STUDENT' | 'DUPLICATE_SUBMISSION' | 'OUTSIDE_REFERENCES';

export interface IdentityFlag {
  readonly code: IdentityFlagCode;
  readonly message: string;
}

export interface IdentityFinding {
  /** The student the workbook names, when that id is on the roster. */
  readonly student: KeyStudent | undefined;
  /** The id written in the workbook, as found. */
  readonly claimedId: string | null;
  /** The student whose parameters the workbook holds, if any. */
  readonly owner: KeyStudent | undefined;
  readonly flags: readonly IdentityFlag[];
}

/** Same parameters: equal up to what a spreadsheet's round trip can change in a two-decimal number. */
export function sameParameters(a: BackpropParameters, b: BackpropParameters): boolean {
  const xs = [a.learningRate, ...a.inputs, ...a.targets, ...a.initialWeights];
  const ys = [b.learningRate, ...b.inputs, ...b.targets, ...b.initialWeights];
  return xs.length === ys.length && xs.every((x, i) => Math.abs(x - (ys[i] as number)) <= 1e-12 * Math.max(1, Math.abs(x)));
}

export function checkIdentity(claimedId: string | null, parameters: BackpropParameters, key: TeacherKey): IdentityFinding {
  const student = claimedId === null ? undefined : key.students.find((s) => s.id === claimedId);
  const owner = key.students.find((s) => sameParameters(s.parameters, parameters));
  const flags: IdentityFlag[] = [];
  if (!student) {
    flags.push({
      code: 'UNKNOWN_STUDENT',
      message: claimedId === null ? 'the workbook names no student' : `student id "${claimedId}" is not on the roster`,
    });
  }
  if (!owner) {
    flags.push({ code: 'UNKNOWN_PARAMETERS', message: 'its parameters belong to nobody on the roster (edited, or from another class or seed)' });
  } else if (student && owner.id !== student.id) {
    flags.push({ code: 'OTHER_STUDENTS_PARAMETERS', message: `its parameters belong to ${owner.name} (${owner.id}), not to ${student.name} (${student.id})` });
  }
  return { student, claimedId, owner, flags };
}

/** Adds a flag to every finding whose student another finding names too. */
export function flagDuplicateSubmissions<T extends { readonly identity: IdentityFinding; readonly file: string }>(
  submissions: readonly T[],
): T[] {
  const filesByStudent = new Map<string, string[]>();
  for (const { identity, file } of submissions) {
    if (!identity.student) continue;
    filesByStudent.set(identity.student.id, [...(filesByStudent.get(identity.student.id) ?? []), file]);
  }
  return submissions.map((submission) => {
    const id = submission.identity.student?.id;
    const files = id === undefined ? [] : (filesByStudent.get(id) ?? []);
    if (files.length < 2) return submission;
    const others = files.filter((f) => f !== submission.file);
    const flag: IdentityFlag = { code: 'DUPLICATE_SUBMISSION', message: `${others.join(', ')} also name${others.length === 1 ? 's' : ''} student ${String(id)}` };
    return { ...submission, identity: { ...submission.identity, flags: [...submission.identity.flags, flag] } };
  });
}
