import { request } from 'node:http';

/** Where an HTTP probe connects: a Unix socket or a TCP address. */
export type ProbeTarget = { socketPath: string } | { host: string; port: number };

const PROBE_TIMEOUT_MS = 2_000;

/** True when `target` answers an HTTP GET of `path` with any status (readiness: the app serves). */
export function answersHttp(target: ProbeTarget, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request({ ...target, path, method: 'GET', timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
    probe.on('timeout', () => probe.destroy());
    probe.end();
  });
}
