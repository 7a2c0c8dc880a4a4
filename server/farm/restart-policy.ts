/** When and how often a crashed instance is restarted, and when crashes count as a loop. */
export interface RestartTiming {
  /** Waits before the 1st, 2nd, … restart; the last one repeats. */
  backoffMs: readonly number[];
  /** This many exits within `crashLoopWindowMs` is a crash loop. */
  crashLoopExits: number;
  crashLoopWindowMs: number;
}

/** The defaults: 0.2 s, 0.5, 1, 2, 5, then every 10 s; 5 exits within a minute is a loop. */
export const DEFAULT_RESTART_TIMING: RestartTiming = {
  backoffMs: [200, 500, 1_000, 2_000, 5_000, 10_000],
  crashLoopExits: 5,
  crashLoopWindowMs: 60_000,
};

/** What to do after an instance of a version ended on its own. */
export type CrashVerdict = { kind: 'restart'; afterMs: number } | { kind: 'crash-loop'; exits: number };

/** Counts the crashes of one app version and decides between a restart (with backoff) and giving up. */
export class RestartPolicy {
  private readonly exits: number[] = [];

  constructor(private readonly timing: RestartTiming = DEFAULT_RESTART_TIMING) {}

  /** Records an exit at `now` (ms) and returns the verdict. */
  recordExit(now: number): CrashVerdict {
    this.exits.push(now);
    const windowStart = now - this.timing.crashLoopWindowMs;
    while ((this.exits[0] ?? now) < windowStart) this.exits.shift();
    if (this.exits.length >= this.timing.crashLoopExits) return { kind: 'crash-loop', exits: this.exits.length };
    const step = Math.min(this.exits.length - 1, this.timing.backoffMs.length - 1);
    return { kind: 'restart', afterMs: this.timing.backoffMs[step] ?? 0 };
  }
}
