import {
  createServer,
  type Agent,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { WebSocket, WebSocketServer } from 'ws';
import { createConsoleLogger } from '../core/logger';
import type { Database } from '../db/schema';
import type { AppRoute } from '../farm/routing';
import { AppSessions } from './app-sessions';
import { Gateway, type GatewayOptions } from './gateway';

/** What a test backend saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers a request; the default echoes what it saw as JSON with the backend's name. */
export type BackendHandler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** A small Node HTTP server on a Unix socket, standing in for an app instance. */
export class TestBackend {
  readonly seen: SeenRequest[] = [];

  private constructor(
    readonly name: string,
    readonly socketPath: string,
    readonly server: Server,
  ) {}

  static async start(dir: string, name: string, handler?: BackendHandler): Promise<TestBackend> {
    const socketPath = path.join(dir, `${name}.sock`);
    await rm(socketPath, { force: true });
    const server = createServer();
    const backend = new TestBackend(name, socketPath, server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        backend.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (handler) return handler(req, res, body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ backend: name, method: req.method, url: req.url, headers: req.headers, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return backend;
  }

  get endpoint(): { kind: 'unix'; path: string } {
    return { kind: 'unix', path: this.socketPath };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A response read whole. */
export interface GatewayResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request to the gateway addressed to `host`, on a fresh connection unless an agent is given. */
export function gatewayRequest(
  port: number,
  host: string,
  urlPath: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {},
): Promise<GatewayResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: init.method ?? 'GET',
        headers: { host, ...init.headers },
        agent: init.agent ?? false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

/** A free loopback TCP port (closed again before use; tests accept the tiny race). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** A temporary directory for sockets (short, so Unix socket paths stay under 108 bytes). */
export async function tempDir(prefix = 'slw-gw-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await mkdir(dir, { recursive: true });
  return dir;
}

/** A route with test defaults. */
export function testRoute(overrides: Partial<AppRoute> & Pick<AppRoute, 'appId' | 'host'>): AppRoute {
  return {
    tenantId: 'tenant-1',
    appSlug: overrides.host.split('.')[0] ?? 'app',
    tenantSlug: overrides.host.split('.')[1] ?? 'tenant',
    versionId: `${overrides.appId}-v1`,
    versionNumber: 1,
    access: 'public',
    affinity: false,
    upstreams: [],
    ...overrides,
  };
}

/**
 * Starts a gateway on a real nginx (SLIPWAY_NGINX, else Debian's) under `dir`, listening on
 * 127.0.0.1:`port` with apps under apps.localhost, one worker and a quiet log; by default no
 * user has roles and no app is scaled to zero. `overrides` replace any of these.
 */
export function startTestGateway({
  dir,
  port,
  db,
  ...overrides
}: { dir: string; port: number; db: Kysely<Database> } & Partial<GatewayOptions>): Promise<Gateway> {
  return Gateway.start({
    dataDir: path.join(dir, 'data'),
    nginxPath: process.env.SLIPWAY_NGINX ?? '/usr/sbin/nginx',
    listenHost: '127.0.0.1',
    listenPort: port,
    appsUrl: new URL(`http://apps.localhost:${port}`),
    publicUrl: new URL('http://slipway.test'),
    sessions: new AppSessions(db),
    identity: { rolesIn: () => Promise.resolve([]), getUser: () => Promise.reject(new Error('unused')) },
    waker: { wake: () => Promise.reject(new Error('no app is scaled to zero here')), noteTraffic: () => undefined },
    log: createConsoleLogger({ quiet: true }),
    workerProcesses: 1,
    ...overrides,
  });
}

/** Makes `backend` answer each WebSocket message with `prefix` and the message. */
export function echoWebSockets(backend: TestBackend, prefix: string): WebSocketServer {
  const wss = new WebSocketServer({ server: backend.server });
  wss.on('connection', (socket) =>
    socket.on('message', (data) => socket.send(`${prefix}${(data as Buffer).toString('utf8')}`)),
  );
  return wss;
}

/** Opens a WebSocket through the gateway to `host`, sends `message` and returns the first reply. */
export async function webSocketReply(port: number, host: string, urlPath: string, message: string): Promise<string> {
  const client = new WebSocket(`ws://127.0.0.1:${port}${urlPath}`, { headers: { host } });
  try {
    return await new Promise<string>((resolve, reject) => {
      client.once('open', () => client.send(message));
      client.once('message', (data) => resolve((data as Buffer).toString('utf8')));
      client.once('error', reject);
    });
  } finally {
    client.close();
  }
}
