import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst, then the rate, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets(10, 10, () => now);
    for (let i = 0; i < 10; i++) expect(buckets.tryTake('a')).toBe(true);
    expect(buckets.tryTake('a')).toBe(false);
    expect(buckets.available('b')).toBe(10);
    now += 100; // a tenth of a second: one token
    expect(buckets.available('a')).toBe(1);
    expect(buckets.tryTake('a')).toBe(true);
    expect(buckets.tryTake('a')).toBe(false);
    now += 10_000;
    expect(buckets.available('a')).toBe(10);
  });

  it('takes ten a second at most over a long run', () => {
    let now = 0;
    const buckets = new TokenBuckets(10, 10, () => now);
    let taken = 0;
    for (; now <= 60_000; now += 50) while (buckets.tryTake('q')) taken += 1;
    // The first burst plus ten a second for a minute.
    expect(taken).toBe(10 + 600);
  });
});
