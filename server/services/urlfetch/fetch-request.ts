import { invalidInput, tooLarge } from '../../core/errors';

export const FETCH_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type FetchMethod = (typeof FETCH_METHODS)[number];

/** What an app asks to fetch. */
export interface UrlFetchRequest {
  url: string;
  method?: FetchMethod;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Total time for the whole fetch, redirects and body included. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  followRedirects?: boolean;
}

/** What a fetch returns to the app. Repeated response headers are joined with ", ". */
export interface UrlFetchResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  finalUrl: string;
  /** Every URL a redirect led to, in order; the last is `finalUrl`. */
  redirects: string[];
}

const MIB = 1024 * 1024;

export const URL_FETCH_LIMITS = {
  defaultTimeoutMs: 10_000,
  maxTimeoutMs: 30_000,
  defaultMaxResponseBytes: 10 * MIB,
  maxResponseBytes: 32 * MIB,
  maxRequestBodyBytes: 10 * MIB,
  maxRedirects: 5,
  maxUrlLength: 8192,
  maxHeaders: 100,
  maxHeaderBytes: 64 * 1024,
} as const;

/** A request checked and normalised; header names are lower-case. */
export interface PreparedRequest {
  url: URL;
  method: FetchMethod;
  headers: Record<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  followRedirects: boolean;
}

/**
 * Request headers the platform owns or that only make sense for one connection; dropped from what
 * the app sends. Content-Length is recomputed from the body; Expect would stall on a 100-continue.
 */
const STRIPPED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'http2-settings',
]);

/** Response headers that describe the connection to the remote site, not the content. */
const HOP_BY_HOP_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-connection',
]);

/** Headers that describe a request body; dropped when a redirect turns the request into a GET. */
export const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];
/** Credentials for one site; dropped when a redirect leaves that origin (as browsers do). */
export const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What Node accepts in a header value: tab, visible ASCII, Latin-1; no CR, LF or NUL. */
const UNSAFE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Checks an app's request against the limits and rules; throws invalid-input or too-large. */
export function prepareRequest(request: UrlFetchRequest, appId: string): PreparedRequest {
  if (typeof request !== 'object' || request === null) throw invalidInput('fetch request must be an object');
  const url = parseRequestUrl(request.url);
  const method = parseMethod(request.method);
  const body = parseBody(request.body, method);
  const headers = parseHeaders(request.headers);
  if (!('user-agent' in headers)) headers['user-agent'] = `Slipway-URLFetch/1 (app ${appId})`;
  return {
    url,
    method,
    headers,
    body,
    timeoutMs: parseLimit(
      'timeoutMs',
      request.timeoutMs,
      URL_FETCH_LIMITS.defaultTimeoutMs,
      URL_FETCH_LIMITS.maxTimeoutMs,
    ),
    maxResponseBytes: parseLimit(
      'maxResponseBytes',
      request.maxResponseBytes,
      URL_FETCH_LIMITS.defaultMaxResponseBytes,
      URL_FETCH_LIMITS.maxResponseBytes,
    ),
    followRedirects: parseFlag('followRedirects', request.followRedirects, true),
  };
}

function parseRequestUrl(value: unknown): URL {
  if (typeof value !== 'string' || value === '') throw invalidInput('url must be a non-empty string');
  if (value.length > URL_FETCH_LIMITS.maxUrlLength) {
    throw invalidInput(`url is ${value.length} characters long; at most ${URL_FETCH_LIMITS.maxUrlLength}`);
  }
  try {
    return new URL(value);
  } catch {
    throw invalidInput('url is not a valid absolute URL');
  }
}

function parseMethod(value: unknown): FetchMethod {
  if (value === undefined) return 'GET';
  const method = typeof value === 'string' ? value.toUpperCase() : '';
  const known = FETCH_METHODS.find((candidate) => candidate === method);
  if (!known) {
    const given = typeof value === 'string' ? ` (got ${JSON.stringify(value.slice(0, 32))})` : '';
    throw invalidInput(`method must be one of ${FETCH_METHODS.join(', ')}${given}`);
  }
  return known;
}

function parseBody(value: unknown, method: FetchMethod): Buffer | undefined {
  if (value === undefined || value === null) return undefined;
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : undefined;
  if (!body) throw invalidInput('body must be a string or bytes');
  if (method === 'GET' || method === 'HEAD') throw invalidInput(`a ${method} request cannot have a body`);
  if (body.length > URL_FETCH_LIMITS.maxRequestBodyBytes) {
    throw tooLarge(`request body is ${body.length} bytes; at most ${URL_FETCH_LIMITS.maxRequestBodyBytes}`, {
      limit: URL_FETCH_LIMITS.maxRequestBodyBytes,
    });
  }
  return body;
}

function parseHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined || value === null) return headers;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput('headers must be an object of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > URL_FETCH_LIMITS.maxHeaders) {
    throw invalidInput(`${entries.length} headers; at most ${URL_FETCH_LIMITS.maxHeaders}`);
  }
  let size = 0;
  for (const [name, headerValue] of entries) {
    if (!TOKEN.test(name)) throw invalidInput(`header name ${JSON.stringify(name)} is not a valid HTTP token`);
    if (typeof headerValue !== 'string') throw invalidInput(`header ${name} must have a string value`);
    if (UNSAFE_VALUE.test(headerValue))
      throw invalidInput(
        `header ${name} contains characters not allowed in HTTP (control characters or beyond Latin-1)`,
      );
    const lower = name.toLowerCase();
    if (lower in headers) throw invalidInput(`header ${name} is given twice (names are case-insensitive)`);
    size += name.length + headerValue.length + 4;
    if (STRIPPED_HEADERS.has(lower) || lower.startsWith('proxy-')) continue;
    headers[lower] = headerValue;
  }
  if (size > URL_FETCH_LIMITS.maxHeaderBytes) {
    throw invalidInput(`headers take ${size} bytes; at most ${URL_FETCH_LIMITS.maxHeaderBytes}`);
  }
  return headers;
}

function parseLimit(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    throw invalidInput(`${name} must be a whole number from 1 to ${max}`, { [name]: value });
  }
  return value;
}

function parseFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalidInput(`${name} must be true or false`);
  return value;
}

/** Response headers as the app sees them: hop-by-hop headers dropped, repeats joined. */
export function responseHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || HOP_BY_HOP_RESPONSE_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
