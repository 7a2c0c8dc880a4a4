import { readdir, readFile } from 'node:fs/promises';

/** One process as /proc/<pid>/stat describes it. */
export interface ProcessStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Clock ticks after boot: with the pid, it names one process even after the pid is reused. */
  startTime: string;
  rssPages: number;
}

/** Reads /proc/<pid>/stat; undefined when the process is gone. */
export async function readProcessStat(pid: number): Promise<ProcessStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseProcessStat(text);
}

/** Parses one /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
export function parseProcessStat(text: string): ProcessStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // Fields after the name start at field 3 (state); see proc(5).
  const rest = text.slice(close + 2).split(' ');
  const field = (n: number): string => rest[n - 3] ?? '';
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: field(3),
    ppid: Number(field(4)),
    startTime: field(22),
    rssPages: Number(field(24)),
  };
}

/** Every process on the host (those that vanish while reading are skipped). */
export async function listProcesses(): Promise<ProcessStat[]> {
  const entries = await readdir('/proc');
  const stats = await Promise.all(
    entries.filter((name) => /^\d+$/.test(name)).map((name) => readProcessStat(Number(name))),
  );
  return stats.filter((stat): stat is ProcessStat => stat !== undefined);
}

/** Descendants of `pid`, parents before children (this kernel has no /proc/<pid>/task/<tid>/children). */
export function descendantsOf(pid: number, processes: readonly ProcessStat[]): ProcessStat[] {
  const byParent = new Map<number, ProcessStat[]>();
  for (const process of processes) {
    const siblings = byParent.get(process.ppid) ?? [];
    siblings.push(process);
    byParent.set(process.ppid, siblings);
  }
  const found: ProcessStat[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of byParent.get(next) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/**
 * The app's own top processes under a sandbox: the first descendants that are not bwrap or the
 * keeper (gunicorn's master, the JVM). They get SIGTERM for a graceful stop; bwrap's init would
 * not pass it on.
 */
export function appProcessesOf(pid: number, processes: readonly ProcessStat[]): ProcessStat[] {
  const wrappers = new Set([pid]);
  const apps: ProcessStat[] = [];
  for (const process of descendantsOf(pid, processes)) {
    if (!wrappers.has(process.ppid)) continue;
    if (process.comm === 'bwrap') wrappers.add(process.pid);
    else apps.push(process);
  }
  return apps;
}
