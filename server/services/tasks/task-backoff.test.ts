import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './task-backoff';

const policy = { baseMs: 10_000, maxMs: 3_600_000 };

describe('retryDelayMs', () => {
  it('doubles with each attempt, between half and all of the ceiling', () => {
    for (const [attempt, ceiling] of [
      [1, 10_000],
      [2, 20_000],
      [3, 40_000],
      [5, 160_000],
    ] as const) {
      expect(retryDelayMs(attempt, policy, () => 0)).toBe(ceiling / 2);
      expect(retryDelayMs(attempt, policy, () => 1)).toBe(ceiling);
      expect(retryDelayMs(attempt, policy, () => 0.5)).toBe(ceiling * 0.75);
    }
  });

  it('never waits longer than the policy maximum, however many attempts failed', () => {
    expect(retryDelayMs(20, policy, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(20, policy, () => 0)).toBe(1_800_000);
    expect(retryDelayMs(1_000, policy, () => 1)).toBe(3_600_000);
  });

  it('spreads tasks that failed together (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(20_000);
  });

  it("waits at least as long as the app's Retry-After asked, within the maximum", () => {
    expect(retryDelayMs(1, policy, () => 0, 120_000)).toBe(120_000);
    expect(retryDelayMs(1, policy, () => 0, 86_400_000)).toBe(3_600_000);
    expect(retryDelayMs(3, policy, () => 1, 1_000)).toBe(40_000);
  });
});
