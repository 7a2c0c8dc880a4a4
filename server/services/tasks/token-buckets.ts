/**
 * Token buckets by key (one per app queue): `ratePerSecond` tokens a second, at most `burst`
 * saved up. Buckets that filled up again are forgotten, so idle queues cost nothing.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole tokens the key has now. */
  available(key: string): number {
    return Math.floor(this.refill(key).tokens);
  }

  /** Takes a token if there is one. */
  tryTake(key: string): boolean {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }

  private refill(key: string): { tokens: number; at: number } {
    const now = this.now();
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    if (tokens >= this.burst) {
      this.buckets.delete(key);
      return { tokens, at: now };
    }
    bucket.tokens = tokens;
    bucket.at = now;
    return bucket;
  }
}
