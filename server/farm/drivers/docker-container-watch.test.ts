import { describe, expect, it } from 'vitest';
import { describeExitStatus, statusCodeOf } from './docker-container-watch';

describe('describeExitStatus', () => {
  it('reads 128 + n as signal n, as engines report a killed container', () => {
    expect(describeExitStatus(137)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(describeExitStatus(143)).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('keeps ordinary exit codes, and says nothing when the status is unknown', () => {
    expect(describeExitStatus(0)).toEqual({ code: 0, signal: null });
    expect(describeExitStatus(3)).toEqual({ code: 3, signal: null });
    expect(describeExitStatus(255)).toEqual({ code: 255, signal: null });
    expect(describeExitStatus(undefined)).toEqual({ code: null, signal: null });
  });
});

describe('statusCodeOf', () => {
  it('reads the HTTP status dockerode puts on its errors', () => {
    expect(statusCodeOf(Object.assign(new Error('no such container'), { statusCode: 404 }))).toBe(404);
    expect(statusCodeOf(new Error('socket hang up'))).toBeUndefined();
    expect(statusCodeOf('text')).toBeUndefined();
  });
});
