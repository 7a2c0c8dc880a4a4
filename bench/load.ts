import autocannon from 'autocannon';

/** Where the load goes: an HTTP URL (with a Host header), or a Unix socket directly. */
export interface LoadTarget {
  url: string;
  socketPath?: string;
  headers?: Record<string, string>;
}

/** What one load run measured. */
export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  failures: number;
}

/** Settings every side-by-side run shares, so the figures compare like with like. */
export interface LoadSettings {
  connections: number;
  durationSeconds: number;
}

/** Drives `target` with keep-alive connections for a fixed time (autocannon, in this process). */
export async function runLoad(target: LoadTarget, settings: LoadSettings): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    ...(target.socketPath ? { socketPath: target.socketPath } : {}),
    headers: target.headers ?? {},
    connections: settings.connections,
    duration: settings.durationSeconds,
    pipelining: 1,
  });
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}
