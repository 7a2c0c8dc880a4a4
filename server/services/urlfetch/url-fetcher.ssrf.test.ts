import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import type { ServiceScope } from '../service-scope';
import type { DomainPolicy } from './domain-policy';
import { urlForLog } from './fetch-log';
import {
  allowLoopbackConnectionsOnly,
  fakeResolver,
  memorySink,
  startTestServer,
  type TestServer,
} from './test-servers';
import { UrlFetcher } from './url-fetcher';

const scope: ServiceScope = { tenantId: 't-1', appId: 'app-1', environment: 'production', userId: 'u-1' };

/** Names the fake DNS knows; none of them is ever connected to. */
const dns = {
  'private.test': ['10.0.0.5'],
  'mixed.test': ['93.184.216.34', '10.0.0.7'],
  'metadata.test': ['169.254.169.254'],
  'loopback6.test': ['::1'],
  'mapped.test': ['::ffff:192.168.0.1'],
  localhost: ['127.0.0.1', '::1'],
  'api.blocked.test': ['93.184.216.34'],
  'other.test': ['93.184.216.34'],
};

interface Row {
  name: string;
  /** The URL; `{sentinel}` is replaced by the port of a loopback server that must see nothing. */
  url: string;
  policy?: DomainPolicy;
  code: DomainError['code'];
  reason: RegExp;
}

const rows: Row[] = [
  {
    name: 'loopback IPv4',
    url: 'http://127.0.0.1:{sentinel}/',
    code: 'forbidden',
    reason: /127\.0\.0\.1 is a loopback/,
  },
  { name: 'localhost', url: 'http://localhost:{sentinel}/', code: 'forbidden', reason: /localhost names this machine/ },
  { name: 'localhost subdomain', url: 'http://app.localhost:{sentinel}/', code: 'forbidden', reason: /this machine/ },
  { name: 'unspecified', url: 'http://0.0.0.0:{sentinel}/', code: 'forbidden', reason: /0\.0\.0\.0 is an unspecified/ },
  { name: 'short unspecified', url: 'http://0:{sentinel}/', code: 'forbidden', reason: /0\.0\.0\.0 is an unspecified/ },
  { name: 'loopback IPv6', url: 'http://[::1]:{sentinel}/', code: 'forbidden', reason: /::1 is a loopback/ },
  { name: 'unspecified IPv6', url: 'http://[::]:{sentinel}/', code: 'forbidden', reason: /unspecified/ },
  {
    name: 'IPv4-mapped loopback',
    url: 'http://[::ffff:127.0.0.1]:{sentinel}/',
    code: 'forbidden',
    reason: /IPv4-mapped .* 127\.0\.0\.1, a loopback/,
  },
  {
    name: 'IPv4-mapped loopback in hex',
    url: 'http://[::ffff:7f00:1]:{sentinel}/',
    code: 'forbidden',
    reason: /IPv4-mapped .* 127\.0\.0\.1, a loopback/,
  },
  {
    name: 'IPv4-compatible loopback',
    url: 'http://[::127.0.0.1]:{sentinel}/',
    code: 'forbidden',
    reason: /IPv4-compatible .* loopback/,
  },
  {
    name: 'decimal IPv4',
    url: 'http://2130706433:{sentinel}/',
    code: 'forbidden',
    reason: /127\.0\.0\.1 is a loopback/,
  },
  { name: 'octal IPv4', url: 'http://0177.0.0.1:{sentinel}/', code: 'forbidden', reason: /127\.0\.0\.1 is a loopback/ },
  { name: 'hex IPv4', url: 'http://0x7f000001:{sentinel}/', code: 'forbidden', reason: /127\.0\.0\.1 is a loopback/ },
  {
    name: 'hex two-part IPv4',
    url: 'http://0x7f.1:{sentinel}/',
    code: 'forbidden',
    reason: /127\.0\.0\.1 is a loopback/,
  },
  { name: 'short IPv4', url: 'http://127.1:{sentinel}/', code: 'forbidden', reason: /127\.0\.0\.1 is a loopback/ },
  { name: 'percent-encoded IPv4', url: 'http://127.0.0.%31:{sentinel}/', code: 'forbidden', reason: /127\.0\.0\.1/ },
  { name: 'private 10/8', url: 'http://10.1.2.3/', code: 'forbidden', reason: /10\.1\.2\.3 is a private address/ },
  { name: 'private 172.16/12', url: 'http://172.20.0.1/', code: 'forbidden', reason: /private/ },
  { name: 'private 192.168/16', url: 'http://192.168.1.1/', code: 'forbidden', reason: /private/ },
  {
    name: 'cloud metadata',
    url: 'http://169.254.169.254/latest/meta-data/',
    code: 'forbidden',
    reason: /169\.254\.169\.254 is the cloud metadata service/,
  },
  { name: 'AWS IPv6 metadata', url: 'http://[fd00:ec2::254]/', code: 'forbidden', reason: /metadata/ },
  { name: 'NAT64 private', url: 'http://[64:ff9b::a00:1]/', code: 'forbidden', reason: /NAT64 .* 10\.0\.0\.1/ },
  { name: '6to4 loopback', url: 'http://[2002:7f00:1::]/', code: 'forbidden', reason: /6to4 .* 127\.0\.0\.1/ },
  { name: 'CGNAT', url: 'http://100.64.0.1/', code: 'forbidden', reason: /carrier-grade NAT/ },
  { name: 'link-local IPv6', url: 'http://[fe80::1]/', code: 'forbidden', reason: /link-local/ },
  { name: 'unique local IPv6', url: 'http://[fd12::1]/', code: 'forbidden', reason: /unique local/ },
  { name: 'broadcast', url: 'http://255.255.255.255/', code: 'forbidden', reason: /broadcast/ },
  {
    name: 'name resolving privately',
    url: 'http://private.test/',
    code: 'forbidden',
    reason: /private\.test resolves to 10\.0\.0\.5, a private address/,
  },
  {
    name: 'name resolving to one public and one private address',
    url: 'http://mixed.test/',
    code: 'forbidden',
    reason: /mixed\.test resolves to 10\.0\.0\.7, a private/,
  },
  { name: 'name resolving to metadata', url: 'http://metadata.test/', code: 'forbidden', reason: /metadata/ },
  { name: 'name resolving to ::1', url: 'http://loopback6.test/', code: 'forbidden', reason: /::1, a loopback/ },
  { name: 'name resolving to mapped private', url: 'http://mapped.test/', code: 'forbidden', reason: /192\.168\.0\.1/ },
  { name: 'single-label name', url: 'http://intranet/', code: 'forbidden', reason: /single-label/ },
  { name: 'file scheme', url: 'file:///etc/passwd', code: 'invalid-input', reason: /only http and https/ },
  { name: 'ftp scheme', url: 'ftp://ftp.example.com/pub/', code: 'invalid-input', reason: /only http and https/ },
  { name: 'gopher scheme', url: 'gopher://127.0.0.1:{sentinel}/_', code: 'invalid-input', reason: /only http/ },
  { name: 'credentials', url: 'http://user:pw@other.test/', code: 'invalid-input', reason: /credentials/ },
  { name: 'user name only', url: 'http://user@other.test/', code: 'invalid-input', reason: /credentials/ },
  { name: 'SMTP port', url: 'http://other.test:25/', code: 'forbidden', reason: /port 25/ },
  { name: 'not a URL', url: 'not a url', code: 'invalid-input', reason: /not a valid absolute URL/ },
  {
    name: 'denied domain',
    url: 'http://api.blocked.test/',
    policy: { deny: ['*.blocked.test'] },
    code: 'forbidden',
    reason: /api\.blocked\.test matches the deny pattern \*\.blocked\.test/,
  },
  {
    name: 'domain not on the allow list',
    url: 'http://other.test/',
    policy: { allow: ['good.test'] },
    code: 'forbidden',
    reason: /other\.test is not on the allow list \(good\.test\)/,
  },
];

describe('UrlFetcher refuses what would reach inside (SSRF)', () => {
  let restoreNetwork: () => void;
  let sentinel: TestServer;
  let redirector: TestServer;

  beforeAll(async () => {
    restoreNetwork = allowLoopbackConnectionsOnly();
    // A loopback service that must never be reached: no fetcher below allows its port.
    sentinel = await startTestServer((_request, response) => response.end('internal secret'));
    // The only server fetchers may reach: it redirects wherever `?to=` says.
    redirector = await startTestServer((request, response) => {
      const to = new URL(request.url, 'http://x').searchParams.get('to') ?? '/';
      response.writeHead(302, { location: to }).end();
    });
  });

  afterAll(async () => {
    await sentinel.close();
    await redirector.close();
    restoreNetwork();
  });

  function fetcher() {
    const log = memorySink();
    const resolve = fakeResolver(dns);
    const urlFetcher = new UrlFetcher({
      log,
      resolve,
      testOnlyAllowAddresses: (address, port) => address === '127.0.0.1' && port === redirector.port,
    });
    return { urlFetcher, log, resolve };
  }

  async function expectRefused(url: string, policy: DomainPolicy, code: DomainError['code'], reason: RegExp) {
    const { urlFetcher, log, resolve } = fetcher();
    const error = await urlFetcher.fetch(scope, { url }, policy).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect((error as DomainError).message).toMatch(reason);
    expect(log.entries).toHaveLength(1);
    const [entry] = log.entries;
    expect(entry).toMatchObject({ outcome: 'refused', tenantId: 't-1', appId: 'app-1', userId: 'u-1', bytesIn: 0 });
    expect(entry?.reason).toMatch(reason);
    expect(entry?.url).not.toMatch(/pw@|user@/);
    return { entry, resolve };
  }

  it.each(rows)('refuses $name: $url', async ({ url, policy, code, reason }) => {
    await expectRefused(url.replace('{sentinel}', String(sentinel.port)), policy ?? {}, code, reason);
  });

  it('applies the domain policy before asking DNS', async () => {
    const { resolve } = await expectRefused(
      'http://api.blocked.test/',
      { deny: ['*.blocked.test'] },
      'forbidden',
      /deny pattern/,
    );
    expect(resolve.calls).toEqual([]);
  });

  it('logs a URL with credentials without them', async () => {
    const { entry } = await expectRefused('http://user:pw@other.test/x?q=1', {}, 'invalid-input', /credentials/);
    expect(entry?.url).toBe('http://other.test/x?q=1');
    expect(entry?.reason).not.toMatch(/pw/);
  });

  describe('redirects from an allowed server', () => {
    const cases: Array<{ name: string; to: () => string; reason: RegExp }> = [
      {
        name: 'to another loopback port',
        to: () => `http://127.0.0.1:${sentinel.port}/`,
        reason: /127\.0\.0\.1 is a loopback/,
      },
      {
        name: 'to a mapped loopback address',
        to: () => `http://[::ffff:127.0.0.1]:${sentinel.port}/`,
        reason: /loopback/,
      },
      { name: 'to a private address', to: () => 'http://10.0.0.1/', reason: /10\.0\.0\.1 is a private/ },
      { name: 'to a name resolving privately', to: () => 'http://private.test/', reason: /resolves to 10\.0\.0\.5/ },
      { name: 'to cloud metadata', to: () => 'http://169.254.169.254/latest/meta-data/', reason: /metadata/ },
      { name: 'to a file', to: () => 'file:///etc/passwd', reason: /refused redirect to file:.*only http and https/ },
      { name: 'to URL credentials', to: () => 'http://user:pw@other.test/', reason: /credentials/ },
    ];

    it.each(cases)('refuses the hop $name', async ({ to, reason }) => {
      const url = `${redirector.origin}/?to=${encodeURIComponent(to())}`;
      const { entry } = await expectRefused(url, {}, 'forbidden', reason);
      expect(entry).toMatchObject({ status: 302, address: '127.0.0.1' });
      // The log names the refused hop, without credentials.
      expect(entry?.finalUrl).toBe(urlForLog(new URL(to())));
    });

    it('re-applies the domain policy on every hop', async () => {
      const url = `${redirector.origin}/?to=${encodeURIComponent('http://api.blocked.test/')}`;
      await expectRefused(url, { deny: ['*.blocked.test'] }, 'forbidden', /deny pattern \*\.blocked\.test/);
    });
  });

  it('never let anything reach the sentinel', () => {
    expect(sentinel.connections).toBe(0);
  });
});
