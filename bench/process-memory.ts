import { readFileSync } from 'node:fs';
import { commandName, processTree } from './process-tree';

/** Resident (RSS) and proportional (PSS: shared pages split among their users) memory, in bytes. */
export interface MemoryUse {
  rss: number;
  pss: number;
}

/** One process's memory from /proc/<pid>/smaps_rollup; null once it has exited. */
export function processMemory(pid: number): MemoryUse | null {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    return { rss: field('Rss') * 1024, pss: field('Pss') * 1024 };
  } catch {
    return null;
  }
}

/** Memory of a process tree, in total and per command name (node, bwrap, bash). */
export interface TreeMemory extends MemoryUse {
  processes: number;
  byCommand: Map<string, MemoryUse & { count: number }>;
}

export function treeMemory(rootPid: number): TreeMemory {
  const total: TreeMemory = { rss: 0, pss: 0, processes: 0, byCommand: new Map() };
  for (const pid of processTree(rootPid)) {
    const use = processMemory(pid);
    if (!use) continue;
    const name = commandName(pid);
    const entry = total.byCommand.get(name) ?? { rss: 0, pss: 0, count: 0 };
    total.byCommand.set(name, { rss: entry.rss + use.rss, pss: entry.pss + use.pss, count: entry.count + 1 });
    total.rss += use.rss;
    total.pss += use.pss;
    total.processes++;
  }
  return total;
}
