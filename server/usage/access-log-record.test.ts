import { describe, expect, it } from 'vitest';
import { minuteOf, parseAccessLogLine } from './access-log-record';

const line = (fields: Record<string, string>) =>
  JSON.stringify({
    id: '0123456789abcdef0123456789abcdef',
    ms: '1763836652.123',
    app: 'app-1',
    version: 'v-1',
    user: '',
    method: 'GET',
    status: '200',
    in: '120',
    out: '450',
    rt: '0.004',
    upstream: 'unix:/run/a.sock',
    ...fields,
  });

describe('parseAccessLogLine', () => {
  it('reads a line of the slipway_usage format', () => {
    expect(parseAccessLogLine(line({}))).toEqual({
      request_id: '0123456789abcdef0123456789abcdef',
      app_id: 'app-1',
      version_id: 'v-1',
      user_id: null,
      method: 'GET',
      status: 200,
      bytes_in: 120,
      bytes_out: 450,
      latency_ms: 4,
      upstream: 'unix:/run/a.sock',
      at: '2025-11-22T18:37:32.123Z',
      minute: '2025-11-22T18:37:00.000Z',
    });
  });

  it('skips lines that are not metered requests', () => {
    expect(parseAccessLogLine('not json')).toBeNull();
    expect(parseAccessLogLine(line({ app: '' }))).toBeNull();
    expect(parseAccessLogLine(line({ id: 'short' }))).toBeNull();
    expect(parseAccessLogLine(line({ status: 'x' }))).toBeNull();
  });

  it('keeps the user and tolerates a missing upstream time', () => {
    expect(parseAccessLogLine(line({ user: 'u-1', rt: '' }))).toMatchObject({ user_id: 'u-1', latency_ms: 0 });
  });
});

describe('minuteOf', () => {
  it('truncates to the minute', () => {
    expect(minuteOf(Date.UTC(2026, 0, 2, 3, 4, 59, 999))).toBe('2026-01-02T03:04:00.000Z');
  });
});
