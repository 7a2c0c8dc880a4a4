import { DomainError, forbidden, invalidInput, notFound } from '../../core/errors';
import { SignedTokens } from '../../identity/signed-tokens';
import type { ServiceScope } from '../service-scope';
import type { ServiceContracts } from '../service-contracts';
import { domainPolicyRefusal } from './domain-policy';
import { urlForLog, type FetchLogSink } from './fetch-log';

/** How long a link works unless the app asks otherwise (a page may be kept open for days). */
const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
const MAX_TTL_SECONDS = 90 * 24 * 3600;
const MAX_URL_LENGTH = 2048;

interface LinkPayload {
  t: string;
  a: string;
  e: ServiceScope['environment'];
  u?: string;
  url: string;
  x: number;
}

/**
 * URL Link: an app's way to send its users to another site through the platform. The app gets
 * a signed platform URL; following it checks the tenant's domain policy at that moment, records
 * the visit in the URL fetch log (method LINK), and redirects — so every way out is logged and
 * forbidden sites are blocked, as for URL fetch, without the platform fetching anything.
 */
export class UrlLinks {
  private readonly tokens: SignedTokens;

  constructor(
    keyFile: string,
    private readonly deps: {
      /** The platform's public base, where `GET /api/v1/links/:token` is served. */
      publicUrl: URL;
      contracts: Pick<ServiceContracts, 'contractOf'>;
      log: FetchLogSink;
      clock?: () => number;
    },
  ) {
    this.tokens = new SignedTokens(keyFile, 'l1', 'slipway-url-link-v1\n');
  }

  /** A platform URL that leads to `url` (http/https) for `ttlSeconds`. */
  async create(scope: ServiceScope, input: { url: string; ttlSeconds?: number | undefined }): Promise<{ url: string }> {
    const target = parseTarget(input.url);
    const ttl = input.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
      throw invalidInput(`ttlSeconds must be a whole number from 1 to ${MAX_TTL_SECONDS} (90 days).`);
    // Refused at once too, so the developer sees the policy while writing the app.
    const refusal = domainPolicyRefusal(
      (await this.deps.contracts.contractOf(scope.tenantId)).urlPolicy,
      target.hostname,
    );
    if (refusal) throw forbidden(`This link would be blocked: ${refusal}.`, { host: target.hostname });
    const payload: LinkPayload = {
      t: scope.tenantId,
      a: scope.appId,
      e: scope.environment,
      ...(scope.userId ? { u: scope.userId } : {}),
      url: target.href,
      x: Math.floor(this.now() / 1000) + ttl,
    };
    const token = await this.tokens.sign(payload);
    return { url: new URL(`api/v1/links/${token}`, withSlash(this.deps.publicUrl)).href };
  }

  /** Where a followed link leads, after the policy check; the visit is logged either way. */
  async follow(token: string): Promise<string> {
    const opened = await this.tokens.open(token);
    const payload = 'payload' in opened ? parsePayload(opened.payload) : undefined;
    if (!payload) throw notFound('This is not a link of this installation.');
    const started = this.now();
    const entry = {
      at: new Date(started).toISOString(),
      tenantId: payload.t,
      appId: payload.a,
      environment: payload.e,
      ...(payload.u ? { userId: payload.u } : {}),
      method: 'LINK',
      url: urlForLog(payload.url),
      bytesIn: 0,
      bytesOut: 0,
    };
    let refusal: string | null;
    if (payload.x * 1000 <= started) refusal = 'the link expired';
    else {
      const policy = (await this.deps.contracts.contractOf(payload.t)).urlPolicy;
      refusal = domainPolicyRefusal(policy, new URL(payload.url).hostname);
    }
    await this.deps.log.record({
      ...entry,
      ms: this.now() - started,
      outcome: refusal ? 'refused' : 'ok',
      ...(refusal ? { reason: refusal } : { status: 302 }),
    });
    if (refusal === 'the link expired')
      throw new DomainError('not-found', 'This link has expired; go back to the app for a new one.');
    if (refusal) throw forbidden(`Your organisation does not allow this site: ${refusal}.`);
    return payload.url;
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }
}

function parseTarget(value: string): URL {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH)
    throw invalidInput(`url must be a string of at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput(`"${value.slice(0, 100)}" is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidInput('A link must be http or https.');
  if (url.username || url.password) throw invalidInput('A link must not carry a user name or password.');
  return url;
}

function parsePayload(value: unknown): LinkPayload | undefined {
  const payload = value as Partial<LinkPayload> | null;
  if (
    typeof payload?.t !== 'string' ||
    typeof payload.a !== 'string' ||
    (payload.e !== 'preview' && payload.e !== 'production') ||
    typeof payload.url !== 'string' ||
    typeof payload.x !== 'number' ||
    (payload.u !== undefined && typeof payload.u !== 'string')
  )
    return undefined;
  return payload as LinkPayload;
}

function withSlash(url: URL): URL {
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`);
}
