/** RFC 9457 problem details, the body of every failed API response. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Header carrying the CSRF token on state-changing requests made with the session cookie. */
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_COOKIE = 'slipway_session';
