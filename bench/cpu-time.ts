import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far; 0 once it has exited. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds used by a group of processes (listed anew at the end, so new workers count) over a span. */
export class CpuMeter {
  private readonly start = new Map<number, number>();

  constructor(private readonly pids: () => number[]) {
    for (const pid of pids()) this.start.set(pid, cpuSeconds(pid));
  }

  /** CPU seconds since the meter was made, by processes alive now (those that exited are lost). */
  elapsed(): number {
    let total = 0;
    for (const pid of this.pids()) total += cpuSeconds(pid) - (this.start.get(pid) ?? 0);
    return total;
  }
}
