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
  /** Responses received. */
  requests: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  failures: number;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
  /** Connection errors by code (EPIPE, ECONNRESET, …; "timeout" for timeouts). */
  errorCodes: Record<string, number>;
  /** `performance.now()` of each connection error. */
  errorTimes: number[];
}

/** Settings every side-by-side run shares, so the figures compare like with like. */
export interface LoadSettings {
  connections: number;
  durationSeconds: number;
}

/** A load that runs until stopped, e.g. for the length of a publish. */
export interface RunningLoad {
  /** Ends the load (if it still runs) and resolves with what it measured. */
  stop(): Promise<LoadResult>;
  /** Resolves when the load ends by itself or after stop(). */
  finished: Promise<LoadResult>;
}

/** Keep-alive load with `connections` connections for `durationSeconds` (autocannon, in this process). */
export function startLoad(target: LoadTarget, settings: LoadSettings): RunningLoad {
  const errorCodes: Record<string, number> = {};
  const errorTimes: number[] = [];
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon(
      {
        url: target.url,
        ...(target.socketPath ? { socketPath: target.socketPath } : {}),
        headers: target.headers ?? {},
        connections: settings.connections,
        duration: settings.durationSeconds,
        pipelining: 1,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error('autocannon failed'));
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
        resolve({
          requestsPerSecond: result.requests.average,
          latencyP50Ms: result.latency.p50,
          latencyP99Ms: result.latency.p99,
          requests: result.requests.total,
          failures: result.errors + result.timeouts + result.non2xx,
          statusCodes,
          errorCodes,
          errorTimes,
        });
      },
    );
    instance.on('reqError', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? (error.message === 'request timed out' ? 'timeout' : error.message);
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      errorTimes.push(performance.now());
    });
  });
  return {
    finished,
    stop() {
      instance?.stop();
      return finished;
    },
  };
}

/** Drives `target` with keep-alive connections for a fixed time. */
export function runLoad(target: LoadTarget, settings: LoadSettings): Promise<LoadResult> {
  return startLoad(target, settings).finished;
}
