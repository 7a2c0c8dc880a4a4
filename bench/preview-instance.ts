import { readFileSync } from 'node:fs';
import { treeMemory, type TreeMemory } from './process-memory';
import { parentPid, processTree } from './process-tree';

/** Lets the instance finish what the last edit started (worker restarts, class unloading) before sampling. */
const SETTLE_MS = 3000;
const SAMPLES = 5;
const SAMPLE_INTERVAL_MS = 400;

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * The root of a project's running preview instance: the outermost bubblewrap under the platform
 * whose arguments bind the instance's socket folder (`…/run/previews/<projectId>/sockets`). The
 * project's other sandboxes (terminals, Python's syntax checker) bind no socket folder.
 */
export function previewInstanceRoot(platformPid: number, projectId: string): number | undefined {
  const socketDir = `/run/previews/${projectId}/sockets`;
  // processTree lists parents before children, so the first match is the outermost sandbox.
  return processTree(platformPid).find((pid) => commandLine(pid).some((arg) => arg.endsWith(socketDir)));
}

/**
 * The project's other sandboxed helpers under the platform that bind its build output but not
 * the instance's sockets: for Python, the warm syntax checker (bubblewrap + python3).
 */
export function previewHelperRoots(platformPid: number, projectId: string): number[] {
  const runDir = `/run/previews/${projectId}/`;
  const tree = processTree(platformPid);
  const matching = new Set(
    tree.filter((pid) => {
      const args = commandLine(pid);
      return args[0]?.endsWith('bwrap') && args.some((arg) => arg.includes(runDir));
    }),
  );
  const instance = previewInstanceRoot(platformPid, projectId);
  const inInstance = new Set(instance === undefined ? [] : processTree(instance));
  // Outermost only: a sandbox's inner bubblewrap is counted with its parent's tree.
  return [...matching].filter((pid) => !inInstance.has(pid) && !matching.has(parentPid(pid) ?? -1));
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Memory of the trees under `roots` together. */
function rootsMemory(roots: number[]): TreeMemory {
  const total: TreeMemory = { rss: 0, pss: 0, processes: 0, byCommand: new Map() };
  for (const root of roots) {
    const memory = treeMemory(root);
    total.rss += memory.rss;
    total.pss += memory.pss;
    total.processes += memory.processes;
    for (const [name, use] of memory.byCommand) {
      const entry = total.byCommand.get(name) ?? { rss: 0, pss: 0, count: 0 };
      total.byCommand.set(name, { rss: entry.rss + use.rss, pss: entry.pss + use.pss, count: entry.count + use.count });
    }
  }
  return total;
}

/** Idle memory of a running preview: the instance's tree and, apart, the project's preview helpers. */
export interface PreviewMemory {
  instance: TreeMemory;
  helpers: TreeMemory;
}

/**
 * After settling, samples the instance's tree (and its helpers) a few times and keeps the
 * sample with the median instance RSS.
 */
export async function settledPreviewMemory(platformPid: number, projectId: string): Promise<PreviewMemory> {
  await sleep(SETTLE_MS);
  const root = previewInstanceRoot(platformPid, projectId);
  if (root === undefined) throw new Error(`no running preview instance of project ${projectId}`);
  const helpers = previewHelperRoots(platformPid, projectId);
  const samples: PreviewMemory[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await sleep(SAMPLE_INTERVAL_MS);
    samples.push({ instance: treeMemory(root), helpers: rootsMemory(helpers) });
  }
  samples.sort((a, b) => a.instance.rss - b.instance.rss);
  const middle = samples[Math.floor(samples.length / 2)];
  if (!middle) throw new Error('no memory sample');
  return middle;
}

/** "bwrap ×2 1.23 MB, python3 ×2 45.60 MB" (RSS per command), for notes. */
export function describeCommands(memory: TreeMemory, format: (bytes: number) => string): string {
  return [...memory.byCommand]
    .map(([name, use]) => `${name} ×${use.count} RSS ${format(use.rss)} (PSS ${format(use.pss)})`)
    .join(', ');
}
