import createError, { type FastifyError } from '@fastify/error';
import { GradSheetError, type ApiErrorBody, type GradSheetErrorCode } from '@gradsheet/shared';
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
  GS_ERR_INVALID_MODEL: createError('GS_ERR_INVALID_MODEL', 'The model design cannot be built: %s', 400),
  GS_ERR_UNAUTHORIZED: createError('GS_ERR_UNAUTHORIZED', 'This service needs the header "Authorization: Bearer <token>" with your token (from the teacher, or the one the service was started with)', 401),
  GS_ERR_TOKEN_REFUSED: createError('GS_ERR_TOKEN_REFUSED', 'The token sent was not accepted: it is mistyped, or it was revoked', 401),
  GS_ERR_ORIGIN_REFUSED: createError('GS_ERR_ORIGIN_REFUSED', 'Requests from the web origin %s are not allowed', 403),
  GS_ERR_HOST_REFUSED: createError('GS_ERR_HOST_REFUSED', 'Requests addressed to host "%s" are not allowed; use the address the service was started for (localhost or 127.0.0.1 unless told otherwise)', 403),
  GS_ERR_NOT_FOUND: createError('GS_ERR_NOT_FOUND', 'There is no route %s %s', 404),
  GS_ERR_UNKNOWN_MODEL: createError('GS_ERR_UNKNOWN_MODEL', 'There is no model "%s"; known models: %s', 404),
  GS_ERR_UNKNOWN_RUN: createError('GS_ERR_UNKNOWN_RUN', 'There is no run %s', 404),
  GS_ERR_RUN_NOT_CANCELLABLE: createError('GS_ERR_RUN_NOT_CANCELLABLE', 'Run %s is %s; only a queued or running run can be cancelled', 409),
  GS_ERR_RUN_NOT_RESUMABLE: createError('GS_ERR_RUN_NOT_RESUMABLE', 'Run %s is %s; only an interrupted run can be resumed', 409),
  GS_ERR_RUN_HAS_NO_WEIGHTS: createError('GS_ERR_RUN_HAS_NO_WEIGHTS', 'The run has no final weights: %s', 409),
  GS_ERR_BODY_TOO_LARGE: createError('GS_ERR_BODY_TOO_LARGE', 'The body is larger than the limit of %d bytes', 413),
  GS_ERR_QUEUE_FULL: createError('GS_ERR_QUEUE_FULL', 'Too many requests: %s', 429),
  GS_ERR_UNSUPPORTED_MEDIA_TYPE: createError('GS_ERR_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json, not "%s"', 415),
  GS_ERR_INTERNAL: createError('GS_ERR_INTERNAL', 'The service failed: %s', 500),
  GS_ERR_BACKEND_UNAVAILABLE: createError('GS_ERR_BACKEND_UNAVAILABLE', 'The training backend cannot start here: %s', 503),
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

/**
 * How the service answers a GradSheetError: a code of the table above (which sets the
 * HTTP status), and whether the answer's sentence is that code's template filled with
 * the error's message (`Invalid request: body.lr must be …`) or the error's own.
 */
export interface ServiceAnswer {
  readonly code: ServiceErrorCode | ((error: GradSheetError) => ServiceErrorCode);
  readonly sentence: 'template' | 'own';
}

const template = (code: ServiceAnswer['code']): ServiceAnswer => ({ code, sentence: 'template' });
const own = (code: ServiceAnswer['code']): ServiceAnswer => ({ code, sentence: 'own' });
/** Codes only the CLI or the task pane raise, and GradSheet's own faults: a 500 with no detail. */
const internal = template('GS_ERR_INTERNAL');

/** Each GradSheetError's answer. */
export const SERVICE_ANSWERS: Record<GradSheetErrorCode, ServiceAnswer> = {
  INVALID_INPUT: template('GS_ERR_VALIDATION'),
  INVALID_MODEL: template('GS_ERR_INVALID_MODEL'),
  UNKNOWN_MODEL: own('GS_ERR_UNKNOWN_MODEL'),
  // The service reads and writes only its own files: one it cannot use is its own fault.
  INVALID_FILE: internal,
  OUTPUT_REFUSED: internal,
  SUBMISSION_NOT_XLSX: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_CORRUPT: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_TOO_LARGE: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_ZIP_BOMB: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_MACROS: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_EXTERNAL_LINKS: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_SHEET_TOO_LARGE: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_NOT_AN_EXERCISE: template('GS_ERR_BAD_REQUEST'),
  SUBMISSION_UNREADABLE: template('GS_ERR_BAD_REQUEST'),
  UNKNOWN_RUN: own('GS_ERR_UNKNOWN_RUN'),
  // `details.action` says what was refused: cancelling or resuming.
  RUN_STATE: own((error) => (error.details?.action === 'resume' ? 'GS_ERR_RUN_NOT_RESUMABLE' : 'GS_ERR_RUN_NOT_CANCELLABLE')),
  NO_WEIGHTS: own('GS_ERR_RUN_HAS_NO_WEIGHTS'),
  // `details.retryAfterSeconds` becomes the Retry-After header.
  QUEUE_FULL: own('GS_ERR_QUEUE_FULL'),
  // Only the CLI's account commands take the accounts file's lock.
  ACCOUNTS_BUSY: internal,
  NAMES_TAKEN: internal,
  WORKBOOK_PROTECTED: internal,
  SHEET_GONE: internal,
  EXCEL_TOO_OLD: internal,
  SERVICE_UNREACHABLE: internal,
  SERVICE_REFUSED: internal,
  BACKEND_UNAVAILABLE: template('GS_ERR_BACKEND_UNAVAILABLE'),
  INVALID_PLAN: internal,
  INTERNAL: internal,
};

/** What a 5xx answer says: its detail may name the server's files, so it goes to the log only. */
export const INTERNAL_DETAIL = "see the service's log for the details";

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

/** A GradSheetError as the service answers it, by SERVICE_ANSWERS; a 5xx keeps its detail for the log. */
function answerOf(error: GradSheetError): FastifyError {
  const { code, sentence } = SERVICE_ANSWERS[error.code];
  const ServiceError = SERVICE_ERRORS[typeof code === 'function' ? code(error) : code];
  const answer = new ServiceError(error.message);
  // A 5xx message may name the server's files: its detail goes to the log only.
  if ((answer.statusCode ?? 500) >= 500) return new ServiceError(INTERNAL_DETAIL);
  if (sentence === 'own') answer.message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return answer;
}

/**
 * Turns anything thrown while answering a request into an error from the table. An
 * error the table does not know is a 500 whose answer names no detail (it may name a
 * server path); the error handler logs the thrown value in full.
 */
export function toServiceError(
  thrown: unknown,
  request?: { params?: unknown; headers?: Record<string, unknown>; routeOptions?: { bodyLimit?: number } },
): FastifyError {
  if (thrown instanceof GradSheetError) return answerOf(thrown);
  const error = (thrown ?? {}) as FrameworkError;
  if (typeof error.code === 'string' && error.code in SERVICE_ERRORS) return error as FastifyError;
  if (error.validation) {
    const runId = (request?.params as { runId?: unknown } | undefined)?.runId;
    if (error.validationContext === 'params' && error.validation[0]?.instancePath === '/runId') return new SERVICE_ERRORS.GS_ERR_BAD_RUN_ID(String(runId));
    return new SERVICE_ERRORS.GS_ERR_VALIDATION(validationMessage(error));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      // A route may take more than the service's default (a digit's grid does).
      return new SERVICE_ERRORS.GS_ERR_BODY_TOO_LARGE(request?.routeOptions?.bodyLimit ?? BODY_LIMIT);
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
  return new SERVICE_ERRORS.GS_ERR_INTERNAL(INTERNAL_DETAIL);
}

export function errorBody(error: FastifyError): ApiErrorBody {
  const statusCode = error.statusCode ?? 500;
  return { statusCode, code: error.code, error: STATUS_CODES[statusCode] ?? 'Error', message: error.message };
}
