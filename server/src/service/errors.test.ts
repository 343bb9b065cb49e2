import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_TABLE, GradSheetError, invalidInput, invalidModel } from '@gradsheet/shared';
import { INTERNAL_DETAIL, SERVICE_ANSWERS, SERVICE_ERRORS, errorBody, toServiceError } from './errors.js';

describe('the service error table', () => {
  it('names every error by its own code, with a status', () => {
    for (const [key, ErrorClass] of Object.entries(SERVICE_ERRORS)) {
      const error = new ErrorClass('a', 'b');
      expect(error.code).toBe(key);
      expect(error.statusCode).toBeGreaterThanOrEqual(400);
    }
  });

  it('turns thrown values into table errors', () => {
    expect(toServiceError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).statusCode).toBe(413);
    expect(toServiceError(new Error('boom')).code).toBe('GS_ERR_INTERNAL');
    const validation = { validation: [{ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'x' } }], validationContext: 'body' };
    expect(errorBody(toServiceError(validation))).toEqual({
      statusCode: 400,
      code: 'GS_ERR_VALIDATION',
      error: 'Bad Request',
      message: 'Invalid request: body has an unknown field "x"',
    });
  });
});

describe('the service edge of the error table', () => {
  it('answers every GradSheetError code with a code of the table, GradSheet’s own faults with 500', () => {
    expect(Object.keys(SERVICE_ANSWERS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const answer = toServiceError(new GradSheetError(code, 'x', { action: 'cancel' }));
      expect(Object.keys(SERVICE_ERRORS), code).toContain(answer.code);
      expect(answer.statusCode, code).toBeGreaterThanOrEqual(400);
      expect(answer.statusCode, code).toBeLessThan(600);
      if (ERROR_TABLE[code].kind === 'internal') expect(answer.statusCode, code).toBe(500);
    }
  });

  it.each([
    [invalidInput('body.batchSize 4096 is too large'), 400, 'GS_ERR_VALIDATION', 'Invalid request: body.batchSize 4096 is too large'],
    [invalidModel('layer 2 (Conv2d): kernel must be a whole number'), 400, 'GS_ERR_INVALID_MODEL', 'The model design cannot be built: layer 2 (Conv2d): kernel must be a whole number'],
    [new GradSheetError('UNKNOWN_MODEL', 'unknown model "x"; known models: a'), 404, 'GS_ERR_UNKNOWN_MODEL', 'Unknown model "x"; known models: a'],
    [new GradSheetError('UNKNOWN_RUN', 'there is no run 1'), 404, 'GS_ERR_UNKNOWN_RUN', 'There is no run 1'],
    [new GradSheetError('RUN_STATE', 'run 1 is done', { action: 'cancel' }), 409, 'GS_ERR_RUN_NOT_CANCELLABLE', 'Run 1 is done'],
    [new GradSheetError('RUN_STATE', 'run 1 is done', { action: 'resume' }), 409, 'GS_ERR_RUN_NOT_RESUMABLE', 'Run 1 is done'],
  ])('answers %s with %i %s', (error, status, code, message) => {
    expect(errorBody(toServiceError(error))).toMatchObject({ statusCode: status, code, message });
  });

  it('answers its own faults with 500 and a sentence that names no server path', () => {
    for (const thrown of [
      new GradSheetError('INVALID_PLAN', 'sheet "/srv/gradsheet/runs/x" has no rows'),
      new GradSheetError('INTERNAL', 'assertion failed: /home/teacher/data'),
      new GradSheetError('BACKEND_UNAVAILABLE', "GradSheet's wasm kernels are not built (file:///opt/gradsheet/kernels.wasm)"),
      Object.assign(new Error("ENOENT: no such file or directory, open '/srv/gradsheet/runs/1/metrics.jsonl'"), { code: 'ENOENT' }),
    ]) {
      const body = errorBody(toServiceError(thrown));
      expect(body.statusCode).toBeGreaterThanOrEqual(500);
      expect(body.message).toContain(INTERNAL_DETAIL);
      expect(body.message).not.toMatch(/\/srv|\/home|\/opt/);
    }
  });
});
