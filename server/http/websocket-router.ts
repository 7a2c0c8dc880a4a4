import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isDomainError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import type { Logger } from '../core/logger';
import type { Principal } from '../identity/principal';
import type { SessionService } from '../identity/session-service';
import { SESSION_COOKIE } from '../protocol/problem';
import { resolvePrincipal } from './auth-middleware';

/** Handles one authenticated WebSocket; throw a DomainError to refuse before accepting. */
export type WebSocketRoute = (request: {
  params: Record<string, string>;
  principal: Principal;
  url: URL;
  /** Accepts the upgrade; call once, after every check has passed. */
  accept: () => Promise<WebSocket>;
}) => Promise<void>;

const REFUSAL_STATUS: Record<string, string> = {
  unauthenticated: '401 Unauthorized',
  forbidden: '403 Forbidden',
  'not-found': '404 Not Found',
  'too-many-requests': '429 Too Many Requests',
};

/**
 * The one place WebSocket upgrades enter: same authentication as HTTP, an Origin check
 * against the request's own origin or the public URL, then a route by path pattern.
 */
export class WebSocketRouter implements Disposable {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly routes: { pattern: RegExp; keys: string[]; handle: WebSocketRoute }[] = [];
  private disposed = false;

  constructor(
    private readonly sessions: SessionService,
    private readonly publicUrl: URL,
    private readonly log: Logger,
  ) {}

  /** Registers a route such as `/ws/terminals/:terminalId`. */
  add(path: string, handle: WebSocketRoute): void {
    const keys: string[] = [];
    const source = path.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
      keys.push(key);
      return '([A-Za-z0-9_-]{1,128})';
    });
    this.routes.push({ pattern: new RegExp(`^${source}$`), keys, handle });
  }

  /** True when the path belongs to this router (other upgrades, e.g. Next's HMR, pass by). */
  owns(pathname: string): boolean {
    return pathname.startsWith('/ws/');
  }

  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', this.publicUrl);
      const route = this.match(url.pathname);
      if (!route) return refuse(socket, '404 Not Found', 'no such WebSocket endpoint');
      if (!this.isAllowedOrigin(request)) return refuse(socket, '403 Forbidden', 'origin not allowed');
      const cookie = parseCookie(request.headers.cookie ?? '', SESSION_COOKIE);
      const principal = await resolvePrincipal(this.sessions, request.headers.authorization, cookie);
      if (!principal) return refuse(socket, '401 Unauthorized', 'sign in first');
      let accepted = false;
      const accept = () =>
        new Promise<WebSocket>((resolve) => {
          accepted = true;
          this.server.handleUpgrade(request, socket, head, resolve);
        });
      try {
        await route.handle({ params: route.params, principal, url, accept });
      } catch (error) {
        if (accepted) throw error;
        if (isDomainError(error)) return refuse(socket, REFUSAL_STATUS[error.code] ?? '400 Bad Request', error.message);
        throw error;
      }
    } catch (error) {
      this.log.error('WebSocket upgrade failed', error);
      if (!socket.destroyed) refuse(socket, '500 Internal Server Error', 'internal error');
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  private match(pathname: string): { handle: WebSocketRoute; params: Record<string, string> } | null {
    for (const route of this.routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, index) => (params[key] = found[index + 1] ?? ''));
      return { handle: route.handle, params };
    }
    return null;
  }

  /** Browsers always send Origin on WebSockets; a foreign one is a cross-site hijack attempt. */
  private isAllowedOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (!origin) return request.headers.authorization !== undefined;
    const host = request.headers.host;
    const scheme = 'encrypted' in request.socket && request.socket.encrypted ? 'https' : 'http';
    return origin === this.publicUrl.origin || (host !== undefined && origin === `${scheme}://${host}`);
  }
}

function refuse(socket: Duplex, status: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
