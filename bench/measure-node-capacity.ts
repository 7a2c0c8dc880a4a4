import { createBenchApp, type BenchApp, type BenchAppContext } from './bench-app';
import type { BenchOutcome } from './figure';
import { instanceRoot, memAvailable, settledTreeMemory } from './measure-instance-memory';
import { treeMemory } from './process-memory';
import { formatMB } from './units';

export const CAPACITY_APPS = 10;

/**
 * Checks the per-instance figure behind the node estimate: publishes {@link CAPACITY_APPS} more
 * Python apps (one instance each) and compares the drop in MemAvailable, and the sum of their
 * trees' PSS, with one idle instance's PSS.
 */
export async function measureNodeCapacity(
  context: BenchAppContext,
  dataDir: string,
  platformPid: number,
  onePss: number,
  step: (message: string) => void,
): Promise<BenchOutcome> {
  const platformBefore = treeMemory(platformPid);
  const before = memAvailable();
  const apps: BenchApp[] = [];
  for (let i = 1; i <= CAPACITY_APPS; i++) {
    step(`node capacity: publishing Python app ${i} of ${CAPACITY_APPS}`);
    const bench = await createBenchApp(context, 'python', `fill-${i}`, {
      access: 'public',
      scaling: { min: 1, max: 1, idleSeconds: 300 },
    });
    bench.app = (await context.api.publish(bench.projectId, 'bench: fill the node')).app;
    apps.push(bench);
  }
  const roots = await Promise.all(apps.map((bench) => instanceRoot(context, dataDir, bench)));
  const last = await settledTreeMemory(roots.at(-1) ?? 0);
  const pss = roots.slice(0, -1).reduce((total, pid) => total + treeMemory(pid).pss, last.pss) / CAPACITY_APPS;
  const dropPerApp = (before - memAvailable()) / CAPACITY_APPS;
  // The platform tree includes the instances; what its other processes grew by is the platform's own share.
  const platformGrowth = (treeMemory(platformPid).pss - platformBefore.pss - pss * CAPACITY_APPS) / CAPACITY_APPS;
  return {
    figures: [
      {
        name: `Check with ${CAPACITY_APPS} more idle Python apps: per instance`,
        measured: `PSS ${formatMB(pss)} (one alone: ${formatMB(onePss)}); MemAvailable −${formatMB(dropPerApp)} per app`,
        target: '—',
        reference: '—',
        verdict: 'no target',
      },
    ],
    notes: [
      `Node check: ${CAPACITY_APPS} projects from python-hello published one after the other (min 1 instance each); ` +
        `their trees' PSS averaged ${formatMB(pss)} per instance, ${((pss / onePss) * 100).toFixed(0)} % of one ` +
        `instance measured alone (PSS splits shared pages among all their users). MemAvailable fell by ` +
        `${formatMB(dropPerApp)} per app; that also counts the platform's own growth (PSS of its other processes ` +
        `${platformGrowth >= 0 ? '+' : '−'}${formatMB(Math.abs(platformGrowth))} per app: projects, git, publish work) ` +
        `and page cache the kernel does not count as available.`,
    ],
  };
}
