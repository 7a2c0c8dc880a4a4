import { invalidInput } from '../../core/errors';

/**
 * A tenant's rule for which hosts its apps may fetch from. Patterns: `example.com` (that host),
 * `*.example.com` (its subdomains, not itself), `*` (any host). Deny wins; a non-empty allow list
 * lets through only the hosts it matches.
 */
export interface DomainPolicy {
  allow?: string[];
  deny?: string[];
}

export const MAX_DOMAIN_PATTERNS = 500;
const MAX_HOST_LENGTH = 253;
const LABEL = /^[a-z0-9_-]{1,63}$/;
/** Characters that would make `new URL` read a pattern as something other than a bare host. */
const NOT_A_HOST = /[\s/\\?#@%:[\]]/;
const LISTED_IN_REASON = 5;

/** Validates and normalises a stored or submitted policy; throws invalid-input naming the bad entry. */
export function parseDomainPolicy(json: unknown): DomainPolicy {
  if (json === undefined || json === null) return {};
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw invalidInput('URL policy must be an object with optional "allow" and "deny" lists');
  }
  const record = json as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((key) => key !== 'allow' && key !== 'deny');
  if (unknownKeys.length > 0) {
    throw invalidInput(`URL policy has unknown keys: ${unknownKeys.join(', ')} (only "allow" and "deny")`);
  }
  const policy: DomainPolicy = {};
  for (const key of ['allow', 'deny'] as const) {
    const list = record[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw invalidInput(`URL policy "${key}" must be a list of domain patterns`);
    if (list.length > MAX_DOMAIN_PATTERNS) {
      throw invalidInput(`URL policy "${key}" has ${list.length} patterns; at most ${MAX_DOMAIN_PATTERNS}`);
    }
    policy[key] = [...new Set(list.map((pattern, index) => normalizePattern(pattern, `${key}[${index}]`)))];
  }
  return policy;
}

/**
 * Why `host` (a URL's hostname) is refused by `policy`, or null when it may be fetched. The policy
 * must come from `parseDomainPolicy`.
 */
export function domainPolicyRefusal(policy: DomainPolicy, host: string): string | null {
  const name = normalizeHost(host);
  const denied = policy.deny?.find((pattern) => matchesPattern(pattern, name));
  if (denied !== undefined) return `refused: ${name} matches the deny pattern ${denied}`;
  const allow = policy.allow ?? [];
  if (allow.length > 0 && !allow.some((pattern) => matchesPattern(pattern, name))) {
    const listed = allow.slice(0, LISTED_IN_REASON).join(', ') + (allow.length > LISTED_IN_REASON ? ', …' : '');
    return `refused: ${name} is not on the allow list (${listed})`;
  }
  return null;
}

/** A URL hostname in the form patterns use: lower-case, without a trailing dot. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function matchesPattern(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

function normalizePattern(value: unknown, where: string): string {
  if (typeof value !== 'string') throw invalidInput(`URL policy ${where} must be a string`);
  const pattern = value.trim();
  if (pattern === '*') return pattern;
  const wildcard = pattern.startsWith('*.');
  const rest = wildcard ? pattern.slice(2) : pattern;
  const bad = (why: string) =>
    invalidInput(
      `URL policy ${where} "${value}" is not a domain pattern (${why}); use example.com, *.example.com or *`,
    );
  if (rest.includes('*')) throw bad('"*" is only allowed as a whole first label');
  const bracketed = !wildcard && /^\[[0-9a-f:.]+\]$/i.test(rest);
  if (rest === '' || (!bracketed && NOT_A_HOST.test(rest))) throw bad('not a bare host name');
  let hostname: string;
  try {
    hostname = new URL(`http://${rest}/`).hostname;
  } catch {
    throw bad('not a valid host name');
  }
  if (bracketed) return hostname;
  const name = normalizeHost(hostname);
  if (isIpv4(name)) {
    if (wildcard) throw bad('a wildcard cannot precede an IP address');
    return name;
  }
  if (name.length > MAX_HOST_LENGTH) throw bad(`longer than ${MAX_HOST_LENGTH} characters`);
  if (!name.split('.').every((label) => LABEL.test(label))) throw bad('a label is empty or has invalid characters');
  return wildcard ? `*.${name}` : name;
}

function isIpv4(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name);
}
