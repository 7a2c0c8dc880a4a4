import { isIP } from 'node:net';
import { abortable } from '../../core/abortable';
import { DomainError, forbidden, invalidInput, isDomainError } from '../../core/errors';
import { classifyAddress } from './address-policy';
import { type DomainPolicy, domainPolicyRefusal, normalizeHost } from './domain-policy';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver via `dns.lookup`). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

/** Lets a non-public address through; for tests against local servers only. */
export type AddressAllowance = (address: string, port: number) => boolean;

/** A URL that passed every check, with the only addresses a connection to it may use. */
export interface CheckedTarget {
  url: URL;
  /** The host to connect to and to name in Host and SNI: lower-case, no brackets, no trailing dot. */
  host: string;
  port: number;
  /** True when the URL names an IP address rather than a host name. */
  literal: boolean;
  addresses: ResolvedAddress[];
}

/**
 * Ports of other protocols (the Fetch standard's "bad ports"): an HTTP request there could be
 * read as SMTP, IRC, etc., which turns this service into a relay.
 */
const BLOCKED_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Decides whether a URL may be fetched and which addresses a connection to it may use. */
export class TargetGuard {
  constructor(
    private readonly resolve: HostResolver,
    private readonly allowance: AddressAllowance | undefined,
  ) {}

  /**
   * Every rule that needs no DNS: scheme, credentials, port, host name, the tenant's policy.
   * `redirected` marks a Location the remote site chose: the app cannot fix it, so it is
   * forbidden rather than invalid input.
   */
  checkUrl(url: URL, policy: DomainPolicy, redirected: boolean): void {
    const refuse = (message: string): DomainError =>
      redirected ? forbidden(`refused redirect to ${displayUrl(url)}: ${message}`) : invalidInput(message);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw refuse(`only http and https URLs can be fetched, not ${url.protocol.slice(0, 20)}`);
    }
    if (url.username !== '' || url.password !== '') {
      throw refuse('URLs with credentials (user:password@) are refused; send an Authorization header instead');
    }
    const port = portOf(url);
    if (BLOCKED_PORTS.has(port)) {
      throw forbidden(`refused: port ${port} belongs to another protocol than HTTP`, { port });
    }
    const host = hostOf(url);
    if (host === 'localhost' || host.endsWith('.localhost')) {
      throw forbidden(`refused: ${host} names this machine`);
    }
    if (isIP(host) === 0 && !host.includes('.')) {
      throw forbidden(`refused: ${host} is a single-label name; the server would resolve it in its own network`);
    }
    const policyRefusal = domainPolicyRefusal(policy, url.hostname);
    if (policyRefusal) throw forbidden(policyRefusal, { host });
  }

  /** Resolves the URL's host once and checks every address; throws unless all are public. */
  async resolveTarget(url: URL, signal: AbortSignal): Promise<CheckedTarget> {
    const host = hostOf(url);
    const port = portOf(url);
    const family = isIP(host);
    if (family !== 0) {
      this.checkAddress(host, port, host);
      return { url, host, port, literal: true, addresses: [{ address: host, family: family === 6 ? 6 : 4 }] };
    }
    const addresses = await this.lookup(host, signal);
    for (const { address } of addresses) this.checkAddress(address, port, host);
    return { url, host, port, literal: false, addresses };
  }

  private checkAddress(address: string, port: number, host: string): void {
    const reason = classifyAddress(address);
    if (reason === null || this.allowance?.(address, port) === true) return;
    const message =
      host === address ? `refused: ${address} is ${reason}` : `refused: ${host} resolves to ${address}, ${reason}`;
    throw forbidden(message, { host, address });
  }

  private async lookup(host: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    let answers: ResolvedAddress[];
    try {
      answers = await abortable(this.resolve(host), signal);
    } catch (error) {
      if (isDomainError(error)) throw error;
      const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
      const why = code === 'ENOTFOUND' ? 'no such host' : code;
      throw new DomainError('failed-dependency', `could not resolve ${host} (${why})`, { host, code });
    }
    if (!Array.isArray(answers) || answers.length === 0) {
      throw new DomainError('failed-dependency', `could not resolve ${host} (no addresses)`, { host });
    }
    return answers.map(({ address }) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  }
}

/** The URL's host as a connection uses it: lower-case, IPv6 without brackets, no trailing dot. */
export function hostOf(url: URL): string {
  const host = normalizeHost(url.hostname);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** The URL for a message: no credentials, no query (it may carry secrets), bounded length. */
function displayUrl(url: URL): string {
  const text = `${url.protocol}//${url.host}${url.pathname}`;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
