import { describe, expect, it } from 'vitest';
import { needsFreshToken, TOKEN_EXPIRED_CODE } from './push-client';

describe('needsFreshToken', () => {
  const expiresAt = '2026-11-22T12:00:00.000Z';
  const expiry = Date.parse(expiresAt);

  it('asks for a new token when the platform closes with 4401', () => {
    expect(needsFreshToken({ code: TOKEN_EXPIRED_CODE }, expiresAt, expiry - 3_600_000)).toBe(true);
  });

  it('asks for one when the token has expired by the page clock, whatever the close code', () => {
    expect(needsFreshToken({ code: 1006 }, expiresAt, expiry + 1)).toBe(true);
    expect(needsFreshToken({ code: 1006 }, expiresAt, expiry - 10_000)).toBe(true);
  });

  it('lets the script reconnect by itself otherwise', () => {
    expect(needsFreshToken({ code: 1006 }, expiresAt, expiry - 3_600_000)).toBe(false);
    expect(needsFreshToken({ code: 1001 }, 'garbage', expiry)).toBe(false);
  });
});
