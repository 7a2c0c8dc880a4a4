import { describe, expect, it } from 'vitest';
import { readConfig } from './config';

const read = (env: Record<string, string>) => readConfig(['--port', '3000'], env, '/repo');

describe('readConfig: metering retention', () => {
  it('keeps request rows 35 days unless SLIPWAY_USAGE_RETENTION_DAYS says otherwise', () => {
    expect(read({}).gateway.usageRetentionDays).toBe(35);
    expect(read({ SLIPWAY_USAGE_RETENTION_DAYS: '400' }).gateway.usageRetentionDays).toBe(400);
  });

  it('refuses a retention that is not a whole number of days from 1 to 3650, naming the variable', () => {
    for (const bad of ['0', '-3', '1.5', 'forever', '3651', ''])
      expect(() => read({ SLIPWAY_USAGE_RETENTION_DAYS: bad }), bad).toThrow(
        /^SLIPWAY_USAGE_RETENTION_DAYS must be a whole number of days from 1 to 3650/,
      );
  });
});
