import type { ServiceEnvironment } from '../service-scope';

/** What happened to one fetch: sent and answered, refused before anything was sent, or failed. */
export type FetchOutcome = 'ok' | 'refused' | 'failed';

/** One URL fetch attempt, for the tenant's audit log. Never carries bodies or URL credentials. */
export interface FetchLogEntry {
  /** When the attempt started (ISO 8601). */
  at: string;
  tenantId: string;
  appId: string;
  environment: ServiceEnvironment;
  userId?: string;
  method: string;
  /** The requested URL without userinfo. */
  url: string;
  /** The last URL tried, when it differs from `url` or the attempt got that far. */
  finalUrl?: string;
  /** The last HTTP status received. */
  status?: number;
  /** The IP address the last connection went to. */
  address?: string;
  /** Request body bytes sent, over all hops. */
  bytesOut: number;
  /** Response body bytes received. */
  bytesIn: number;
  ms: number;
  outcome: FetchOutcome;
  /** Why the attempt was refused or failed. */
  reason?: string;
}

/** Where fetch attempts are reported; a DB-backed sink stores them per tenant. */
export interface FetchLogSink {
  record(entry: FetchLogEntry): void | Promise<void>;
}

const MAX_LOGGED_URL = 2048;

/** `url` as it may be logged: without user name and password, and bounded in length. */
export function urlForLog(url: URL | string): string {
  let text: string;
  if (url instanceof URL) {
    const copy = new URL(url.href);
    copy.username = '';
    copy.password = '';
    text = copy.href;
  } else {
    // Unparsable input: drop anything that looks like userinfo between "//" and the host.
    text = url.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1');
  }
  return text.length > MAX_LOGGED_URL ? `${text.slice(0, MAX_LOGGED_URL)}…` : text;
}
