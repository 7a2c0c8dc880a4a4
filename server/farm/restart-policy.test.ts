import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy';

const timing = { backoffMs: [200, 500, 1_000], crashLoopExits: 4, crashLoopWindowMs: 60_000 };

describe('RestartPolicy', () => {
  it('backs off with each crash inside the window, repeating the last step', () => {
    const policy = new RestartPolicy({ ...timing, crashLoopExits: 10 });
    const waits = [0, 1, 2, 3, 4].map((second) => policy.recordExit(second * 1_000));
    expect(waits).toEqual([200, 500, 1_000, 1_000, 1_000].map((afterMs) => ({ kind: 'restart', afterMs })));
  });

  it('calls the 4th exit within the window a crash loop', () => {
    const policy = new RestartPolicy(timing);
    for (const at of [0, 1_000, 2_000]) expect(policy.recordExit(at).kind).toBe('restart');
    expect(policy.recordExit(3_000)).toEqual({ kind: 'crash-loop', exits: 4 });
  });

  it('forgets exits older than the window, so a rare crash restarts quickly again', () => {
    const policy = new RestartPolicy(timing);
    for (const at of [0, 1_000, 2_000]) policy.recordExit(at);
    expect(policy.recordExit(200_000)).toEqual({ kind: 'restart', afterMs: 200 });
  });
});
