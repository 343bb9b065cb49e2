import createError, { type FastifyError } from '@fastify/error';
import { GradSheetError, type ApiErrorBody } from '@gradsheet/shared';
import { STATUS_CODES } from 'node:http';

/**
 * Every error the service answers with, in one table: a stable code, a message
 * (`%s` takes the details) and the HTTP status. Each key equals its code.
 */
export const SERVICE_ERRORS = {
  GS_ERR_VALIDATION: createError('GS_ERR_VALIDATION', 'Invalid request: %s', 400),
  GS_ERR_INVALID_JSON: createError('GS_ERR_INVALID_JSON', 'The body is not valid JSON: %s', 400),
  GS_ERR_BAD_REQUEST: createError('GS_ERR_BAD_REQUEST', 'Bad request: %s', 400),
  GS_ERR_BAD_RUN_ID: createError('GS_ERR_BAD_RUN_ID', 'Run ids are lowercase UUIDs such as 0f8fad5b-d9cb-469f-a165-70867728950e; got "%s"', 400),
  GS_ERR_INVALID_CONFIG: createError('GS_ERR_INVALID_CONFIG', 'Invalid training configuration: %s', 400),
  GS_ERR_INVALID_WORKBOOK: createError('GS_ERR_INVALID_WORKBOOK', 'Invalid workbook parameters: %s', 400),
  GS_ERR_UNAUTHORIZED: createError('GS_ERR_UNAUTHORIZED', 'This service needs the header "Authorization: Bearer <token>" with the token it was started with', 401),
  GS_ERR_ORIGIN_REFUSED: createError('GS_ERR_ORIGIN_REFUSED', 'Requests from the web origin %s are not allowed', 403),
  GS_ERR_HOST_REFUSED: createError('GS_ERR_HOST_REFUSED', 'Requests addressed to host "%s" are not allowed; use localhost or 127.0.0.1', 403),
  GS_ERR_NOT_FOUND: createError('GS_ERR_NOT_FOUND', 'There is no route %s %s', 404),
  GS_ERR_UNKNOWN_MODEL: createError('GS_ERR_UNKNOWN_MODEL', 'There is no model "%s"; known models: %s', 404),
  GS_ERR_UNKNOWN_RUN: createError('GS_ERR_UNKNOWN_RUN', 'There is no run %s', 404),
  GS_ERR_RUN_NOT_CANCELLABLE: createError('GS_ERR_RUN_NOT_CANCELLABLE', 'Run %s is %s; only a queued or running run can be cancelled', 409),
  GS_ERR_RUN_NOT_RESUMABLE: createError('GS_ERR_RUN_NOT_RESUMABLE', 'Run %s is %s; only an interrupted run can be resumed', 409),
  GS_ERR_BODY_TOO_LARGE: createError('GS_ERR_BODY_TOO_LARGE', 'The body is larger than the limit of %d bytes', 413),
  GS_ERR_UNSUPPORTED_MEDIA_TYPE: createError('GS_ERR_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json, not "%s"', 415),
  GS_ERR_INTERNAL: createError('GS_ERR_INTERNAL', 'The service failed: %s', 500),
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

/** Largest accepted request body: a run request is a few hundred bytes. */
export const BODY_LIMIT = 16 * 1024;

interface FrameworkError {
  readonly code?: string;
  readonly message?: string;
  readonly statusCode?: number;
  readonly validation?: readonly { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> }[];
  readonly validationContext?: string;
}

/** One readable sentence for the first schema violation, e.g. `body.epochs must be <= 50`. */
function validationMessage(error: FrameworkError): string {
  const first = error.validation?.[0];
  if (!first) return error.message ?? 'the request does not match its schema';
  const where = `${error.validationContext ?? 'request'}${first.instancePath.replaceAll('/', '.')}`;
  if (first.keyword === 'additionalProperties') return `${where} has an unknown field "${String(first.params.additionalProperty)}"`;
  if (first.keyword === 'required') return `${where} is missing the field "${String(first.params.missingProperty)}"`;
  return `${where} ${first.message ?? 'is invalid'}`;
}

/** Turns anything thrown while answering a request into an error from the table. */
export function toServiceError(thrown: unknown, request?: { params?: unknown; headers?: Record<string, unknown> }): FastifyError {
  if (thrown instanceof GradSheetError) return new SERVICE_ERRORS.GS_ERR_INVALID_CONFIG(thrown.message);
  const error = (thrown ?? {}) as FrameworkError;
  if (typeof error.code === 'string' && error.code in SERVICE_ERRORS) return error as FastifyError;
  if (error.validation) {
    const runId = (request?.params as { runId?: unknown } | undefined)?.runId;
    if (error.validationContext === 'params' && error.validation[0]?.instancePath === '/runId') return new SERVICE_ERRORS.GS_ERR_BAD_RUN_ID(String(runId));
    return new SERVICE_ERRORS.GS_ERR_VALIDATION(validationMessage(error));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SERVICE_ERRORS.GS_ERR_BODY_TOO_LARGE(BODY_LIMIT);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new SERVICE_ERRORS.GS_ERR_INVALID_JSON('check its quotes, commas and brackets');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SERVICE_ERRORS.GS_ERR_INVALID_JSON('the body is empty');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new SERVICE_ERRORS.GS_ERR_UNSUPPORTED_MEDIA_TYPE(String(request?.headers?.['content-type'] ?? ''));
  }
  // Fastify's JSON parser answers other syntax errors with a plain SyntaxError and status 400.
  if (thrown instanceof SyntaxError) return new SERVICE_ERRORS.GS_ERR_INVALID_JSON(thrown.message);
  if (typeof error.statusCode === 'number' && error.statusCode < 500) return new SERVICE_ERRORS.GS_ERR_BAD_REQUEST(error.message ?? 'the request was refused');
  return new SERVICE_ERRORS.GS_ERR_INTERNAL(error.message ?? String(thrown));
}

export function errorBody(error: FastifyError): ApiErrorBody {
  const statusCode = error.statusCode ?? 500;
  return { statusCode, code: error.code, error: STATUS_CODES[statusCode] ?? 'Error', message: error.message };
}
