import { Hono, type Context } from 'hono';
import type { IdentityService } from '../identity/identity-service';
import type { LoginThrottle } from '../identity/login-throttle';
import type { SessionService } from '../identity/session-service';
import type { WorkspaceLimits } from '../config';
import type { ProjectService } from '../workspace/project-service';
import type { TemplateCatalog } from '../workspace/template-catalog';
import type { TerminalService } from '../workspace/terminal-service';
import type { PreviewPersonas } from '../preview/preview-personas';
import type { PreviewAccess } from '../preview/preview-access';
import type { PreviewService } from '../preview/preview-service';
import type { BackupService } from '../registry/backup-service';
import type { RegistryService } from '../registry/registry-service';
import type { AppLoginIssuer } from '../gateway/app-login-issuer';
import type { FileGrants } from '../farm/file-grants';
import type { MessagingService } from '../services/messaging/messaging-service';
import type { ProjectTasks } from '../services/tasks/project-tasks';
import type { ApiEnv } from './api-env';
import { requireAuth } from './auth-middleware';
import { errorToProblem, problemResponse } from './problem';
import { loginRoutes, sessionRoutes } from './routes/auth-routes';
import { gatewayRoutes } from './routes/gateway-routes';
import { fileRoutes } from './routes/file-routes';
import { gitRoutes } from './routes/git-routes';
import { previewRoutes } from './routes/preview-routes';
import { projectRoutes } from './routes/project-routes';
import { tenantRoutes } from './routes/tenant-routes';
import { contractRoutes } from './routes/contract-routes';
import type { ServiceContracts } from '../services/service-contracts';
import type { DbFetchLog } from '../services/urlfetch/db-fetch-log';
import { terminalRoutes } from './routes/terminal-routes';
import { appRoutes } from './routes/app-routes';
import { backupRoutes } from './routes/backup-routes';
import { farmFileRoutes } from './routes/farm-file-routes';
import { linkRoutes } from './routes/link-routes';
import type { UrlLinks } from '../services/urlfetch/url-links';
import { publishRoutes } from './routes/publish-routes';
import { messagingRoutes } from './routes/messaging-routes';
import { taskRoutes } from './routes/task-routes';
import { launcherRoutes } from './routes/launcher-routes';
import type { LauncherService } from '../launcher/launcher-service';

/** The services the REST API is built on. */
export interface ApiDeps {
  identity: IdentityService;
  sessions: SessionService;
  throttle: LoginThrottle;
  projects: ProjectService;
  templates: TemplateCatalog;
  terminals: TerminalService;
  previews: PreviewService;
  previewAccess: PreviewAccess;
  previewPersonas: PreviewPersonas;
  previewOriginOf: (projectId: string) => string;
  /** Issues login codes for app hosts (the gateway's login hop). */
  appLogin: AppLoginIssuer;
  /** Apps, versions and publishes. */
  registry: RegistryService;
  /** App backup export and import. */
  backups: BackupService;
  /** Download grants of the kubernetes driver's pods (public route: the token is the credential). */
  fileGrants: FileGrants;
  /** Tenants' service contracts and their apps' URL fetch log. */
  contracts: ServiceContracts;
  fetchLog: Pick<DbFetchLog, 'recent'>;
  /** URL Link redirects (public: the link is signed). */
  links: Pick<UrlLinks, 'follow'>;
  /** Projects' outboxes and users' in-platform messages. */
  messaging: MessagingService;
  projectTasks: ProjectTasks;
  /** The mobile launcher's view of a user's apps. */
  launcher: LauncherService;
  publicUrl: URL;
  limits: WorkspaceLimits;
  stagingRoot: string;
  clientAddress: (c: Context) => string;
  log: (message: string, error?: unknown) => void;
}

/** Builds the `/api/v1` application: public routes, then everything behind authentication. */
export function createApiApp(deps: ApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>().basePath('/api/v1');
  const maxJsonBytes = deps.limits.maxJsonBytes;
  const authDeps = {
    ...deps,
    maxJsonBytes,
    onDidLogout: (sessionKey: string) => void deps.terminals.killForSession(sessionKey),
  };

  api.route('/', loginRoutes(authDeps));
  api.route('/', gatewayRoutes({ sessions: deps.sessions, issuer: deps.appLogin }));
  api.route('/', farmFileRoutes({ grants: deps.fileGrants }));
  api.route('/', linkRoutes({ links: deps.links }));
  api.use('*', requireAuth(deps.sessions, deps.publicUrl));
  api.route('/', sessionRoutes(authDeps));
  api.route('/', tenantRoutes({ identity: deps.identity, maxJsonBytes }));
  api.route(
    '/',
    contractRoutes({ identity: deps.identity, contracts: deps.contracts, fetchLog: deps.fetchLog, maxJsonBytes }),
  );
  api.route(
    '/',
    projectRoutes({
      projects: deps.projects,
      templates: deps.templates,
      maxJsonBytes,
      onDidCloseProject: (projectId, userId) => void deps.terminals.killForProject(projectId, userId),
      onDidDeleteProject: (projectId) => {
        void deps.terminals.killForProject(projectId);
        void deps.previews.forget(projectId);
      },
    }),
  );
  api.route('/', fileRoutes({ projects: deps.projects, limits: deps.limits, stagingRoot: deps.stagingRoot }));
  api.route('/', gitRoutes({ projects: deps.projects, maxJsonBytes }));
  api.route(
    '/',
    previewRoutes({
      projects: deps.projects,
      previews: deps.previews,
      access: deps.previewAccess,
      personas: deps.previewPersonas,
      originOf: deps.previewOriginOf,
      maxJsonBytes,
    }),
  );
  api.route('/', terminalRoutes({ projects: deps.projects, terminals: deps.terminals, maxJsonBytes }));
  api.route('/', publishRoutes({ registry: deps.registry, maxJsonBytes }));
  api.route('/', appRoutes({ registry: deps.registry, maxJsonBytes }));
  api.route('/', backupRoutes({ backups: deps.backups }));
  api.route('/', messagingRoutes({ messaging: deps.messaging }));
  api.route('/', taskRoutes({ tasks: deps.projectTasks }));
  api.route('/', launcherRoutes({ launcher: deps.launcher }));

  api.notFound((c) => problemResponse(404, `No API route ${c.req.method} ${new URL(c.req.url).pathname}.`));
  api.onError((error) => errorToProblem(error, deps.log));
  return api;
}
