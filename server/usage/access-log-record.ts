import type { UsageRequestsTable } from '../db/schema';

/** One request as nginx's `slipway_usage` log format writes it (every value a JSON string). */
interface RawLine {
  id?: unknown;
  ms?: unknown;
  app?: unknown;
  version?: unknown;
  user?: unknown;
  method?: unknown;
  status?: unknown;
  in?: unknown;
  out?: unknown;
  rt?: unknown;
  upstream?: unknown;
}

/** The minute bucket of a time: ISO text truncated to the minute. */
export function minuteOf(epochMs: number): string {
  return new Date(Math.floor(epochMs / 60_000) * 60_000).toISOString();
}

/** Parses one access-log line into a usage row; null for lines that are not a metered app request. */
export function parseAccessLogLine(line: string): UsageRequestsTable | null {
  let raw: RawLine;
  try {
    raw = JSON.parse(line) as RawLine;
  } catch {
    return null;
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const number = (value: unknown) => {
    const parsed = Number(text(value));
    return Number.isFinite(parsed) ? parsed : NaN;
  };
  const id = text(raw.id);
  const appId = text(raw.app);
  const atMs = number(raw.ms) * 1000;
  const status = number(raw.status);
  if (!/^[0-9a-f]{32}$/.test(id) || !appId || !Number.isFinite(atMs) || !Number.isInteger(status)) return null;
  const latencySeconds = number(raw.rt);
  return {
    request_id: id,
    app_id: appId,
    version_id: text(raw.version),
    user_id: text(raw.user) || null,
    method: text(raw.method).slice(0, 16),
    status,
    bytes_in: orZero(number(raw.in)),
    bytes_out: orZero(number(raw.out)),
    latency_ms: Math.round(orZero(latencySeconds) * 1000 * 1000) / 1000,
    upstream: text(raw.upstream) || null,
    at: new Date(Math.round(atMs)).toISOString(),
    minute: minuteOf(atMs),
  };
}

function orZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
