import { lookup } from 'node:dns/promises';
import { DomainError, isDomainError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ServiceScope } from '../service-scope';
import { type DomainPolicy, parseDomainPolicy } from './domain-policy';
import { type FetchLogEntry, type FetchLogSink, type FetchOutcome, urlForLog } from './fetch-log';
import {
  BODY_HEADERS,
  CREDENTIAL_HEADERS,
  type PreparedRequest,
  prepareRequest,
  responseHeaders,
  URL_FETCH_LIMITS,
  type UrlFetchRequest,
  type UrlFetchResponse,
} from './fetch-request';
import { exchange } from './http-exchange';
import { type AddressAllowance, type HostResolver, TargetGuard } from './target-guard';

/** How a `UrlFetcher` is wired. */
export interface UrlFetcherOptions {
  /** Receives one entry per fetch call, whatever its outcome. */
  log: FetchLogSink;
  /** Resolves host names; default: the system resolver (`dns.lookup`, all addresses, verbatim). */
  resolve?: HostResolver;
  /**
   * TEST ONLY: addresses (with their port) let through although they are not public, so tests can
   * fetch from their own servers on 127.0.0.1. Deliberately settable from code only: it is never
   * read from environment variables or configuration, and `main.ts` never passes it.
   */
  testOnlyAllowAddresses?: AddressAllowance;
  /** Where a failing log sink is reported; the fetch itself is not affected. */
  logger?: Logger;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** What the log entry knows so far about one fetch call. */
interface Attempt {
  method: string;
  url: string;
  finalUrl?: string;
  status?: number;
  address?: string;
  bytesOut: number;
  bytesIn: number;
  /** Set once a request goes on the wire; a too-large error before that is a refusal. */
  sent: boolean;
}

/**
 * The only way out of a sealed app instance to other sites. Every hop (the URL and each redirect)
 * passes the same checks: scheme, credentials, port, the tenant's domain policy, and every
 * address the host resolves to must be public; the connection then goes only to a checked address.
 */
export class UrlFetcher {
  private readonly guard: TargetGuard;

  constructor(private readonly options: UrlFetcherOptions) {
    this.guard = new TargetGuard(options.resolve ?? systemResolver, options.testOnlyAllowAddresses);
  }

  /** Fetches `request.url` for the app in `scope` under the tenant's `policy`; throws a DomainError. */
  async fetch(scope: ServiceScope, request: UrlFetchRequest, policy: DomainPolicy): Promise<UrlFetchResponse> {
    const at = new Date();
    const started = performance.now();
    const attempt: Attempt = {
      method: typeof request?.method === 'string' ? request.method.toUpperCase().slice(0, 16) : 'GET',
      url: typeof request?.url === 'string' ? urlForLog(request.url) : '',
      bytesOut: 0,
      bytesIn: 0,
      sent: false,
    };
    const finish = (outcome: FetchOutcome, reason?: string) =>
      this.record(scope, attempt, outcome, reason, at, performance.now() - started);
    try {
      const response = await this.run(request, policy, scope.appId, attempt);
      await finish('ok');
      return response;
    } catch (error) {
      await finish(outcomeOf(error, attempt), error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async run(
    request: UrlFetchRequest,
    policy: DomainPolicy,
    appId: string,
    attempt: Attempt,
  ): Promise<UrlFetchResponse> {
    const prepared = prepareRequest(request, appId);
    attempt.method = prepared.method;
    attempt.url = urlForLog(prepared.url);
    const rules = parseDomainPolicy(policy);
    const deadline = new AbortController();
    const timeout = new DomainError('failed-dependency', `timed out after ${prepared.timeoutMs} ms`, {
      timeoutMs: prepared.timeoutMs,
    });
    const timer = setTimeout(() => deadline.abort(timeout), prepared.timeoutMs);
    try {
      return await this.follow(prepared, rules, deadline.signal, attempt);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends the request and follows redirects by hand, checking every hop like the first. */
  private async follow(
    prepared: PreparedRequest,
    policy: DomainPolicy,
    signal: AbortSignal,
    attempt: Attempt,
  ): Promise<UrlFetchResponse> {
    let { url, method, body } = prepared;
    const headers = { ...prepared.headers };
    const redirects: string[] = [];
    for (;;) {
      attempt.finalUrl = urlForLog(url);
      this.guard.checkUrl(url, policy, redirects.length > 0);
      const target = await this.guard.resolveTarget(url, signal);
      attempt.sent = true;
      const follows = prepared.followRedirects;
      const result = await exchange(target, {
        method,
        headers,
        body,
        maxResponseBytes: prepared.maxResponseBytes,
        readBody: (status, head) => !(follows && isRedirect(status, head.location)),
        onHead: (status, address) => {
          attempt.status = status;
          attempt.address = address;
          attempt.bytesOut += body?.length ?? 0;
        },
        onBodyBytes: (bytes) => (attempt.bytesIn += bytes),
        signal,
      });
      const location = result.headers.location;
      if (!follows || !isRedirect(result.status, location)) {
        return {
          status: result.status,
          headers: responseHeaders(result.headers),
          body: result.body,
          finalUrl: url.href,
          redirects,
        };
      }
      if (redirects.length >= URL_FETCH_LIMITS.maxRedirects) {
        throw new DomainError('failed-dependency', `more than ${URL_FETCH_LIMITS.maxRedirects} redirects`, {
          redirects: redirects.length,
        });
      }
      const next = parseLocation(location, url);
      // 303, and 301/302 after a POST, turn into a GET without body (as browsers do).
      if (
        (result.status === 303 && method !== 'HEAD') ||
        ((result.status === 301 || result.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        for (const name of BODY_HEADERS) delete headers[name];
      }
      // Credentials meant for one site never follow a redirect to another.
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
      redirects.push(next.href);
      url = next;
    }
  }

  private async record(
    scope: ServiceScope,
    attempt: Attempt,
    outcome: FetchOutcome,
    reason: string | undefined,
    at: Date,
    ms: number,
  ): Promise<void> {
    const entry: FetchLogEntry = {
      at: at.toISOString(),
      tenantId: scope.tenantId,
      appId: scope.appId,
      environment: scope.environment,
      method: attempt.method,
      url: attempt.url,
      bytesOut: attempt.bytesOut,
      bytesIn: attempt.bytesIn,
      ms: Math.round(ms),
      outcome,
    };
    if (scope.userId !== undefined) entry.userId = scope.userId;
    if (attempt.finalUrl !== undefined) entry.finalUrl = attempt.finalUrl;
    if (attempt.status !== undefined) entry.status = attempt.status;
    if (attempt.address !== undefined) entry.address = attempt.address;
    if (reason !== undefined) entry.reason = reason;
    try {
      await this.options.log.record(entry);
    } catch (error) {
      this.options.logger?.warn('urlfetch: the fetch log sink failed; one entry is lost', error);
    }
  }
}

/** A response to follow: a redirect status with somewhere to go. */
function isRedirect(status: number, location: string | undefined): location is string {
  return REDIRECT_STATUSES.has(status) && location !== undefined && location !== '';
}

function parseLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new DomainError('failed-dependency', `${base.host} redirected to an invalid URL`, {
      location: location.slice(0, 200),
    });
  }
}

/** Refused: nothing was sent because a rule said no. Failed: the remote side or the network did. */
function outcomeOf(error: unknown, attempt: Attempt): FetchOutcome {
  if (!isDomainError(error)) return 'failed';
  if (error.code === 'forbidden' || error.code === 'invalid-input') return 'refused';
  return error.code === 'too-large' && !attempt.sent ? 'refused' : 'failed';
}
