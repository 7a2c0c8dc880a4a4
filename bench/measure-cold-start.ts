import { createBenchApp, HELLO_TEMPLATES, type BenchAppContext, type HelloRuntime } from './bench-app';
import { judge, type BenchOutcome } from './figure';
import { median } from './stats';
import { formatMs } from './units';

export const COLD_RUNS = 3;
/** The scale-to-zero setting of the cold-start apps: the smallest idle time that lets the farm stop them quickly. */
export const COLD_SCALING = { min: 0, max: 1, idleSeconds: 1 } as const;
const TARGET_MS = { python: 300, java: 600 } as const;
const REFERENCE = {
  python: 'gunicorn ~190 ms',
  java: 'Tomcat 242 ms (tuned flags + CDS) – 923 ms (defaults)',
} as const;
const ZERO_TIMEOUT_MS = 90_000;
/** After the last instance stopped: lets the gateway's reload (routes → the activator) settle. */
const SETTLE_MS = 1000;

/** Where a cold start's time went, from the farm's platform lines in the app log (ms after the request). */
interface ColdSplit {
  toStarted: number;
  toReady: number;
  toAnswer: number;
}

async function splitOf(
  context: BenchAppContext,
  appId: string,
  sentAt: number,
  answeredAt: number,
): Promise<ColdSplit> {
  const lines = (await context.api.logs(appId)).filter(
    (line) => line.stream === 'platform' && Date.parse(line.at) >= sentAt - 5,
  );
  const at = (pattern: RegExp) => {
    const line = lines.find((candidate) => pattern.test(candidate.text));
    return line ? Date.parse(line.at) - sentAt : Number.NaN;
  };
  const toReady = at(/^instance \S+ ready/);
  return { toStarted: at(/^instance \S+ started/), toReady, toAnswer: answeredAt - sentAt - toReady };
}

function medianOf(splits: ColdSplit[], field: keyof ColdSplit): string {
  const values = splits.map((split) => split[field]).filter((value) => Number.isFinite(value));
  return values.length > 0 ? median(values).toFixed(0) : '?';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the app has no instance starting, ready or draining; returns how long that took. */
async function waitForZero(context: BenchAppContext, appId: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ZERO_TIMEOUT_MS) {
    const instances = await context.api.instances(appId);
    if (instances.every((instance) => instance.state === 'stopped' || instance.state === 'crashed')) {
      return performance.now() - started;
    }
    await sleep(250);
  }
  throw new Error(`app ${appId} did not scale to zero within ${ZERO_TIMEOUT_MS / 1000} s`);
}

/**
 * Cold start from zero, {@link COLD_RUNS} times: each run publishes a fresh app with
 * {@link COLD_SCALING} (waiting through the API, so no request reaches it through the gateway),
 * waits until the farm has stopped its instance, and times one GET through the gateway to its
 * whole answer; the activator holds it while the farm starts an instance.
 *
 * A fresh app per run keeps the runs independent of each other's traffic history.
 */
export async function measureColdStart(context: BenchAppContext, runtime: HelloRuntime): Promise<BenchOutcome> {
  const label = HELLO_TEMPLATES[runtime].label;
  const times: number[] = [];
  const waits: number[] = [];
  const splits: ColdSplit[] = [];
  let page = '';
  for (let run = 1; run <= COLD_RUNS; run++) {
    const bench = await createBenchApp(context, runtime, `cold-${runtime}-${run}`, {
      access: 'public',
      scaling: COLD_SCALING,
    });
    page = bench.page;
    const app = (await context.api.publish(bench.projectId, 'bench: cold start')).app;
    waits.push(await waitForZero(context, app.id));
    await sleep(SETTLE_MS);
    const startedAt = Date.now();
    const started = performance.now();
    const answer = await context.client.get(bench.host, bench.page);
    times.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`cold start of ${bench.slug} answered ${answer.status}`);
    splits.push(await splitOf(context, app.id, startedAt, startedAt + (times.at(-1) ?? 0)));
  }
  const typical = median(times);
  return {
    figures: [
      {
        name: `Cold start from zero → first response through the gateway (${label}, ${page}), median of ${COLD_RUNS}`,
        measured: `${formatMs(typical)} (runs: ${times.map((ms) => formatMs(ms)).join(', ')})`,
        target: `≤ ${TARGET_MS[runtime]} ms`,
        reference: REFERENCE[runtime],
        verdict: judge(typical, TARGET_MS[runtime]),
      },
    ],
    notes: [
      `Cold start ${label}: a fresh app per run (\`cold-${runtime}-1…${COLD_RUNS}\`, scaling ` +
        `${JSON.stringify(COLD_SCALING)}), published through the API without gateway traffic; the farm stopped ` +
        `its instance ${(median(waits) / 1000).toFixed(1)} s (median) after the publish returned; each timed GET ` +
        `went out ${SETTLE_MS} ms after GET /apps/:id/instances showed no live instance.`,
      `Cold start ${label}, split by the farm's log lines (median ms): request → "instance … started" ` +
        `${medianOf(splits, 'toStarted')}, → "ready" (health check answered) ${medianOf(splits, 'toReady')}, ` +
        `→ answer received ${medianOf(splits, 'toAnswer')}.`,
    ],
  };
}
