// Builds the registry on real parts for its integration tests: SQLite, git projects from the
// templates, the real toolchains, the artifact store, and sealed instances (RegistryTestDeployments).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import type { ApiEnv } from '../http/api-env';
import { errorToProblem, problemResponse } from '../http/problem';
import { appRoutes } from '../http/routes/app-routes';
import { backupRoutes } from '../http/routes/backup-routes';
import { publishRoutes } from '../http/routes/publish-routes';
import { IdentityService } from '../identity/identity-service';
import type { Principal } from '../identity/principal';
import type { TenantRole } from '../protocol/identity';
import type { PublishEvent } from '../protocol/apps';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import { writeSandboxIdentityFiles } from '../workspace/sandbox';
import { ProjectService } from '../workspace/project-service';
import { TemplateCatalog } from '../workspace/template-catalog';
import { AppRecords } from './app-records';
import { ArtifactStore } from './artifact-store';
import { DatastoreService } from '../services/datastore/datastore-service';
import { BackupService } from './backup-service';
import { Publisher } from './publisher';
import { RegistryService } from './registry-service';
import { RegistryTestDeployments } from './registry-test-deployments';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Limits small enough for tests to cross them. */
export const TEST_LIMITS = {
  maxFileBytes: 2 << 20,
  maxProjectBytes: 8 << 20,
  maxEntries: 2_000,
  maxUploadBytes: 4 << 20,
};

/** The registry on real parts, with an API that signs requests in by the `x-test-user` header. */
export interface RegistryTestKit {
  dataDir: string;
  db: Kysely<Database>;
  identity: IdentityService;
  projects: ProjectService;
  records: AppRecords;
  artifacts: ArtifactStore;
  publisher: Publisher;
  registry: RegistryService;
  backups: BackupService;
  datastore: DatastoreService;
  deployments: RegistryTestDeployments;
  api: Hono<ApiEnv>;
  /** A member of a tenant (created when new) with the roles, as a principal. */
  member(tenantSlug: string, email: string, roles: TenantRole[]): Promise<{ principal: Principal; tenantId: string }>;
  request(
    principal: Principal,
    method: string,
    apiPath: string,
    init?: { body?: BodyInit; type?: string },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the kit with the given toolchains (build them with createRegistryToolchains or by hand). */
export async function startRegistryTestKit(
  makeToolchains: (dataDir: string) => Promise<ToolchainRegistry>,
): Promise<RegistryTestKit> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-registry-'));
  const db = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'slipway.db') });
  const identity = new IdentityService(db, { N: 1024, r: 8, p: 1 });
  const projects = new ProjectService(
    db,
    identity,
    new TemplateCatalog(path.join(REPO_ROOT, 'templates')),
    path.join(dataDir, 'projects'),
  );
  await projects.recover();
  const toolchains = await makeToolchains(dataDir);
  const identityFiles = await writeSandboxIdentityFiles(path.join(dataDir, 'identity'));
  const records = new AppRecords(db, (app, tenant) => `http://${app}.${tenant}.apps.localhost:8080`);
  const artifacts = new ArtifactStore(path.join(dataDir, 'artifacts'), TEST_LIMITS);
  await artifacts.recover();
  const deployments = new RegistryTestDeployments(toolchains, path.join(dataDir, 'run'), identityFiles);
  const publisher = new Publisher({
    records,
    artifacts,
    toolchains,
    deployments,
    workRoot: path.join(dataDir, 'publish'),
  });
  await publisher.recover();
  const registry = new RegistryService({
    records,
    artifacts,
    publisher,
    deployments,
    identity,
    projects,
    limits: TEST_LIMITS,
    uploadRoot: path.join(dataDir, 'publish', 'uploads'),
    onDidDeleteApp: (appId) => backups.forget(appId),
  });
  const datastore = new DatastoreService(db);
  const backups: BackupService = new BackupService({
    registry,
    records,
    artifacts,
    identity,
    projects,
    workRoot: path.join(dataDir, 'publish', 'backups'),
    bundleRoot: path.join(dataDir, 'registry', 'sources'),
    limits: { maxBackupBytes: 16 << 20, maxArtifactBytes: TEST_LIMITS.maxProjectBytes, maxEntries: 10_000 },
    datastore,
  });
  const principals = new Map<string, Principal>();
  const api = new Hono<ApiEnv>().basePath('/api/v1');
  api.use('*', async (c, next) => {
    const principal = principals.get(c.req.header('x-test-user') ?? '');
    if (!principal) return problemResponse(401, 'not signed in');
    c.set('principal', principal);
    await next();
  });
  api.route('/', publishRoutes({ registry, maxJsonBytes: 1 << 20 }));
  api.route('/', appRoutes({ registry, maxJsonBytes: 1 << 20 }));
  api.route('/', backupRoutes({ backups }));
  api.onError((error) => errorToProblem(error, (message, cause) => console.error(message, cause)));

  return {
    dataDir,
    db,
    identity,
    projects,
    records,
    artifacts,
    publisher,
    registry,
    backups,
    datastore,
    deployments,
    api,
    async member(tenantSlug, email, roles) {
      const tenant =
        (await db.selectFrom('tenants').select('id').where('slug', '=', tenantSlug).executeTakeFirst()) ??
        (await identity.createTenant({ name: tenantSlug, slug: tenantSlug }));
      const member = await identity.addMember(tenant.id, { email, name: email.split('@')[0]!, roles });
      const principal: Principal = {
        userId: member.userId,
        email,
        name: member.name,
        isOperator: false,
        via: 'api-token',
        sessionKey: member.userId,
      };
      principals.set(member.userId, principal);
      return { principal, tenantId: tenant.id };
    },
    request(principal, method, apiPath, init = {}) {
      const headers: Record<string, string> = { 'x-test-user': principal.userId };
      if (init.type) headers['content-type'] = init.type;
      return Promise.resolve(
        api.request(`http://slipway.test/api/v1${apiPath}`, {
          method,
          headers,
          ...(init.body ? { body: init.body } : {}),
        }),
      );
    },
    async close() {
      publisher.dispose();
      await deployments.dispose();
      await Promise.all(Object.values(toolchains).map((toolchain) => toolchain.dispose()));
      await db.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads an NDJSON publish stream to its end. */
export async function publishEvents(response: Response): Promise<PublishEvent[]> {
  if (response.status !== 200) throw new Error(`publish answered ${response.status}: ${await response.text()}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PublishEvent);
}

/** The final event of a publish stream (`done` or `failed`). */
export function finalEvent(events: PublishEvent[]): Extract<PublishEvent, { type: 'done' | 'failed' }> {
  const last = events.at(-1);
  if (last?.type !== 'done' && last?.type !== 'failed')
    throw new Error(`the stream did not end: ${JSON.stringify(events.slice(-3))}`);
  return last;
}
