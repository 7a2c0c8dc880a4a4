import type { DomainErrorCode } from '../core/errors';
import { isDomainError } from '../core/errors';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../protocol/problem';

const STATUS_OF: Record<DomainErrorCode, number> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'precondition-failed': 412,
  'too-large': 413,
  unsupported: 415,
  'too-many-requests': 429,
  'failed-dependency': 424,
};

const TITLE_OF: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Too large',
  415: 'Unsupported media type',
  424: 'A dependency failed',
  429: 'Too many requests',
  500: 'Internal error',
};

/** Builds an `application/problem+json` response. */
export function problemResponse(status: number, detail: string, extensions: Record<string, unknown> = {}): Response {
  const body: ProblemDetails = {
    type: 'about:blank',
    title: TITLE_OF[status] ?? 'Error',
    status,
    detail,
    ...extensions,
  };
  const headers = new Headers({ 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' });
  const retryAfter = extensions.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers.set('retry-after', String(retryAfter));
  return new Response(JSON.stringify(body), { status, headers });
}

/** Maps any thrown value to a problem response; unexpected errors are logged loudly, never exposed. */
export function errorToProblem(error: unknown, log: (message: string, error: unknown) => void): Response {
  if (isDomainError(error)) {
    return problemResponse(STATUS_OF[error.code], error.message, { code: error.code, ...error.data });
  }
  log('unhandled error in API handler', error);
  return problemResponse(500, 'Something went wrong on our side; it has been logged.');
}
