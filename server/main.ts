import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConnInfo } from '@hono/node-server/conninfo';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { appOriginOf, previewOriginOf, readConfig, type PlatformConfig } from './config';
import { DisposableStore, toDisposable } from './core/disposable';
import { createConsoleLogger, type Logger } from './core/logger';
import { databaseLocationFrom, openDatabase } from './db/database';
import { createApiApp } from './http/api-app';
import { LauncherService } from './launcher/launcher-service';
import type { ApiEnv } from './http/api-env';
import { registerLanguageSocket } from './http/routes/language-routes';
import { registerPreviewSocket } from './http/routes/preview-routes';
import { registerTerminalSocket } from './http/routes/terminal-routes';
import { WebSocketRouter } from './http/websocket-router';
import { bootstrapInstallation, type BootstrapResult } from './identity/bootstrap';
import { IdentityService } from './identity/identity-service';
import { LoginThrottle } from './identity/login-throttle';
import type { PasswordHashCost } from './identity/password';
import { SessionService } from './identity/session-service';
import { PythonLanguageServers } from './languages/python-language-server';
import { PreviewAccess } from './preview/preview-access';
import { previewIdentityOf } from './preview/preview-identity';
import { PreviewPersonas } from './preview/preview-personas';
import { PreviewProxy } from './preview/preview-proxy';
import { PreviewService } from './preview/preview-service';
import type { Gateway } from './gateway/gateway';
import type { Deployments } from './farm/deployments';
import { startServicesHosting, type ServicesHosting } from './services-hosting';
import type { PlatformEnv } from './http/platform/platform-env';
import type { PushEndpoint } from './http/push/push-endpoint';
import { PUSH_BASE } from './protocol/push';
import { startAppHosting } from './app-hosting';
import { InstanceTaskTargets } from './services/tasks/instance-task-targets';
import { createToolchains, type ToolchainRegistry } from './toolchain/toolchains';
import { writeSandboxIdentityFiles } from './workspace/sandbox';
import { ProjectService } from './workspace/project-service';
import { TemplateCatalog } from './workspace/template-catalog';
import { TerminalService } from './workspace/terminal-service';

/** A running platform: its API (usable in-process), its HTTP server when listening, and its owner. */
export interface Platform {
  config: PlatformConfig;
  api: Hono<ApiEnv>;
  server: Server | undefined;
  bootstrap: BootstrapResult;
  /** The app gateway (nginx + control plane) when started with `gateway: true`. */
  gateway: Gateway | undefined;
  /** The platform services behind `/_platform/v1` (contracts, the URL fetch log, the datastore). */
  services: ServicesHosting;
  dispose(): Promise<void>;
}

/** Options for tests: skip the web UI, listen or not, cheaper password hashing. */
export interface StartOptions {
  web: boolean;
  listen: boolean;
  passwordCost?: PasswordHashCost;
  log?: Logger;
  /** Replaces the Java and Python toolchains (tests of the preview layer alone). */
  toolchains?: ToolchainRegistry;
  /** Runs the app gateway (nginx on config.gateway.port); tests leave it off unless they need it. */
  gateway?: boolean;
  /** Replaces the farm as the registry's way to serve versions (tests of the registry alone). */
  deployments?: Deployments;
}

/** The composition root: builds every service in dependency order and wires the roles. */
export async function startPlatform(config: PlatformConfig, options: StartOptions): Promise<Platform> {
  const log = options.log ?? createConsoleLogger();
  const owner = new DisposableStore({
    slowerThanMs: 2000,
    report: (item, ms, finished) =>
      log.warn(
        finished ? `shutdown: releasing ${item} took ${ms} ms` : `shutdown: still releasing ${item} after ${ms} ms`,
      ),
  });
  try {
    const db = await openDatabase(databaseLocationFrom(config.databaseUrl, config.dataDir));
    owner.add(toDisposable(() => db.destroy()));
    const identity = new IdentityService(db, options.passwordCost);
    const sessions = new SessionService(db);
    const templates = new TemplateCatalog(config.templatesDir);
    const projects = new ProjectService(db, identity, templates, path.join(config.dataDir, 'projects'), {
      allowPrivateHosts: config.gitAllowPrivateHosts,
    });
    await projects.recover();
    const stagingRoot = path.join(config.dataDir, 'staging');
    // Half-unpacked uploads from before a crash are never needed again.
    await rm(stagingRoot, { recursive: true, force: true });
    const terminals = owner.add(
      new TerminalService({
        detachedGraceMs: config.terminalGraceMs,
        runtimeDir: path.join(config.dataDir, 'run', 'terminals'),
        env: { SLIPWAY_URL: config.publicUrl.origin },
      }),
    );
    const bootstrap = await bootstrapInstallation(identity, config.admin, log);
    const previewAccess = new PreviewAccess(db);
    const previewPersonas = new PreviewPersonas();
    const originOf = (projectId: string) => previewOriginOf(config, projectId);
    const previewRunRoot = path.join(config.dataDir, 'run', 'previews');
    await rm(previewRunRoot, { recursive: true, force: true }); // instances died with the last process
    const identityFiles = await writeSandboxIdentityFiles(path.join(config.dataDir, 'run', 'identity'));
    const toolchains =
      options.toolchains ??
      (await createToolchains({ dataDir: config.dataDir, identityFiles, log: (line) => log.info(line) }));
    const services = await startServicesHosting(config, { db, identity, projects, log }, owner);
    const previews = owner.add(
      new PreviewService({
        runRoot: previewRunRoot,
        toolchains,
        originOf,
        identityFiles,
        services: services.attachment,
      }),
    );
    const previewProxy = new PreviewProxy({
      access: previewAccess,
      previews,
      mayOpen: (userId, projectId) => projects.mayOpen(userId, projectId),
      identity: {
        of: (visitor) => previewIdentityOf({ db, identity }, visitor),
        personaOf: (visitor) => previewPersonas.of(visitor.userId, visitor.projectId),
        sign: (verified) => services.identitySigner.headersFor(verified),
      },
      ideOrigin: config.publicUrl.origin,
      previewDomain: config.previewDomain,
      log,
    });

    const hosting = await startAppHosting(
      config,
      {
        db,
        identity,
        projects,
        toolchains,
        identityFiles,
        services: services.attachment,
        datastore: services.datastore,
        log,
      },
      { gateway: options.gateway ?? false, ...(options.deployments ? { deployments: options.deployments } : {}) },
      owner,
    );
    services.startTasks(
      new InstanceTaskTargets({
        db,
        waker: hosting.waker,
        previews,
        appOriginOf: (app, tenant) => appOriginOf(config, app, tenant),
      }),
    );

    const api = createApiApp({
      identity,
      sessions,
      throttle: new LoginThrottle(db),
      projects,
      templates,
      terminals,
      previews,
      previewAccess,
      previewPersonas,
      previewOriginOf: originOf,
      appLogin: hosting.appLogin,
      registry: hosting.registry,
      backups: hosting.backups,
      fileGrants: hosting.fileGrants,
      contracts: services.contracts,
      fetchLog: services.fetchLog,
      links: services.links,
      messaging: services.messaging,
      projectTasks: services.projectTasks,
      launcher: new LauncherService({
        identity,
        records: hosting.appRecords,
        contracts: services.contracts,
        push: services.pushService,
        warn: (message) => log.warn(message),
      }),
      publicUrl: config.publicUrl,
      limits: config.limits,
      stagingRoot,
      clientAddress: (c) => {
        try {
          return getConnInfo(c).remote.address ?? 'unknown';
        } catch {
          return 'in-process';
        }
      },
      log: (message, error) => log.error(message, error),
    });
    const sockets = owner.add(new WebSocketRouter(sessions, config.publicUrl, log));
    registerTerminalSocket(sockets, { projects, terminals });
    registerPreviewSocket(sockets, { projects, previews });
    registerLanguageSocket(sockets, { projects, python: owner.add(new PythonLanguageServers({ identityFiles, log })) });

    const server = options.listen
      ? await listen(
          config,
          { api, platformServices: services.app, push: services.push, sockets, previewProxy, web: options.web },
          log,
          owner,
        )
      : undefined;
    return { config, api, server, bootstrap, gateway: hosting.gateway, services, dispose: () => owner.dispose() };
  } catch (error) {
    await owner.dispose();
    throw error;
  }
}

/** What the HTTP server routes to. */
interface Roles {
  api: Hono<ApiEnv>;
  /** `/_platform/v1` for instances that cannot share the services socket (Kubernetes pods). */
  platformServices: Hono<PlatformEnv>;
  /** Push for app pages: the client script and the socket, authenticated by channel tokens (not sessions). */
  push: PushEndpoint;
  sockets: WebSocketRouter;
  previewProxy: PreviewProxy;
  web: boolean;
}

async function listen(config: PlatformConfig, roles: Roles, log: Logger, owner: DisposableStore): Promise<Server> {
  const { sockets, previewProxy } = roles;
  const apiListener = getRequestListener(roles.api.fetch);
  const platformListener = getRequestListener(roles.platformServices.fetch);
  const pushListener = getRequestListener(roles.push.app.fetch);
  const webHandler = roles.web ? await startNext(config, owner) : undefined;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // Preview origins are told apart by host name, before anything of the IDE's origin.
    const previewProject = previewProxy.projectIdOf(request.headers.host);
    if (previewProject) return void previewProxy.handle(request, response, previewProject);
    const url = request.url ?? '/';
    if (url === '/healthz') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (url.startsWith('/_platform/')) return void platformListener(request, response);
    if (url.startsWith(`${PUSH_BASE}/`)) return void pushListener(request, response);
    if (url.startsWith('/api/') || !webHandler) return void apiListener(request, response);
    void webHandler(request, response);
  });
  server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    // App pages' push sockets carry a channel token instead of a session (see PushEndpoint).
    if (roles.push.owns(pathname)) return void roles.push.handleUpgrade(request, socket, head);
    if (sockets.owns(pathname)) return void sockets.handleUpgrade(request, socket, head);
    // Next's dev server attaches its own upgrade listener for HMR; anything else is ours to end.
    if (!(config.dev && pathname.startsWith('/_next/'))) socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  owner.add(
    toDisposable(async () => {
      // Upgraded sockets keep server.close() waiting: end them first.
      sockets.dispose();
      await roles.push.closeConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(`Slipway is listening on http://${config.host}:${port} (public URL ${config.publicUrl.href})`);
  return server;
}

async function startNext(
  config: PlatformConfig,
  owner: DisposableStore,
): Promise<(request: IncomingMessage, response: ServerResponse) => Promise<void>> {
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  const { default: next } = await import('next');
  const app = next({
    dev: config.dev,
    dir: path.dirname(config.templatesDir),
    hostname: config.host,
    port: config.port,
  });
  await app.prepare();
  owner.add(toDisposable(() => app.close()));
  return app.getRequestHandler();
}

async function runFromCommandLine(): Promise<void> {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const log = createConsoleLogger();
  const config = readConfig(process.argv.slice(2), process.env, repoRoot);
  const platform = await startPlatform(config, { web: true, listen: true, gateway: true, log });
  if (platform.bootstrap.generatedPassword) {
    process.stdout.write(
      `\nFirst start: sign in as ${config.admin.email} with the password\n\n    ${platform.bootstrap.generatedPassword}\n\n` +
        'It is shown only this once. Set SLIPWAY_ADMIN_PASSWORD on the first start to choose it.\n\n',
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    const started = Date.now();
    platform.dispose().then(
      () => {
        log.info(`stopped in ${Date.now() - started} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runFromCommandLine().catch((error: unknown) => {
    process.stderr.write(
      `Slipway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
