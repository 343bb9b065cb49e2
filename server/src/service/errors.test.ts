import { describe, expect, it } from 'vitest';
import { invalidInput } from '@gradsheet/shared';
import { SERVICE_ERRORS, errorBody, toServiceError } from './errors.js';

describe('the service error table', () => {
  it('names every error by its own code, with a status', () => {
    for (const [key, ErrorClass] of Object.entries(SERVICE_ERRORS)) {
      const error = new ErrorClass('a', 'b');
      expect(error.code).toBe(key);
      expect(error.statusCode).toBeGreaterThanOrEqual(400);
    }
  });

  it('turns thrown values into table errors', () => {
    expect(toServiceError(invalidInput('lr must be positive')).code).toBe('GS_ERR_INVALID_CONFIG');
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
