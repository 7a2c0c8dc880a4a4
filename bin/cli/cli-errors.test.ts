import { describe, expect, it } from 'vitest';
import { CliError, errorJson, formatError, problemError, UsageError } from './cli-errors';

describe('problemError', () => {
  it('makes one line of a problem+json body: title, detail, status; keeps the code', () => {
    const body = JSON.stringify({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No app "x".',
      code: 'not-found',
    });
    const error = problemError(404, 'Not Found', body);
    expect(error.message).toBe('Not Found: No app "x". (HTTP 404)');
    expect(error.details).toEqual({ status: 404, code: 'not-found' });
  });

  it('falls back to the first line of a non-JSON body', () => {
    expect(problemError(502, 'Bad Gateway', '<html>upstream down\n<body>').message).toBe(
      'Bad Gateway: <html>upstream down (HTTP 502)',
    );
    expect(problemError(500, '', '').message).toBe('HTTP 500 (HTTP 500)');
  });
});

describe('formatError', () => {
  it('prints CLI and usage errors as they are', () => {
    expect(formatError(new CliError('Publish failed at build: boom'))).toBe('Publish failed at build: boom');
    expect(formatError(new UsageError('login: --url is required'))).toBe('login: --url is required');
  });

  it('names an unreachable server instead of "fetch failed"', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(formatError(error)).toBe('Cannot reach the server (ECONNREFUSED).');
  });

  it('never prints a stack: only the first line of a message', () => {
    expect(formatError(new Error('first\n    at somewhere (file.ts:1:1)'))).toBe('first');
  });

  it('gives --json a machine-readable error with the stage of a failed publish', () => {
    expect(errorJson(new CliError('Publish failed at health: no answer', { stage: 'health' }))).toEqual({
      ok: false,
      error: { message: 'Publish failed at health: no answer', stage: 'health' },
    });
  });
});
