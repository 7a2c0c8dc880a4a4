/** How long failed attempts wait: doubling from `baseMs`, never over `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 3_600_000 };

/**
 * The wait after failed attempt `attempt` (from 1): exponential with "equal jitter" — half the
 * ceiling fixed, half random — so tasks that failed together (an app that was down) do not all
 * come back in the same second. An app's `Retry-After` lengthens the wait, up to `maxMs`.
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
  retryAfterMs = 0,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.min(policy.maxMs, Math.max(jittered, retryAfterMs));
}
