import { describe, expect, it } from 'vitest';
import { decideScaling, hasSpareCapacity, type ScalingInput } from './scaling-policy';

const base: ScalingInput = {
  min: 0,
  max: 3,
  idleSeconds: 300,
  ready: 1,
  starting: 0,
  concurrency: 0,
  lastTrafficAt: 0,
  spareSince: undefined,
  now: 10_000,
  scaleOutConcurrency: 8,
  scaleInQuietMs: 60_000,
};

describe('decideScaling', () => {
  it('scales to zero only when min is 0 and the app was idle long enough', () => {
    expect(decideScaling({ ...base, now: 300_000 })).toBe('scale-to-zero');
    expect(decideScaling({ ...base, now: 299_999 })).toBe('none');
    expect(decideScaling({ ...base, now: 300_000, min: 1 })).toBe('none');
    expect(decideScaling({ ...base, now: 300_000, concurrency: 1 })).toBe('none');
    expect(decideScaling({ ...base, now: 300_000, ready: 0 })).toBe('none');
  });

  it('scales out above the threshold per ready instance, up to max, one start at a time', () => {
    expect(decideScaling({ ...base, concurrency: 9 })).toBe('scale-out');
    expect(decideScaling({ ...base, concurrency: 8 })).toBe('none');
    expect(decideScaling({ ...base, concurrency: 30, ready: 3 })).toBe('none');
    expect(decideScaling({ ...base, concurrency: 30, starting: 1 })).toBe('none');
  });

  it('scales in after a quiet period, never below max(min, 1)', () => {
    const spare = { ...base, ready: 2, spareSince: 0, now: 60_000, lastTrafficAt: 59_000 };
    expect(decideScaling(spare)).toBe('scale-in');
    expect(decideScaling({ ...spare, now: 59_999 })).toBe('none');
    expect(decideScaling({ ...spare, min: 2 })).toBe('none');
    expect(decideScaling({ ...spare, ready: 1 })).toBe('none');
  });

  it('sees spare capacity when one instance fewer stays under half the threshold', () => {
    expect(hasSpareCapacity(2, 4, 8)).toBe(true);
    expect(hasSpareCapacity(2, 5, 8)).toBe(false);
    expect(hasSpareCapacity(1, 0, 8)).toBe(false);
  });
});
