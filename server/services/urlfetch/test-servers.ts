/* Test support for the urlfetch tests only: loopback HTTP servers, fake resolvers, a recording sink. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import net from 'node:net';
import { DomainError } from '../../core/errors';
import { canonicalAddress } from './address-policy';
import type { FetchLogEntry, FetchLogSink } from './fetch-log';
import type { HostResolver, ResolvedAddress } from './target-guard';
import { UrlFetcher, type UrlFetcherOptions } from './url-fetcher';

/** What a test server saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A loopback HTTP server that records what reaches it. */
export interface TestServer {
  host: string;
  port: number;
  /** `http://host:port` */
  origin: string;
  requests: SeenRequest[];
  /** TCP connections accepted, answered or not. */
  connections: number;
  close(): Promise<void>;
}

export type TestHandler = (request: SeenRequest, response: ServerResponse) => void;

/** Starts a server on `host` (a loopback address), on `port` or a free one. */
export async function startTestServer(handler: TestHandler, host = '127.0.0.1', port = 0): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const seen: SeenRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      state.requests.push(seen);
      handler(seen, response);
    });
  });
  server.on('connection', (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no TCP address');
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const state: TestServer = {
    host,
    port: address.port,
    origin,
    requests: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}

/** A port nothing listens on (a server was there a moment ago). */
export async function closedPort(): Promise<number> {
  const server = await startTestServer(() => undefined);
  await server.close();
  return server.port;
}

/** A resolver answering from a table; unknown names fail like a real NXDOMAIN. */
export function fakeResolver(table: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (host: string): Promise<ResolvedAddress[]> => {
    calls.push(host);
    const addresses = table[host];
    if (!addresses) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${host}`);
      error.code = 'ENOTFOUND';
      return Promise.reject(error);
    }
    return Promise.resolve(addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}

/** A sink that keeps entries in memory. */
export function memorySink(): FetchLogSink & { entries: FetchLogEntry[] } {
  const entries: FetchLogEntry[] = [];
  return { entries, record: (entry) => void entries.push(entry) };
}

/**
 * Makes every TCP connection in this process fail unless it goes to a loopback address, so a bug
 * in the code under test cannot reach another machine. Returns the function that undoes it.
 */
export function allowLoopbackConnectionsOnly(): () => void {
  const prototype = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => Socket };
  const original = prototype.connect;
  const isLoopback = (address: string): boolean => {
    const canonical = canonicalAddress(address);
    return canonical !== null && (canonical.startsWith('127.') || canonical === '0:0:0:0:0:0:0:1');
  };
  const guarded = function (this: Socket, ...args: unknown[]): Socket {
    // net.createConnection hands over its normalised arguments as one array: [options, callback].
    const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const options = first as (net.TcpSocketConnectOpts & { path?: string }) | undefined;
    if (typeof options === 'object' && options !== null && options.path === undefined) {
      const host = options.host ?? 'localhost';
      if (isIP(host) !== 0 && !isLoopback(host)) throw new Error(`test guard: connection to ${host} blocked`);
      if (isIP(host) === 0) {
        const lookup = options.lookup;
        if (!lookup) throw new Error(`test guard: ${host} would be resolved by the system resolver`);
        options.lookup = (hostname, lookupOptions, callback) =>
          lookup(hostname, lookupOptions, (error, address, family) => {
            const list = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
            if (!error && !list.every(isLoopback)) {
              callback(new Error(`test guard: ${hostname} -> ${list.join(', ')} blocked`), '', 0);
            } else {
              callback(error, address, family);
            }
          });
      }
    }
    return original.apply(this, args);
  };
  prototype.connect = guarded;
  return () => {
    prototype.connect = original;
  };
}

/** Answers with what arrived, as JSON, plus two cookies. */
export function echo(request: SeenRequest, response: ServerResponse): void {
  response.setHeader('content-type', 'application/json');
  response.setHeader('set-cookie', ['a=1', 'b=2']);
  response.end(
    JSON.stringify({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body.toString(),
    }),
  );
}

/** The DomainError `promise` rejects with; throws when it resolves or rejects otherwise. */
export async function domainFailure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

/**
 * Loopback servers and fetchers that may reach exactly those servers, behind the loopback-only
 * network guard. `setUp` in beforeAll, `tearDown` in afterAll.
 */
export class FetchTestBench {
  private readonly servers: TestServer[] = [];
  private readonly allowedPorts = new Set<number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private restoreNetwork: (() => void) | undefined;

  setUp(): void {
    this.restoreNetwork = allowLoopbackConnectionsOnly();
  }

  async tearDown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.servers.map((started) => started.close()));
    this.restoreNetwork?.();
  }

  /** Starts a loopback server the bench's fetchers may reach. */
  async server(handler: TestHandler): Promise<TestServer> {
    const started = await startTestServer(handler);
    this.servers.push(started);
    this.allowedPorts.add(started.port);
    return started;
  }

  /** Lets fetchers try `port` on 127.0.0.1 (where nothing may listen). */
  allowPort(port: number): void {
    this.allowedPorts.add(port);
  }

  /** Calls `tick` every `ms` until tear-down or until it returns false. */
  repeat(ms: number, tick: () => boolean): void {
    const timer = setInterval(() => {
      if (tick()) return;
      clearInterval(timer);
      this.timers.delete(timer);
    }, ms);
    this.timers.add(timer);
  }

  /** A fetcher whose DNS knows loop.test (127.0.0.1) and that may reach the bench's servers. */
  fetcher(options: Partial<UrlFetcherOptions> = {}) {
    const log = memorySink();
    const resolve = fakeResolver({ 'loop.test': ['127.0.0.1'] });
    const urlFetcher = new UrlFetcher({
      log,
      resolve,
      testOnlyAllowAddresses: (address, port) => address === '127.0.0.1' && this.allowedPorts.has(port),
      ...options,
    });
    return { urlFetcher, log, resolve };
  }
}
