import { setTimeout as sleep } from 'node:timers/promises';
import { answersHttp } from '../runtime/http-probe';
import type { InstanceEndpoint } from './driver';

const PROBE_INTERVAL_MS = 25;

/** True when the endpoint answers an HTTP GET of `path` with any status. */
function answers(endpoint: InstanceEndpoint, path: string): Promise<boolean> {
  const target =
    endpoint.kind === 'unix' ? { socketPath: endpoint.path } : { host: endpoint.host, port: endpoint.port };
  return answersHttp(target, path);
}

/** Why waiting for an instance to answer ended without an answer. */
export type ProbeFailure = 'timeout' | 'aborted';

/** Polls until the endpoint answers (undefined), the deadline passes or `signal` aborts. */
export async function waitUntilAnswers(
  endpoint: InstanceEndpoint,
  path: string,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<ProbeFailure | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  while (!options.signal.aborted) {
    if (await answers(endpoint, path)) return undefined;
    if (Date.now() >= deadline) return 'timeout';
    // timers/promises removes its abort listener after each wait; one listener per poll piled up.
    await sleep(PROBE_INTERVAL_MS, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return 'aborted';
}
