import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DisposableStore, toDisposable, type Disposable } from '../core/disposable';
import type { Logger } from '../core/logger';
import type { AppRoute, AppWaker, RouteSink } from '../farm/routing';
import type { IdentityService } from '../identity/identity-service';
import { Activator } from './activator';
import { AppAccessChecker } from './app-access';
import type { AppSessions } from './app-sessions';
import { ControlServer } from './control-server';
import { GatewayRouter } from './gateway-router';
import { IdentitySigner } from './identity-signer';
import { LoginHop } from './login-hop';
import type { NginxLayout } from './nginx-config';
import { NginxProcess } from './nginx-process';
import { UpstreamSlots } from './upstream-slots';

/** What the gateway is built from. */
export interface GatewayOptions {
  /** The platform's data directory: nginx lives in `<dataDir>/gateway`, the control socket in `<dataDir>/run/gateway`. */
  dataDir: string;
  nginxPath: string;
  listenHost: string;
  listenPort: number;
  /** Public base of app URLs (its scheme decides X-Forwarded-Proto and Secure cookies). */
  appsUrl: URL;
  /** The platform's public URL, where the login hop sends users to sign in. */
  publicUrl: URL;
  /** App-host sessions, shared with the platform's half of the login hop. */
  sessions: AppSessions;
  identity: Pick<IdentityService, 'rolesIn' | 'getUser'>;
  waker: AppWaker;
  log: Logger;
  workerProcesses?: number;
  maxBodyBytes?: number;
  authCacheSeconds?: number;
  wakeTimeoutMs?: number;
}

/** Where the gateway keeps its files under the data directory. */
export function gatewayLayout(dataDir: string): NginxLayout & { keyFile: string; slotsDir: string } {
  const prefixDir = path.join(dataDir, 'gateway');
  return {
    prefixDir,
    controlSocket: path.join(dataDir, 'run', 'gateway', 'control.sock'),
    statusSocket: path.join(prefixDir, 'run', 'status.sock'),
    accessLog: path.join(prefixDir, 'logs', 'access.log'),
    keyFile: path.join(prefixDir, 'identity-key.pem'),
    slotsDir: path.join(prefixDir, 'slots'),
  };
}

/**
 * The gateway: nginx as the data plane (a supervised child, configured from the routing
 * table) and the Node control plane on a Unix socket (access checks, login hop, activator).
 */
export class Gateway implements RouteSink, Disposable {
  private constructor(
    private readonly owner: DisposableStore,
    readonly router: GatewayRouter,
    readonly nginx: NginxProcess,
    readonly sessions: AppSessions,
    readonly signer: IdentitySigner,
    readonly layout: NginxLayout,
  ) {}

  static async start(options: GatewayOptions): Promise<Gateway> {
    const layout = gatewayLayout(options.dataDir);
    for (const dir of ['logs', 'temp', 'run']) await mkdir(path.join(layout.prefixDir, dir), { recursive: true });
    const owner = new DisposableStore();
    try {
      const signer = await IdentitySigner.load(layout.keyFile);
      const sessions = options.sessions;
      const nginx = new NginxProcess({
        nginxPath: options.nginxPath,
        prefixDir: layout.prefixDir,
        statusSocket: layout.statusSocket,
        log: options.log,
      });
      const secure = options.appsUrl.protocol === 'https:';
      const router = new GatewayRouter({
        nginx,
        config: {
          layout,
          listenHost: options.listenHost,
          listenPort: options.listenPort,
          publicScheme: secure ? 'https' : 'http',
          workerProcesses: options.workerProcesses ?? 2,
          workersAsRoot: process.getuid?.() === 0,
          maxBodyBytes: options.maxBodyBytes ?? 50 * 1024 * 1024,
          authCacheSeconds: options.authCacheSeconds ?? 5,
        },
        slots: new UpstreamSlots(layout.slotsDir, layout.controlSocket),
      });
      const routeOf = (appId: string) => router.routeOf(appId);
      const activator = owner.add(
        new Activator({ waker: options.waker, log: options.log, wakeTimeoutMs: options.wakeTimeoutMs }),
      );
      owner.add(
        await ControlServer.listen({
          socketPath: layout.controlSocket,
          routeOf,
          access: new AppAccessChecker({ sessions, identity: options.identity, routeOf }),
          signer,
          loginHop: new LoginHop({ sessions, publicUrl: options.publicUrl, secureCookies: secure }),
          activator,
          log: options.log,
        }),
      );
      await router.writeInitialConfig();
      owner.add(nginx);
      await nginx.start();
      const sweep = setInterval(() => void sessions.deleteExpired().catch(() => undefined), 10 * 60_000);
      owner.add(toDisposable(() => clearInterval(sweep)));
      return new Gateway(owner, router, nginx, sessions, signer, layout);
    } catch (error) {
      await owner.dispose();
      throw error;
    }
  }

  apply(routes: readonly AppRoute[]): Promise<void> {
    return this.router.apply(routes);
  }

  /** Stops nginx gracefully (in-flight requests finish), then the control plane. */
  dispose(): Promise<void> {
    return this.owner.dispose();
  }
}
