import { CpuMeter } from './cpu-time';
import type { FarmInstanceProcess } from './farm-instance';
import type { BenchOutcome, Figure } from './figure';
import { runLoad, type LoadResult, type LoadSettings, type LoadTarget } from './load';
import { startPlainNginx } from './plain-nginx';
import { commandName, processTree } from './process-tree';
import { median } from './stats';
import { formatMs } from './units';

/** The same load for every target, after a short uncounted warm-up on the same target. */
export const GATEWAY_LOAD: LoadSettings = { connections: 32, durationSeconds: 10 };
const WARM_UP: LoadSettings = { connections: 32, durationSeconds: 1 };
/** Rounds of the four compared targets, taking turns; each figure is the median over the rounds. */
export const ROUNDS = 3;
const PUBLIC_MIN_RPS_RATIO = 0.9;
const TENANT_MIN_RPS_RATIO = 0.7;
const MAX_P99_RATIO = 1.2;

/** A published app's instance as the load sees it. */
export interface LoadedApp {
  host: string;
  instance: FarmInstanceProcess;
  /** The app session cookie (`slipway_app=…`) for a tenant-only app. */
  cookie?: string;
}

/** One backend kind compared side by side: a public and a tenant-only app serving the same path. */
export interface GatewayCase {
  label: string;
  path: string;
  publicApp: LoadedApp;
  tenantApp: LoadedApp;
}

/** Where the processes of the data path are, for the CPU accounting. */
export interface GatewayProcesses {
  platformPid: number;
  gatewayPort: number;
}

interface Measured extends LoadResult {
  /** Requests per second of each round, when combined from several. */
  rpsRounds?: number[];
  /** CPU ms per 1000 requests of the proxy (nginx workers), the backend (instance tree) and the load generator. */
  cpu: { proxy: number; platformNode: number; backend: number; client: number };
}

function named(pids: number[], name: string): number[] {
  return pids.filter((pid) => commandName(pid) === name);
}

async function measure(
  target: LoadTarget,
  backendPid: number,
  proxyPids: () => number[],
  platformNodePids: () => number[],
): Promise<Measured> {
  const warm = await runLoad(target, WARM_UP);
  const answered = Object.entries(warm.statusCodes);
  if (!answered.some(([code, count]) => code.startsWith('2') && count > warm.requests * 0.99)) {
    throw new Error(`${target.url} (Host ${target.headers?.host ?? '-'}) answered ${JSON.stringify(warm.statusCodes)}`);
  }
  const proxy = new CpuMeter(proxyPids);
  const node = new CpuMeter(platformNodePids);
  const backend = new CpuMeter(() => processTree(backendPid));
  const client = process.cpuUsage();
  const result = await runLoad(target, GATEWAY_LOAD);
  const clientUsage = process.cpuUsage(client);
  const perThousand = (seconds: number) => (seconds * 1e6) / Math.max(1, result.requests);
  return {
    ...result,
    cpu: {
      proxy: perThousand(proxy.elapsed()),
      platformNode: perThousand(node.elapsed()),
      backend: perThousand(backend.elapsed()),
      client: perThousand((clientUsage.user + clientUsage.system) / 1e6),
    },
  };
}

/** The median round of each figure (rps, latencies, CPU per request); counts are summed. */
function combine(rounds: Measured[]): Measured {
  const mid = (pick: (m: Measured) => number) => median(rounds.map(pick));
  const merged = (pick: (m: Measured) => Record<string, number>) => {
    const total: Record<string, number> = {};
    for (const round of rounds) for (const [key, n] of Object.entries(pick(round))) total[key] = (total[key] ?? 0) + n;
    return total;
  };
  return {
    requestsPerSecond: mid((m) => m.requestsPerSecond),
    latencyP50Ms: mid((m) => m.latencyP50Ms),
    latencyP99Ms: mid((m) => m.latencyP99Ms),
    requests: rounds.reduce((n, m) => n + m.requests, 0),
    failures: rounds.reduce((n, m) => n + m.failures, 0),
    statusCodes: merged((m) => m.statusCodes),
    errorCodes: merged((m) => m.errorCodes),
    errorTimes: rounds.flatMap((m) => m.errorTimes),
    cpu: {
      proxy: mid((m) => m.cpu.proxy),
      platformNode: mid((m) => m.cpu.platformNode),
      backend: mid((m) => m.cpu.backend),
      client: mid((m) => m.cpu.client),
    },
    rpsRounds: rounds.map((m) => m.requestsPerSecond),
  };
}

function summary(result: LoadResult): string {
  return `${result.requestsPerSecond.toFixed(0)} rps, p50 ${formatMs(result.latencyP50Ms)}, p99 ${formatMs(result.latencyP99Ms)}`;
}

function cpuNote(name: string, result: Measured): string {
  const { cpu } = result;
  const cores = ((cpu.proxy + cpu.platformNode + cpu.backend + cpu.client) * result.requestsPerSecond) / 1e6;
  const perRound = result.rpsRounds ? `; rps per round ${result.rpsRounds.map((r) => r.toFixed(0)).join(', ')}` : '';
  return (
    `${name}: CPU ms per 1000 requests — proxy ${cpu.proxy.toFixed(0)}, platform Node ${cpu.platformNode.toFixed(0)}, ` +
    `backend ${cpu.backend.toFixed(0)}, load generator ${cpu.client.toFixed(0)} (together ${cores.toFixed(2)} of 2 cores ` +
    `busy${perRound}); ${result.requests} requests, ` +
    `${result.failures} failed${describeErrors(result)}`
  );
}

function describeErrors(result: LoadResult): string {
  const errors = Object.entries(result.errorCodes).map(([code, count]) => `${code} ×${count}`);
  return errors.length > 0 ? ` (connection errors: ${errors.join(', ')})` : '';
}

function compared(name: string, result: Measured, baseline: Measured, minRatio: number): Figure {
  const rpsRatio = result.requestsPerSecond / baseline.requestsPerSecond;
  const p99Ratio = result.latencyP99Ms / baseline.latencyP99Ms;
  const met = rpsRatio >= minRatio && p99Ratio <= MAX_P99_RATIO && result.failures === 0;
  return {
    name,
    measured: `${summary(result)} — ${(rpsRatio * 100).toFixed(0)} % of nginx's rps, p99 ${p99Ratio.toFixed(2)}×`,
    target: `≥ ${(minRatio * 100).toFixed(0)} % of nginx's rps; p99 ≤ ${MAX_P99_RATIO}×`,
    reference: `plain nginx: ${summary(baseline)}`,
    verdict: met ? 'met' : 'missed',
  };
}

/**
 * Side by side, same load settings: (a) the public app's instance socket directly, (b) Debian's
 * nginx as a plain reverse proxy to that socket, (c) the gateway for the public app; then (b')
 * plain nginx to the tenant-only app's instance and (d) the gateway for it with a signed-in app
 * session (identity checked on every request). (c) is judged against (b), (d) against (b').
 */
export async function measureGatewayCase(
  processes: GatewayProcesses,
  gatewayCase: GatewayCase,
  step: (message: string) => void,
): Promise<BenchOutcome> {
  const { path, publicApp, tenantApp } = gatewayCase;
  const gatewayNginx = () => named(processTree(processes.platformPid), 'nginx');
  const platformNode = () => named(processTree(processes.platformPid), 'node');
  const plainNginx = () => {
    const gateway = new Set(gatewayNginx());
    return named(processTree(process.pid), 'nginx').filter((pid) => !gateway.has(pid));
  };
  const none = (): number[] => [];
  const gatewayUrl = `http://127.0.0.1:${processes.gatewayPort}${path}`;

  step(`${gatewayCase.label}: (a) direct to the instance's socket`);
  const direct = await measure(
    { url: `http://localhost${path}`, socketPath: publicApp.instance.socketPath, headers: { host: publicApp.host } },
    publicApp.instance.pid,
    none,
    platformNode,
  );
  // Both plain nginx proxies run through all rounds (an idle nginx costs nothing); the four
  // compared targets take turns, so a change in the machine's load hits them alike.
  const plainForPublic = await startPlainNginx(publicApp.instance.socketPath);
  const plainForTenant = await startPlainNginx(tenantApp.instance.socketPath).catch(async (error: unknown) => {
    await plainForPublic.stop();
    throw error;
  });
  const rounds = {
    plainPublic: [] as Measured[],
    gatewayPublic: [] as Measured[],
    plainTenant: [] as Measured[],
    gatewayTenant: [] as Measured[],
  };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const prefix = `${gatewayCase.label}, round ${round} of ${ROUNDS}:`;
      step(`${prefix} (b) plain nginx → the public app's instance`);
      rounds.plainPublic.push(
        await measure(
          { url: new URL(path, plainForPublic.url).href, headers: { host: publicApp.host } },
          publicApp.instance.pid,
          plainNginx,
          platformNode,
        ),
      );
      step(`${prefix} (c) gateway, public app`);
      rounds.gatewayPublic.push(
        await measure(
          { url: gatewayUrl, headers: { host: publicApp.host } },
          publicApp.instance.pid,
          gatewayNginx,
          platformNode,
        ),
      );
      step(`${prefix} (b') plain nginx → the tenant-only app's instance`);
      rounds.plainTenant.push(
        await measure(
          { url: new URL(path, plainForTenant.url).href, headers: { host: tenantApp.host } },
          tenantApp.instance.pid,
          plainNginx,
          platformNode,
        ),
      );
      step(`${prefix} (d) gateway, tenant-only app, signed in`);
      rounds.gatewayTenant.push(
        await measure(
          { url: gatewayUrl, headers: { host: tenantApp.host, cookie: tenantApp.cookie ?? '' } },
          tenantApp.instance.pid,
          gatewayNginx,
          platformNode,
        ),
      );
    }
  } finally {
    await plainForPublic.stop();
    await plainForTenant.stop();
  }
  const plainPublic = combine(rounds.plainPublic);
  const gatewayPublic = combine(rounds.gatewayPublic);
  const plainTenant = combine(rounds.plainTenant);
  const gatewayTenant = combine(rounds.gatewayTenant);
  // gunicorn's sync workers answer `Connection: close`; autocannon, which ignores that, writes its
  // next request into the closed connection (EPIPE, sometimes ECONNRESET) and reconnects. Those
  // are the client's wasted writes, not requests the app failed to answer.
  const closedByBackend = (direct.errorCodes.EPIPE ?? 0) + (direct.errorCodes.ECONNRESET ?? 0);
  direct.failures -= closedByBackend;
  for (const [name, result] of [
    ['(a) direct', direct],
    ['(b) plain nginx', plainPublic],
    ['(c) gateway public', gatewayPublic],
    ["(b') plain nginx", plainTenant],
    ['(d) gateway tenant-only', gatewayTenant],
  ] as const) {
    if (result.failures > result.requests * 0.01) {
      throw new Error(`${gatewayCase.label} ${name}: ${result.failures} of ${result.requests} requests failed`);
    }
  }
  const settings = `${GATEWAY_LOAD.connections} connections, ${GATEWAY_LOAD.durationSeconds} s; (b)–(d) median of ${ROUNDS} rounds`;
  return {
    figures: [
      {
        name: `${gatewayCase.label}: (a) instance socket, direct (${settings})`,
        measured:
          closedByBackend > direct.requests * 0.1
            ? `${direct.requestsPerSecond.toFixed(0)} rps (latency not measurable this way, see the notes)`
            : summary(direct),
        target: '—',
        reference: '—',
        verdict: 'no target',
      },
      {
        name: `${gatewayCase.label}: (b) plain nginx → instance`,
        measured: summary(plainPublic),
        target: '—',
        reference: '—',
        verdict: 'no target',
      },
      compared(`${gatewayCase.label}: (c) gateway, public app`, gatewayPublic, plainPublic, PUBLIC_MIN_RPS_RATIO),
      compared(
        `${gatewayCase.label}: (d) gateway, tenant-only app (signed in)`,
        gatewayTenant,
        plainTenant,
        TENANT_MIN_RPS_RATIO,
      ),
    ],
    notes: [
      `${gatewayCase.label}: ${bottleneck(direct, plainPublic, gatewayPublic)}`,
      ...(closedByBackend > 0
        ? [
            `${gatewayCase.label} (a): the instance closed the connection ${closedByBackend} times (gunicorn's ` +
              "sync workers after every answer, `Connection: close`; Tomcat after a connection's keep-alive " +
              'limit); autocannon, which ignores that header, wrote its next request into the closed connection ' +
              '(EPIPE/ECONNRESET) and reconnected. Those writes are not counted as failed requests, but they make ' +
              "(a)'s latencies meaningless where it happens on every request (the timer runs across the reconnect); " +
              'the proxies keep the client connections open and reconnect upstream themselves.',
          ]
        : []),
      `${gatewayCase.label}: the platform's Node works on every path — CPU ms per 1000 requests (a) ` +
        `${direct.cpu.platformNode.toFixed(0)}, (b) ${plainPublic.cpu.platformNode.toFixed(0)}, (c) ` +
        `${gatewayPublic.cpu.platformNode.toFixed(0)}, (b') ${plainTenant.cpu.platformNode.toFixed(0)}, (d) ` +
        `${gatewayTenant.cpu.platformNode.toFixed(0)}: the instance writes an access-log line per request to ` +
        "its stdout, which the process driver tails into the app's log; on the gateway's paths the metering " +
        "(server/usage: nginx's JSON access log → one row per request) and, for (d), the identity checks nginx " +
        'does not answer from its 5 s cache add to it. On these 2 cores that CPU competes with nginx and the app.',
      cpuNote(`${gatewayCase.label} (a) direct`, direct),
      cpuNote(`${gatewayCase.label} (b) plain nginx`, plainPublic),
      cpuNote(`${gatewayCase.label} (c) gateway public`, gatewayPublic),
      cpuNote(`${gatewayCase.label} (b') plain nginx → tenant-only app's instance`, plainTenant),
      cpuNote(`${gatewayCase.label} (d) gateway tenant-only`, gatewayTenant),
    ],
  };
}

/** Says which part limits the rate, from how close each proxy comes to the bare instance. */
function bottleneck(direct: LoadResult, plain: LoadResult, gateway: LoadResult): string {
  const plainShare = plain.requestsPerSecond / direct.requestsPerSecond;
  const gatewayShare = gateway.requestsPerSecond / direct.requestsPerSecond;
  const shares =
    `plain nginx reaches ${(plainShare * 100).toFixed(0)} % of the bare instance's rate, ` +
    `the gateway ${(gatewayShare * 100).toFixed(0)} %`;
  if (plainShare > 1.1) {
    return (
      `${shares}: the bare instance is slower to drive directly than through a proxy (the load generator ` +
      'reconnects whenever the instance closes a connection, see (a)), so (a) is no ceiling here; the ' +
      "proxies' own cost shows in the CPU lines."
    );
  }
  if (plainShare >= 0.8 && gatewayShare >= 0.8) {
    return (
      `${shares}: the backend limits every target, so the gateway/nginx ratio says little about the proxies; ` +
      'their cost shows in the CPU lines (proxy and platform Node per 1000 requests).'
    );
  }
  return `${shares}: the proxies cost throughput here (on 2 shared cores the proxy, the backend and the load generator compete for CPU; see the CPU lines).`;
}
