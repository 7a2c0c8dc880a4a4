import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Hono, type Context } from 'hono';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Disposable } from '../../core/disposable';
import { isDomainError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { PUSH_BASE, PUSH_CLIENT_SCRIPT_PATH, PUSH_SOCKET_PATH } from '../../protocol/push';
import type { IdentityService } from '../../identity/identity-service';
import type { PushHub } from '../../services/push/push-hub';
import type { PushService, PushSocketGrant } from '../../services/push/push-service';
import type { PushSubscription } from '../../services/push/push-subscription';
import type { ServiceContracts } from '../../services/service-contracts';
import { errorToProblem, problemResponse } from '../problem';
import type { PushClientScript } from './push-client-script';

/** What the page-facing side of push is built on. */
export interface PushEndpointDeps {
  push: Pick<PushService, 'openSocket'>;
  hub: PushHub;
  contracts: Pick<ServiceContracts, 'servicesOf'>;
  /** A launcher's user must still belong to its organisation when it connects. */
  members: Pick<IdentityService, 'rolesIn'>;
  clientScript: PushClientScript;
  log: Logger;
}

const REFUSAL_STATUS: Record<string, string> = {
  unauthenticated: '401 Unauthorized',
  forbidden: '403 Forbidden',
};

/**
 * Push on the platform's own origin, for app pages: `GET /push/v1/client.js` and the socket
 * `GET /push/v1/socket?token=<channel token>`.
 *
 * The socket does not go through the WebSocketRouter: pages live on their apps' origins and hold
 * no platform session. Its only credential is the channel token, a bearer credential, so any
 * Origin is accepted: the router's Origin check stops another site from riding a signed-in
 * user's cookie (cross-site WebSocket hijacking), and no cookie or other ambient credential is
 * read here — a foreign page gains nothing it does not already hold. Whoever holds a token may
 * receive that one channel until the token expires, and nothing else: no sending, no other
 * channel, app or environment.
 */
export class PushEndpoint implements Disposable {
  /** Serves the client script; the HTTP server sends it every request under `/push/v1/`. */
  readonly app = new Hono();
  private readonly server = new WebSocketServer({
    noServer: true,
    // Pages only send acknowledgements.
    maxPayload: 4 * 1024,
    perMessageDeflate: false,
    clientTracking: false,
  });

  constructor(private readonly deps: PushEndpointDeps) {
    this.app.get(PUSH_CLIENT_SCRIPT_PATH, (c) => this.serveClientScript(c));
    this.app.notFound(() => problemResponse(404, `Nothing here; pages load ${PUSH_CLIENT_SCRIPT_PATH}.`));
    this.app.onError((error) => errorToProblem(error, (message, cause) => deps.log.error(message, cause)));
  }

  /** True for upgrades this endpoint answers (all under `/push/v1/`). */
  owns(pathname: string): boolean {
    return pathname.startsWith(`${PUSH_BASE}/`);
  }

  /** Accepts a page's socket for the channel its token names; refusals are a status line, never a throw. */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // The page may hang up while the token is checked; that must not become an unhandled error.
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(request.url ?? '/', 'http://platform');
      if (url.pathname !== PUSH_SOCKET_PATH)
        return refuse(socket, '404 Not Found', `no push socket at ${url.pathname}`);
      const token = url.searchParams.get('token');
      if (!token) return refuse(socket, '401 Unauthorized', 'add ?token=<the channel token from push/channel>');
      let grant: PushSocketGrant;
      try {
        grant = await this.deps.push.openSocket(token);
      } catch (error) {
        if (isDomainError(error)) return refuse(socket, REFUSAL_STATUS[error.code] ?? '400 Bad Request', error.message);
        throw error;
      }
      if (
        grant.launcherOf !== undefined &&
        (await this.deps.members.rolesIn(grant.launcherOf, grant.tenantId)).length === 0
      )
        return refuse(socket, '403 Forbidden', "the launcher's user is no longer a member of the organisation");
      if (!(await this.deps.contracts.servicesOf(grant.tenantId)).has('push'))
        return refuse(
          socket,
          '403 Forbidden',
          'the "push" service is not part of the organisation\'s Slipway contract',
        );
      if (this.deps.hub.isFull)
        return refuse(socket, '503 Service Unavailable', 'too many push connections; retry later');
      if (socket.destroyed) return;
      this.server.handleUpgrade(request, socket, head, (ws) => this.bind(ws, grant.subscription));
    } catch (error) {
      this.deps.log.error('push: WebSocket upgrade failed', error);
      if (!socket.destroyed) refuse(socket, '500 Internal Server Error', 'internal error');
    }
  }

  /** Open page sockets. */
  get connections(): number {
    return this.deps.hub.count();
  }

  /** Closes every page's socket (they reconnect to the next platform process). */
  closeConnections(): Promise<void> {
    return this.deps.hub.closeAll();
  }

  async dispose(): Promise<void> {
    this.server.close();
    await this.closeConnections();
  }

  private bind(ws: WebSocket, subscription: PushSubscription): void {
    const connection = this.deps.hub.attach(subscription, ws);
    ws.on('pong', () => connection.pong());
    ws.on('message', (data, isBinary) => {
      if (!isBinary && Buffer.isBuffer(data)) connection.received(data.toString('utf8'));
    });
    // An oversized or invalid frame: ws reports it, then closes the socket itself.
    ws.on('error', () => undefined);
    ws.on('close', () => connection.closed());
  }

  private serveClientScript(c: Context): Response {
    const { text, etag } = this.deps.clientScript;
    const headers = {
      etag,
      // Short freshness, then a cheap revalidation: a platform upgrade reaches pages within minutes.
      'cache-control': 'public, max-age=300',
      // Loaded by pages of every app origin, also with crossorigin or under COEP.
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    };
    const match = (c.req.header('if-none-match') ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (match.includes(etag) || match.includes('*')) return c.body(null, 304, headers);
    return c.body(text, 200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' });
  }
}

function refuse(socket: Duplex, status: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
