import { publishAndWait, type BenchApp, type BenchAppContext } from './bench-app';
import { judge, type BenchOutcome } from './figure';
import { runLoad, startLoad, type LoadResult, type LoadTarget } from './load';
import { formatSeconds } from './units';

const CONNECTIONS = 8;
/** Load before the publish starts, and after the new version serves: longer than the farm's drain (2 s). */
const BEFORE_MS = 2000;
const AFTER_MS = 5000;
/** The control: the same load for as long, without a publish. */
const CONTROL_SECONDS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function codesOf(result: LoadResult): string {
  return Object.entries({ ...result.statusCodes, ...result.errorCodes })
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
}

/**
 * Steady load on the public app through the gateway while the next version is published: every
 * answer that is not 2xx and every connection error or timeout counts as a failed request. The
 * load runs from before the publish until well after the old instance was drained and stopped.
 * A control run first: the same load for as long, with no publish.
 */
export async function measurePublishUnderLoad(
  context: BenchAppContext,
  bench: BenchApp,
  gatewayPort: number,
): Promise<BenchOutcome> {
  const target: LoadTarget = { url: `http://127.0.0.1:${gatewayPort}${bench.page}`, headers: { host: bench.host } };
  const control = await runLoad(target, { connections: CONNECTIONS, durationSeconds: CONTROL_SECONDS });
  // Longer than any publish; stop() ends it.
  const load = startLoad(target, { connections: CONNECTIONS, durationSeconds: 3600 });
  let result: LoadResult;
  let timed;
  let publishStarted = 0;
  try {
    await sleep(BEFORE_MS);
    publishStarted = performance.now();
    timed = await publishAndWait(context, bench, { pollMs: 50 });
    await sleep(AFTER_MS);
  } finally {
    result = await load.stop();
  }
  const after = await context.client.get(bench.host, bench.page);
  const serves = after.status === 200 && after.body.includes(timed.marker);
  const switched = timed.run.events.find(
    ({ event }) => event.type === 'stage' && event.stage === 'switch' && event.state === 'done',
  );
  const errorsAt = result.errorTimes.map((at) => `${((at - publishStarted) / 1000).toFixed(2)} s`).join(', ');
  return {
    figures: [
      {
        name: `Failed requests during a publish (${CONNECTIONS} connections through the gateway)`,
        measured: `${result.failures} of ${result.requests} (control without a publish: ${control.failures} of ${control.requests})`,
        target: '0',
        reference: '—',
        verdict: serves ? judge(result.failures, 0) : 'missed',
      },
    ],
    notes: [
      `Publish under load: ${CONNECTIONS} keep-alive connections on ${bench.slug}'s ${bench.page} through the gateway ` +
        `from ${BEFORE_MS / 1000} s before the publish of version ${timed.run.app.activeVersion ?? '?'} until ` +
        `${AFTER_MS / 1000} s after its first answer (publish → serving ${formatSeconds(timed.servingMs)}); ` +
        `${codesOf(result)}; ${result.requests} answers at ${result.requestsPerSecond.toFixed(0)} rps. ` +
        (errorsAt ? `Connection errors at ${errorsAt} after the publish started ` : 'No connection errors ') +
        `(its switch stage was done at ${formatSeconds(switched?.atMs ?? Number.NaN)}). ` +
        `Afterwards the app ${serves ? 'served the new version' : `did NOT serve the new version (${after.status})`}. ` +
        `Control, the same load for ${CONTROL_SECONDS} s without a publish just before: ${codesOf(control)}.`,
    ],
  };
}
