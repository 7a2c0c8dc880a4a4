import path from 'node:path';
import type { Kysely } from 'kysely';
import { appOriginOf, type PlatformConfig } from './config';
import type { DisposableStore } from './core/disposable';
import type { Logger } from './core/logger';
import type { Database } from './db/schema';
import type { Deployments } from './farm/deployments';
import { createDriver } from './farm/drivers/create-driver';
import { Farm } from './farm/farm';
import { FileGrants, fileGrantKeyFile } from './farm/file-grants';
import { AppLoginIssuer } from './gateway/app-login-issuer';
import { AppSessions } from './gateway/app-sessions';
import { Gateway, gatewayLayout } from './gateway/gateway';
import { IdentitySigner } from './gateway/identity-signer';
import { LateAppWaker } from './gateway/late-app-waker';
import type { AppWaker } from './farm/routing';
import type { IdentityService } from './identity/identity-service';
import { AppRecords } from './registry/app-records';
import { ArtifactStore } from './registry/artifact-store';
import { BackupService } from './registry/backup-service';
import { Publisher } from './registry/publisher';
import { RegistryService } from './registry/registry-service';
import type { ToolchainRegistry } from './toolchain/toolchains';
import { UsageMeter } from './usage/usage-meter';
import type { ServicesAttachment } from './services/services-attachment';
import type { AppDatastore } from './registry/backup-service';
import type { ProjectService } from './workspace/project-service';
import type { SandboxIdentityFiles } from './workspace/sandbox';

/** What publishing and serving apps need from the rest of the platform. */
export interface AppHostingDeps {
  db: Kysely<Database>;
  identity: IdentityService;
  projects: ProjectService;
  toolchains: ToolchainRegistry;
  identityFiles: SandboxIdentityFiles;
  /** Connects production instances to the platform services. */
  services: ServicesAttachment;
  /** The apps' datastore, carried in app backups. */
  datastore: AppDatastore;
  log: Logger;
}

/** The parts of app hosting the HTTP layer and the platform's owner hold on to. */
export interface AppHosting {
  registry: RegistryService;
  backups: BackupService;
  appLogin: AppLoginIssuer;
  /** The app gateway (nginx + control plane) when it runs. */
  gateway: Gateway | undefined;
  /** Verifies the download links the kubernetes driver hands its pods (`GET /farm/files/:token`). */
  fileGrants: FileGrants;
  /** Wakes an app's active version and answers a ready instance (tasks call instances directly). */
  waker: AppWaker;
  /** Apps as the mobile launcher lists them (read only). */
  appRecords: Pick<AppRecords, 'liveApps' | 'appDto'>;
}

/**
 * Builds the registry, the farm and (when asked) the gateway with its metering, then reconciles
 * the farm with the database: instances of active versions are adopted or restarted, anything
 * else is stopped (decisions 008, 009). Everything is owned by `owner`.
 */
export async function startAppHosting(
  config: PlatformConfig,
  deps: AppHostingDeps,
  options: { gateway: boolean; deployments?: Deployments },
  owner: DisposableStore,
): Promise<AppHosting> {
  const { db, log } = deps;
  const originOf = (app: string, tenant: string) => appOriginOf(config, app, tenant);
  const appSessions = new AppSessions(db);
  // The farm routes through the gateway and the gateway wakes apps through the farm: bound later.
  const appWaker = new LateAppWaker();
  const gateway = options.gateway
    ? owner.add(
        await Gateway.start({
          dataDir: config.dataDir,
          nginxPath: config.gateway.nginxPath,
          listenHost: config.host,
          listenPort: config.gateway.port,
          appsUrl: config.gateway.appsUrl,
          publicUrl: config.publicUrl,
          sessions: appSessions,
          identity: deps.identity,
          waker: appWaker,
          log,
        }),
      )
    : undefined;
  const signer = gateway?.signer ?? (await IdentitySigner.load(gatewayLayout(config.dataDir).keyFile));

  const fileGrants = new FileGrants(fileGrantKeyFile(config.dataDir));

  // The farm is built before the registry it calls back on a crash loop.
  const late: { registry?: RegistryService } = {};
  const farm = owner.add(
    new Farm({
      db,
      driver: owner.add(
        await createDriver({
          farm: config.farm,
          dataDir: config.dataDir,
          identityFiles: deps.identityFiles,
          fileGrants,
        }),
      ),
      toolchains: deps.toolchains,
      // Without the gateway (tests of other layers) nothing routes app traffic.
      routes: gateway ?? { apply: () => Promise.resolve() },
      runRoot: path.join(config.dataDir, 'run', 'apps'),
      appDataRoot: path.join(config.dataDir, 'farm', 'app-data'),
      hostOf: (app, tenant) => new URL(originOf(app, tenant)).hostname,
      instanceEnv: { SLIPWAY_IDENTITY_PUBLIC_KEY: signer.publicKeyBase64 },
      services: deps.services,
      switchBack: (appId, unhealthy) => late.registry?.switchBack(appId, unhealthy) ?? Promise.resolve(false),
      log,
    }),
  );
  appWaker.bind(farm);
  if (gateway) {
    // Metering reads nginx's access log; it also tells the farm about each app's traffic.
    const usage = owner.add(
      new UsageMeter({
        db,
        accessLog: gateway.layout.accessLog,
        reopenLogs: () => gateway.nginx.reopenLogs(),
        traffic: appWaker,
        retentionDays: config.gateway.usageRetentionDays,
        log,
      }),
    );
    usage.start();
  }

  const { registry, backups, records } = await startRegistry(config, deps, options.deployments ?? farm, owner);
  late.registry = registry;
  await farm.start(await registry.activeVersions());
  return {
    registry,
    backups,
    appLogin: new AppLoginIssuer(db, appSessions, originOf),
    gateway,
    fileGrants,
    waker: farm,
    appRecords: records,
  };
}

async function startRegistry(
  config: PlatformConfig,
  deps: AppHostingDeps,
  deployments: Deployments,
  owner: DisposableStore,
): Promise<{ registry: RegistryService; backups: BackupService; records: AppRecords }> {
  const root = path.join(config.dataDir, 'registry');
  const records = new AppRecords(deps.db, (app, tenant) => appOriginOf(config, app, tenant));
  const artifacts = new ArtifactStore(path.join(root, 'artifacts'), config.limits);
  await artifacts.recover();
  const publisher = owner.add(
    new Publisher({ records, artifacts, toolchains: deps.toolchains, deployments, workRoot: path.join(root, 'work') }),
  );
  // Settles publishes a crash interrupted before the farm reconciles what serves.
  await publisher.recover();
  const late: { backups?: BackupService } = {};
  const registry = new RegistryService({
    records,
    artifacts,
    publisher,
    deployments,
    identity: deps.identity,
    projects: deps.projects,
    limits: config.limits,
    uploadRoot: path.join(root, 'work', 'uploads'),
    onDidDeleteApp: (appId) => late.backups?.forget(appId) ?? Promise.resolve(),
  });
  late.backups = new BackupService({
    registry,
    records,
    artifacts,
    identity: deps.identity,
    projects: deps.projects,
    workRoot: path.join(root, 'work', 'backups'),
    bundleRoot: path.join(root, 'sources'),
    limits: {
      maxBackupBytes: 4 * config.limits.maxUploadBytes,
      maxArtifactBytes: config.limits.maxProjectBytes,
      maxEntries: 100_000,
    },
    datastore: deps.datastore,
  });
  return { registry, backups: late.backups, records };
}
