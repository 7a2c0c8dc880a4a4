import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { tmpdir } from 'node:os';
import { createSecureContext } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import type { ServiceScope } from '../service-scope';
import { exchange, pinnedLookup } from './http-exchange';
import type { CheckedTarget, HostResolver } from './target-guard';
import { allowLoopbackConnectionsOnly, memorySink, startTestServer, type TestServer } from './test-servers';
import { UrlFetcher } from './url-fetcher';

const scope: ServiceScope = { tenantId: 't-1', appId: 'app-1', environment: 'production' };

/**
 * 127.0.0.2 stands in for a public address (the only one the fetcher allows), 127.0.0.1 for the
 * internal service an attacker's DNS points at once the check has passed. Both listen on one port.
 */
const CHECKED = '127.0.0.2';
const INTERNAL = '127.0.0.1';

describe('DNS rebinding', () => {
  let restoreNetwork: () => void;
  let publicServer: TestServer;
  let internalServer: TestServer;

  beforeAll(async () => {
    restoreNetwork = allowLoopbackConnectionsOnly();
    publicServer = await startTestServer((request, response) => {
      if (request.url === '/hop') response.writeHead(302, { location: '/landed' }).end();
      else response.end('public content');
    }, CHECKED);
    internalServer = await startTestServer(
      (_request, response) => response.end('internal secret'),
      INTERNAL,
      publicServer.port,
    );
  });

  afterAll(async () => {
    await publicServer.close();
    await internalServer.close();
    restoreNetwork();
  });

  /** Answers the checked address the first time, the internal one every time after. */
  function rebindingResolver(): HostResolver & { calls: number } {
    const resolve = (host: string) => {
      resolve.calls += 1;
      const address = resolve.calls === 1 ? CHECKED : INTERNAL;
      return Promise.resolve(host === 'rebind.test' ? [{ address, family: 4 as const }] : []);
    };
    resolve.calls = 0;
    return resolve;
  }

  function fetcher(resolve: HostResolver) {
    const log = memorySink();
    const urlFetcher = new UrlFetcher({
      log,
      resolve,
      testOnlyAllowAddresses: (address, port) => address === CHECKED && port === publicServer.port,
    });
    return { urlFetcher, log };
  }

  it('resolves once per hop and connects only to the address it checked', async () => {
    const resolve = rebindingResolver();
    const { urlFetcher, log } = fetcher(resolve);
    const response = await urlFetcher.fetch(scope, { url: `http://rebind.test:${publicServer.port}/` }, {});
    expect(response.body.toString()).toBe('public content');
    expect(resolve.calls).toBe(1);
    expect(publicServer.connections).toBe(1);
    expect(internalServer.connections).toBe(0);
    expect(log.entries[0]).toMatchObject({ outcome: 'ok', address: CHECKED });
  });

  it('checks the new answer on the next hop and refuses it', async () => {
    const resolve = rebindingResolver();
    const { urlFetcher, log } = fetcher(resolve);
    const error = await urlFetcher.fetch(scope, { url: `http://rebind.test:${publicServer.port}/hop` }, {}).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toBe('refused: rebind.test resolves to 127.0.0.1, a loopback address');
    expect(resolve.calls).toBe(2);
    expect(internalServer.connections).toBe(0);
    expect(log.entries[0]).toMatchObject({ outcome: 'refused', status: 302, address: CHECKED });
  });
});

describe('exchange', () => {
  it('drops a connection that reached an address other than the checked ones', async () => {
    const restoreNetwork = allowLoopbackConnectionsOnly();
    const internal = await startTestServer((_request, response) => response.end('internal secret'), INTERNAL);
    try {
      // An inconsistent target, as a bug in the checks could produce one.
      const target: CheckedTarget = {
        url: new URL(internal.origin),
        host: INTERNAL,
        port: internal.port,
        literal: true,
        addresses: [{ address: CHECKED, family: 4 }],
      };
      const request = {
        method: 'GET',
        headers: {},
        body: undefined,
        maxResponseBytes: 1000,
        readBody: () => true,
        signal: new AbortController().signal,
      };
      await expect(exchange(target, request)).rejects.toThrow(
        `refused: the connection to ${INTERNAL} went to unchecked address ${INTERNAL}`,
      );
      expect(internal.requests).toHaveLength(0);
    } finally {
      await internal.close();
      restoreNetwork();
    }
  });
});

describe('pinnedLookup', () => {
  const addresses = [
    { address: '93.184.216.34', family: 4 as const },
    { address: '2606:2800:220:1::1', family: 6 as const },
  ];

  function ask(hostname: string, options: { all?: boolean; family?: number }) {
    return new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
      pinnedLookup('example.com', addresses)(hostname, options, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );
  }

  it('answers with the checked addresses only', async () => {
    expect(await ask('example.com', { all: true })).toMatchObject({ error: null, address: addresses });
    expect(await ask('example.com', {})).toMatchObject({ address: '93.184.216.34', family: 4 });
    expect(await ask('example.com', { family: 6 })).toMatchObject({ address: '2606:2800:220:1::1', family: 6 });
  });

  it('answers nothing for any other name', async () => {
    const answer = await ask('internal.example', { all: true });
    expect(answer.error).toMatchObject({ code: 'ENOTFOUND' });
  });
});

let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}

describe.skipIf(!openssl)('TLS', () => {
  let directory: string;
  let server: TlsServer;
  let port: number;
  const serverNames: string[] = [];
  let restoreNetwork: () => void;

  beforeAll(async () => {
    restoreNetwork = allowLoopbackConnectionsOnly();
    directory = mkdtempSync(join(tmpdir(), 'urlfetch-tls-'));
    const key = join(directory, 'key.pem');
    const cert = join(directory, 'cert.pem');
    // A throwaway self-signed certificate for secure.test: no CA trusts it.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=secure.test',
        '-addext',
        'subjectAltName=DNS:secure.test',
      ],
      { stdio: 'ignore' },
    );
    const credentials = { key: readFileSync(key), cert: readFileSync(cert) };
    const context = createSecureContext(credentials);
    server = createTlsServer(
      {
        ...credentials,
        // Records the SNI name before the client gets to judge the certificate.
        SNICallback: (servername, done) => {
          serverNames.push(servername);
          done(null, context);
        },
      },
      (_request, response) => response.end('secret over tls'),
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(directory, { recursive: true, force: true });
    restoreNetwork();
  });

  it('sends the host name as SNI and refuses an untrusted certificate', async () => {
    const log = memorySink();
    const urlFetcher = new UrlFetcher({
      log,
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      testOnlyAllowAddresses: (address, allowedPort) => address === '127.0.0.1' && allowedPort === port,
    });
    const error = await urlFetcher.fetch(scope, { url: `https://secure.test:${port}/` }, {}).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'failed-dependency' });
    expect((error as DomainError).message).toMatch(/^TLS with secure\.test:\d+ failed: .*self-signed/i);
    expect(log.entries[0]).toMatchObject({ outcome: 'failed' });
    expect(serverNames).toEqual(['secure.test']);
  });
});
