import { describe, expect, it } from 'vitest';
import { appProcessesOf, descendantsOf, parseProcessStat, type ProcessStat } from './process-table';

function stat(pid: number, ppid: number, comm: string): ProcessStat {
  return { pid, ppid, comm, state: 'S', startTime: '1', rssPages: 0 };
}

describe('parseProcessStat', () => {
  it('reads a command name with spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S'; // field 3
    fields[1] = '77'; // field 4: ppid
    fields[19] = '123456'; // field 22: start time
    fields[21] = '300'; // field 24: rss
    expect(parseProcessStat(`42 (odd (name) x) ${fields.join(' ')}`)).toEqual({
      pid: 42,
      comm: 'odd (name) x',
      state: 'S',
      ppid: 77,
      startTime: '123456',
      rssPages: 300,
    });
  });
});

describe('process trees', () => {
  // keeper 10 → bwrap 11 → bwrap 12 (init) → python3 13 (gunicorn master) → python3 14 (worker)
  const processes = [
    stat(1, 0, 'init'),
    stat(10, 1, 'setsid'),
    stat(11, 10, 'bwrap'),
    stat(12, 11, 'bwrap'),
    stat(13, 12, 'python3'),
    stat(14, 13, 'python3'),
    stat(20, 1, 'other'),
  ];

  it('lists descendants, parents first', () => {
    expect(descendantsOf(10, processes).map((p) => p.pid)).toEqual([11, 12, 13, 14]);
  });

  it('finds the app’s top process under the bwrap wrappers', () => {
    expect(appProcessesOf(10, processes).map((p) => p.pid)).toEqual([13]);
  });
});
