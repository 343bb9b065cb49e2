import { describe, expect, it } from 'vitest';
import { checkIdentity, flagDuplicateSubmissions } from './identity.js';
import { parseTeacherKey, TEACHER_KEY_FORMAT, type TeacherKey } from './key.js';
import { rosterParameters } from './student-parameters.js';

const params = rosterParameters(3, ['a', 'b']);
const key: TeacherKey = parseTeacherKey({
  format: TEACHER_KEY_FORMAT,
  version: 1,
  seed: 3,
  steps: 3,
  students: ['a', 'b'].map((id) => ({ id, name: id.toUpperCase(), file: `${id}.xlsx`, parameters: params.get(id) })),
});

describe('checkIdentity', () => {
  it('accepts a workbook whose parameters are its own student\'s', () => {
    expect(checkIdentity('a', params.get('a')!, key).flags).toEqual([]);
  });

  it('flags parameters of another student, of nobody, and unknown ids', () => {
    expect(checkIdentity('a', params.get('b')!, key).flags.map((f) => f.code)).toEqual(['OTHER_STUDENTS_PARAMETERS']);
    const edited = { ...params.get('a')!, inputs: [0.5, 0.25] as const };
    expect(checkIdentity('a', edited, key).flags.map((f) => f.code)).toEqual(['UNKNOWN_PARAMETERS']);
    expect(checkIdentity('zz', params.get('a')!, key).flags.map((f) => f.code)).toEqual(['UNKNOWN_STUDENT']);
    expect(checkIdentity(null, params.get('a')!, key).flags[0]!.message).toMatch(/names no student/);
  });

  it('flags two files that name the same student', () => {
    const findings = flagDuplicateSubmissions([
      { file: '1.xlsx', identity: checkIdentity('a', params.get('a')!, key) },
      { file: '2.xlsx', identity: checkIdentity('a', params.get('a')!, key) },
      { file: '3.xlsx', identity: checkIdentity('b', params.get('b')!, key) },
    ]);
    expect(findings.map((f) => f.identity.flags.map((x) => x.code))).toEqual([['DUPLICATE_SUBMISSION'], ['DUPLICATE_SUBMISSION'], []]);
    expect(findings[0]!.identity.flags[0]!.message).toContain('2.xlsx');
  });
});

describe('parseTeacherKey', () => {
  it('refuses what is not a key', () => {
    expect(() => parseTeacherKey([])).toThrow(/object/);
    expect(() => parseTeacherKey({ format: 'x' })).toThrow(/not a GradSheet key/);
    expect(() => parseTeacherKey({ ...key, version: 2 })).toThrow(/version 2/);
    expect(() => parseTeacherKey({ ...key, students: [key.students[0], key.students[0]] })).toThrow(/twice/);
    expect(() => parseTeacherKey({ ...key, students: [{ ...key.students[0], parameters: { learningRate: 0.5, inputs: [1], targets: [1, 2], initialWeights: [] } }] })).toThrow(/inputs of "a"/);
  });
});
