import { readFileSync } from 'node:fs';
import { HELLO_TEMPLATES, type BenchApp, type BenchAppContext } from './bench-app';
import { farmInstanceProcess } from './farm-instance';
import type { BenchOutcome } from './figure';
import { describeCommands } from './preview-instance';
import { treeMemory, type TreeMemory } from './process-memory';
import { formatMB } from './units';

const SETTLE_MS = 3000;
const SAMPLES = 5;
const SAMPLE_INTERVAL_MS = 400;
const REFERENCE = {
  python: 'gunicorn + 1 worker 54 MB RSS, 25–30 MB PSS',
  java: 'Tomcat 88 MB RSS (defaults), 57 MB (slim + CDS)',
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes of MemAvailable in /proc/meminfo: what the kernel could give new processes without swapping. */
export function memAvailable(): number {
  const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!match) throw new Error('no MemAvailable in /proc/meminfo');
  return Number(match[1]) * 1024;
}

/** The process-tree root of the app's ready instance of its active version. */
export async function instanceRoot(context: BenchAppContext, dataDir: string, bench: BenchApp): Promise<number> {
  if (!bench.app) throw new Error(`${bench.slug} is not published`);
  const [instance] = await context.api.readyInstances(bench.app);
  if (!instance) throw new Error(`${bench.slug} has no ready instance`);
  return (await farmInstanceProcess(dataDir, instance.id)).pid;
}

/** After settling, five samples of the tree; the one with the median RSS. */
export async function settledTreeMemory(pid: number): Promise<TreeMemory> {
  await sleep(SETTLE_MS);
  const samples: TreeMemory[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await sleep(SAMPLE_INTERVAL_MS);
    samples.push(treeMemory(pid));
  }
  samples.sort((a, b) => a.rss - b.rss);
  const middle = samples[Math.floor(samples.length / 2)];
  if (!middle || middle.processes === 0) throw new Error(`no processes under ${pid}`);
  return middle;
}

/** Idle memory of each app's production instance (its whole tree: keeper, bubblewrap, app), and what a node holds. */
export async function measureInstanceMemory(
  context: BenchAppContext,
  dataDir: string,
  apps: BenchApp[],
): Promise<{ outcome: BenchOutcome; pss: Map<BenchApp['runtime'], number> }> {
  const outcome: BenchOutcome = { figures: [], notes: [] };
  const pss = new Map<BenchApp['runtime'], number>();
  const available = memAvailable();
  for (const bench of apps) {
    const memory = await settledTreeMemory(await instanceRoot(context, dataDir, bench));
    const label = HELLO_TEMPLATES[bench.runtime].label;
    pss.set(bench.runtime, memory.pss);
    outcome.figures.push({
      name: `Memory per idle production instance (${label})`,
      measured: `RSS ${formatMB(memory.rss)}, PSS ${formatMB(memory.pss)}`,
      target: '—',
      reference: REFERENCE[bench.runtime],
      verdict: 'no target',
    });
    outcome.figures.push({
      name: `Idle ${label} instances one node holds (estimate: MemAvailable ÷ PSS)`,
      measured: `≈ ${Math.floor(available / memory.pss)} (${formatMB(available)} available)`,
      target: '—',
      reference: '—',
      verdict: 'no target',
    });
    outcome.notes.push(
      `Idle ${label} instance (${bench.slug}, after its publishes, ${SETTLE_MS / 1000} s settled, median-RSS sample of ` +
        `${SAMPLES}): ${memory.processes} processes — ${describeCommands(memory, formatMB)}.`,
    );
  }
  outcome.notes.push(
    "The node estimate divides MemAvailable at the time by one idle instance's PSS; it ignores the platform's own " +
      'growth per app (routes, logs, metering) and the memory instances need once they serve traffic.',
  );
  return { outcome, pss };
}
