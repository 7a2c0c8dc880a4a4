import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { PlatformConfig } from './config';
import type { DisposableStore } from './core/disposable';
import { invalidInput } from './core/errors';
import type { Logger } from './core/logger';
import type { Database } from './db/schema';
import { gatewayLayout } from './gateway/gateway';
import { IDENTITY_PUBLIC_KEY_ENV, IdentitySigner } from './gateway/identity-signer';
import type { PlatformEnv } from './http/platform/platform-env';
import { createPlatformServicesApp } from './http/platform/platform-services-app';
import { loadPushClientScript, pushUrlsOf } from './http/push/push-client-script';
import { PushEndpoint } from './http/push/push-endpoint';
import { ServicesSocketServer } from './http/platform/services-socket-server';
import type { IdentityService } from './identity/identity-service';
import { appManifestFileName } from './protocol/app-manifest';
import { LAUNCHER_INBOX_CHANNEL, type LauncherInboxNotice } from './protocol/launcher';
import { parseDatastoreIndexes } from './services/datastore/datastore-indexes';
import { DatastoreService } from './services/datastore/datastore-service';
import type { DatastoreIndex } from './services/datastore/datastore-types';
import { ImageService } from './services/images/image-service';
import { InstanceTokens } from './services/instance-tokens';
import { PushChannelTokens } from './services/push/push-channel-tokens';
import { PushHub } from './services/push/push-hub';
import { PushLauncherTokens } from './services/push/push-launcher-tokens';
import { PushMessageStore } from './services/push/push-message-store';
import { PushService } from './services/push/push-service';
import { MessagingService, type RecordedUserMessage } from './services/messaging/messaging-service';
import { SmtpMailTransport } from './services/messaging/smtp-mail-transport';
import { ServiceContracts } from './services/service-contracts';
import type { ServiceScope } from './services/service-scope';
import { SocketServicesAttachment, type ServicesAttachment } from './services/services-attachment';
import { CronScheduler } from './services/tasks/cron-scheduler';
import { TaskDispatcher } from './services/tasks/task-dispatcher';
import { ProjectTasks } from './services/tasks/project-tasks';
import { TaskQueue } from './services/tasks/task-queue';
import type { TaskTargets } from './services/tasks/task-targets';
import { DbFetchLog } from './services/urlfetch/db-fetch-log';
import { UrlFetcher } from './services/urlfetch/url-fetcher';
import { UrlLinks } from './services/urlfetch/url-links';
import type { ProjectService } from './workspace/project-service';

/** What the platform services need from the rest of the platform. */
export interface ServicesHostingDeps {
  db: Kysely<Database>;
  identity: IdentityService;
  projects: Pick<ProjectService, 'dirOf' | 'open'>;
  log: Logger;
}

/** The platform services as the rest of the platform sees them. */
export interface ServicesHosting {
  /** Connects an instance's launch spec to the services (socket and token). */
  attachment: ServicesAttachment;
  /** `/_platform/v1`, also mounted on the platform's port for pods. */
  app: Hono<PlatformEnv>;
  contracts: ServiceContracts;
  fetchLog: DbFetchLog;
  /** URL Link: signed, logged, policy-checked ways out to other sites. */
  links: UrlLinks;
  datastore: DatastoreService;
  /** Push for app pages on the platform's own origin: the client script and the socket. */
  push: PushEndpoint;
  /** The push service (the mobile launcher gets its token from it). */
  pushService: PushService;
  /** Mail and in-platform messages; the IDE reads the outbox and users their messages through it. */
  messaging: MessagingService;
  /** The installation's identity key: signs identity headers and task calls that apps verify. */
  identitySigner: IdentitySigner;
  /** The apps' task queues (enqueue, dead letters). */
  tasks: TaskQueue;
  /** A project's tasks as the IDE shows them. */
  projectTasks: ProjectTasks;
  /**
   * Starts delivering tasks and running cron once instances can be reached: the composition root
   * calls it after the previews and the farm exist (both owned before the dispatcher, so it stops first).
   */
  startTasks(targets: TaskTargets): void;
}

/** Builds the platform services and serves them on the services socket every sandbox sees. */
export async function startServicesHosting(
  config: PlatformConfig,
  deps: ServicesHostingDeps,
  owner: DisposableStore,
): Promise<ServicesHosting> {
  const { db, log } = deps;
  // The gateway signs identity headers with this key; forwarded headers are checked against it.
  const signer = await IdentitySigner.load(gatewayLayout(config.dataDir).keyFile);
  const tokens = new InstanceTokens(path.join(config.dataDir, 'services', 'tokens.key'));
  const contracts = new ServiceContracts(db);
  const fetchLog = new DbFetchLog(db);
  const links = new UrlLinks(path.join(config.dataDir, 'services', 'links.key'), {
    publicUrl: config.publicUrl,
    contracts,
    log: fetchLog,
  });
  const datastore = new DatastoreService(db, { indexesFor: declaredIndexes(db, deps.projects) });
  const push = await startPush(config, { db, contracts, members: deps.identity, log }, owner);
  const messaging = new MessagingService({
    db,
    identity: deps.identity,
    projects: deps.projects,
    transport: config.mail.smtpUrl ? owner.add(new SmtpMailTransport(config.mail.smtpUrl)) : undefined,
    from: config.mail.from,
    mailsPerHour: config.mail.perHour,
    warn: (message) => log.warn(message),
    onDidMessage: (message) => announceToLaunchers(push.hub, message),
  });
  const tasks = owner.add(new TaskQueue(db));
  const app = createPlatformServicesApp({
    tokens,
    contracts,
    identityPublicKey: signer.publicKeyBase64,
    identity: deps.identity,
    datastore,
    images: owner.add(new ImageService({ log })),
    fetcher: new UrlFetcher({ log: fetchLog, logger: log }),
    links,
    push: push.service,
    messaging,
    tasks,
    log: (message, error) => log.error(message, error),
  });
  const socket = owner.add(await ServicesSocketServer.listen(path.join(config.dataDir, 'run', 'services'), app));
  return {
    // Previews get the key too: apps verify identity and task signatures with it.
    attachment: new SocketServicesAttachment(tokens, socket.dir, { [IDENTITY_PUBLIC_KEY_ENV]: signer.publicKeyBase64 }),
    app,
    contracts,
    fetchLog,
    links,
    datastore,
    messaging,
    push: push.endpoint,
    pushService: push.service,
    identitySigner: signer,
    tasks,
    projectTasks: new ProjectTasks({ db, projects: deps.projects, queue: tasks }),
    startTasks: (targets) => {
      const dispatcher = owner.add(
        new TaskDispatcher({
          store: tasks.store,
          targets,
          sign: (text) => signer.sign(text),
          log,
          onDidEnqueue: tasks.onDidEnqueue,
        }),
      );
      const cron = owner.add(
        new CronScheduler({ db, queue: tasks, servicesOf: (tenantId) => contracts.servicesOf(tenantId), log }),
      );
      dispatcher.start();
      cron.start();
    },
  };
}

/**
 * The composite indexes an app declared in slipway.json: the active version's manifest in
 * production, the working tree's in preview (so a developer can add one and query at once).
 */
function declaredIndexes(
  db: Kysely<Database>,
  projects: Pick<ProjectService, 'dirOf'>,
): (scope: ServiceScope) => Promise<DatastoreIndex[]> {
  return async (scope) => {
    const text =
      scope.environment === 'production'
        ? (
            await db
              .selectFrom('apps')
              .innerJoin('app_versions', 'app_versions.id', 'apps.active_version_id')
              .select('app_versions.manifest')
              .where('apps.id', '=', scope.appId)
              .executeTakeFirst()
          )?.manifest
        : await readFile(path.join(projects.dirOf(scope.appId), appManifestFileName), 'utf8').catch(() => undefined);
    if (text === undefined) return [];
    try {
      return parseDatastoreIndexes(JSON.parse(text) as unknown);
    } catch (error) {
      if (error instanceof SyntaxError)
        throw invalidInput(`${appManifestFileName} is not valid JSON: ${error.message}`);
      throw error;
    }
  };
}

/** Push: the hub of live sockets, the service apps call, and the endpoint pages and launchers connect to. */
async function startPush(
  config: PlatformConfig,
  deps: { db: Kysely<Database>; contracts: ServiceContracts; members: Pick<IdentityService, 'rolesIn'>; log: Logger },
  owner: DisposableStore,
): Promise<{ hub: PushHub; service: PushService; endpoint: PushEndpoint }> {
  const { db, log } = deps;
  const store = new PushMessageStore(db);
  const hub = owner.add(new PushHub({ queue: store, log }));
  const urls = pushUrlsOf(config.publicUrl);
  const service = owner.add(
    new PushService({
      tokens: new PushChannelTokens(path.join(config.dataDir, 'services', 'push.key')),
      launcherTokens: new PushLauncherTokens(path.join(config.dataDir, 'services', 'push-launcher.key')),
      store,
      hub,
      clientScriptUrl: urls.clientScript,
      log,
    }),
  );
  const clientScript = await loadPushClientScript(urls.socket);
  const endpoint = owner.add(
    new PushEndpoint({ push: service, hub, contracts: deps.contracts, members: deps.members, clientScript, log }),
  );
  return { hub, service, endpoint };
}

/** A new in-platform message: the recipient's open launchers hear of it (and read it from the API). */
function announceToLaunchers(hub: PushHub, message: RecordedUserMessage): void {
  const notice: LauncherInboxNotice = { messageId: message.id, subject: message.subject };
  hub.notifyLaunchers(message.tenantId, message.recipientId, LAUNCHER_INBOX_CHANNEL, {
    id: message.id,
    sentAt: message.createdAt,
    body: JSON.stringify(notice),
  });
}
