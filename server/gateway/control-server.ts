import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Disposable } from '../core/disposable';
import type { Logger } from '../core/logger';
import type { AppRoute } from '../farm/routing';
import type { Activator } from './activator';
import type { AppAccessChecker } from './app-access';
import { sendPage } from './control-http';
import type { IdentitySigner } from './identity-signer';
import type { LoginHop } from './login-hop';

/** What the control plane answers with. */
export interface ControlServerDeps {
  socketPath: string;
  routeOf: (appId: string) => AppRoute | undefined;
  access: AppAccessChecker;
  signer: IdentitySigner;
  loginHop: LoginHop;
  activator: Activator;
  log: Logger;
}

/**
 * The gateway's control plane on a Unix socket only nginx talks to: auth_request answers,
 * the app-host login hop, and the activator for apps scaled to zero. nginx sets
 * X-Slipway-App-Id itself (a client's value never arrives), so the app is known for certain.
 */
export class ControlServer implements Disposable {
  private readonly server: Server;

  private constructor(private readonly deps: ControlServerDeps) {
    this.server = createServer((request, response) => void this.route(request, response));
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
    this.server.keepAliveTimeout = 75_000;
  }

  static async listen(deps: ControlServerDeps): Promise<ControlServer> {
    await mkdir(path.dirname(deps.socketPath), { recursive: true, mode: 0o700 });
    await rm(deps.socketPath, { force: true });
    const control = new ControlServer(deps);
    await new Promise<void>((resolve, reject) => {
      control.server.once('error', reject);
      control.server.listen(deps.socketPath, () => resolve());
    });
    await chmod(deps.socketPath, 0o600);
    return control;
  }

  async dispose(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const appId = headerOf(request, 'x-slipway-app-id');
      const route = this.deps.routeOf(appId);
      if (!route) return sendPage(response, 404, 'No app here', 'No published app answers at this address.');
      const url = new URL(request.url ?? '/', 'http://app.invalid');
      if (headerOf(request, 'x-slipway-intent') === 'login') {
        return this.deps.loginHop.start(request, response, route, request.url ?? '/');
      }
      switch (url.pathname) {
        case '/_slipway/auth-check':
          return await this.authCheck(request, response, route);
        case '/_slipway/login':
          return this.deps.loginHop.start(request, response, route, url.searchParams.get('return') ?? '/');
        case '/_slipway/callback':
          return await this.deps.loginHop.callback(request, response, route, url);
        case '/_slipway/logout':
          return await this.deps.loginHop.logout(request, response);
      }
      if (url.pathname.startsWith('/_slipway/'))
        return sendPage(response, 404, 'Not found', 'Paths under /_slipway/ belong to the gateway.');
      await this.deps.activator.handle(request, response, route.appId);
    } catch (error) {
      this.deps.log.error('gateway control request failed', error);
      sendPage(
        response,
        500,
        'Something went wrong',
        'The gateway could not handle this request. Try again in a moment.',
      );
    }
  }

  private async authCheck(request: IncomingMessage, response: ServerResponse, route: AppRoute): Promise<void> {
    const decision = await this.deps.access.check(route.appId, headerOf(request, 'x-slipway-app-session'));
    if (decision.kind !== 'allow') {
      response.writeHead(decision.kind === 'forbidden' ? 403 : 401, { 'content-length': '0' });
      return void response.end();
    }
    response.writeHead(200, { ...this.deps.signer.headersFor(decision.identity), 'content-length': '0' });
    response.end();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const route = this.deps.routeOf(headerOf(request, 'x-slipway-app-id'));
    if (!route) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    this.deps.activator.handleUpgrade(request, socket, head, route.appId).catch((error: unknown) => {
      this.deps.log.error('gateway activator upgrade failed', error);
      socket.destroy();
    });
  }
}

function headerOf(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value : '';
}
