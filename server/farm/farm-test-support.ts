/**
 * Test-only helpers for the farm's integration tests: templates built by the real toolchains
 * into artifact folders, a database with a tenant and apps, HTTP over an instance's socket, and
 * a RouteSink that records every table.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { openDatabase } from '../db/database';
import { createTestDatabase, type TestDatabase } from '../test-support/test-databases';
import type { Database } from '../db/schema';
import { parseAppManifest, type AppManifest } from '../protocol/app-manifest';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import type { Logger } from '../core/logger';
import type { VersionToServe } from './deployments';
import { ProcessDriver } from './drivers/process-driver';
import { Farm } from './farm';
import type { FarmOptions, FarmTiming } from './farm-options';
import type { InstanceEndpoint } from './driver';
import type { AppRoute, RouteSink } from './routing';

/** The repository's templates/ folder. */
export const templatesRoot = fileURLToPath(new URL('../../templates', import.meta.url));

/** A template built for production into `<root>/<name>/artifact`. */
export async function buildArtifact(
  toolchains: ToolchainRegistry,
  template: string,
  root: string,
  edit?: (projectDir: string, manifest: AppManifest) => Promise<AppManifest | void>,
): Promise<{ artifactDir: string; manifest: AppManifest }> {
  const dir = path.join(root, `${template}-${randomBytes(4).toString('hex')}`);
  const projectDir = path.join(dir, 'project');
  const artifactDir = path.join(dir, 'artifact');
  await cp(path.join(templatesRoot, template), projectDir, { recursive: true });
  await mkdir(artifactDir, { recursive: true });
  let manifest = parseAppManifest(await readFile(path.join(projectDir, 'slipway.json'), 'utf8'));
  manifest = (await edit?.(projectDir, manifest)) ?? manifest;
  const toolchain = toolchains[manifest.runtime];
  const result = await toolchain.build({
    projectDir,
    outputDir: artifactDir,
    manifest,
    signal: new AbortController().signal,
    log: () => undefined,
  });
  if (!result.ok) throw new Error(`${template} does not build: ${JSON.stringify(result.diagnostics)}`);
  await toolchain.releaseProject?.(projectDir);
  return { artifactDir, manifest };
}

/** A database with one tenant, one user and helpers to add apps and versions. */
export class FarmTestDatabase {
  private constructor(
    readonly db: Kysely<Database>,
    readonly tenantId: string,
    readonly userId: string,
    private readonly database: TestDatabase,
  ) {}

  /** A fresh database of the dialect (SQLite in `dir`, or a new PostgreSQL database). */
  static async open(dir: string, dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<FarmTestDatabase> {
    const database = await createTestDatabase(dialect, dir);
    const db = await openDatabase(database.location);
    const now = new Date().toISOString();
    const tenantId = `t-${randomBytes(4).toString('hex')}`;
    const userId = `u-${randomBytes(4).toString('hex')}`;
    await db.insertInto('tenants').values({ id: tenantId, slug: 'acme', name: 'Acme', created_at: now }).execute();
    await db
      .insertInto('users')
      .values({
        id: userId,
        email: `${userId}@example.test`,
        name: 'Tester',
        password_hash: null,
        is_operator: 0,
        invitation_token_hash: null,
        created_at: now,
      })
      .execute();
    return new FarmTestDatabase(db, tenantId, userId, database);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.database.drop();
  }

  /** Adds an app row; returns its id. */
  async addApp(slug: string, runtime: AppManifest['runtime']): Promise<string> {
    const id = `a-${randomBytes(4).toString('hex')}`;
    await this.db
      .insertInto('apps')
      .values({
        id,
        tenant_id: this.tenantId,
        slug,
        title: slug,
        runtime,
        project_id: null,
        active_version_id: null,
        created_by: this.userId,
        created_at: new Date().toISOString(),
      })
      .execute();
    return id;
  }

  /** Adds a ready version row and returns what the registry would hand the farm. */
  async addVersion(
    appId: string,
    number: number,
    artifact: { artifactDir: string; manifest: AppManifest },
  ): Promise<VersionToServe> {
    const id = `v-${randomBytes(4).toString('hex')}`;
    const app = await this.db.selectFrom('apps').selectAll().where('id', '=', appId).executeTakeFirstOrThrow();
    await this.db
      .insertInto('app_versions')
      .values({
        id,
        app_id: appId,
        number,
        state: 'ready',
        health: 'unknown',
        source: 'cli',
        commit_sha: null,
        artifact_hash: null,
        artifact_bytes: null,
        manifest: JSON.stringify(artifact.manifest),
        build_log: '',
        created_by: this.userId,
        created_at: new Date().toISOString(),
      })
      .execute();
    return {
      appId,
      tenantId: this.tenantId,
      appSlug: app.slug,
      tenantSlug: 'acme',
      versionId: id,
      versionNumber: number,
      manifest: artifact.manifest,
      artifactDir: artifact.artifactDir,
    };
  }

  /** What the registry's commit does: record the version as the app's active one. */
  commitOf(version: VersionToServe): () => Promise<void> {
    return async () => {
      await this.db
        .updateTable('apps')
        .set({ active_version_id: version.versionId })
        .where('id', '=', version.appId)
        .execute();
    };
  }

  async versionHealth(versionId: string): Promise<string> {
    const row = await this.db
      .selectFrom('app_versions')
      .select('health')
      .where('id', '=', versionId)
      .executeTakeFirstOrThrow();
    return row.health;
  }
}

/** Records every routing table the farm pushes. */
export class RecordingRouteSink implements RouteSink {
  readonly tables: (readonly AppRoute[])[] = [];

  apply(routes: readonly AppRoute[]): Promise<void> {
    this.tables.push(structuredClone(routes));
    return Promise.resolve();
  }

  /** The app's route in the latest table. */
  current(appId: string): AppRoute | undefined {
    return this.tables.at(-1)?.find((route) => route.appId === appId);
  }
}

/** GET over an instance endpoint (Unix socket). */
export function httpGet(
  endpoint: InstanceEndpoint,
  urlPath: string,
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const target =
      endpoint.kind === 'unix' ? { socketPath: endpoint.path } : { host: endpoint.host, port: endpoint.port };
    const outgoing = request({ ...target, path: urlPath, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: response.headers,
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.on('timeout', () => outgoing.destroy(new Error(`GET ${urlPath} timed out`)));
    outgoing.end();
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` (generous; no timing claims). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** A logger for tests: collects lines instead of printing them. */
export function collectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => void lines.push(`info ${message}`),
    warn: (message) => void lines.push(`warn ${message}`),
    error: (message, error) => void lines.push(`error ${message} ${error instanceof Error ? error.message : ''}`),
  };
}

/** Quick timings so the tests do not wait for production defaults. */
export const TEST_FARM_TIMING: Partial<FarmTiming> = {
  backoffMs: [100, 200],
  crashLoopExits: 3,
  crashLoopWindowMs: 120_000,
  readyTimeoutMs: 30_000,
  drainMs: 300,
  stopGraceMs: 1_000,
  scaleTickMs: 100,
  scaleInQuietMs: 500,
};

/** Builds Farms over one database and folder, each with its own driver (as a restarted platform would). */
export async function farmFixture(
  root: string,
  toolchains: ToolchainRegistry,
  dialect: 'sqlite' | 'postgres' = 'sqlite',
): Promise<{
  data: FarmTestDatabase;
  makeFarm: (
    overrides?: Partial<FarmOptions>,
  ) => Promise<{ farm: Farm; sink: RecordingRouteSink; driver: ProcessDriver }>;
}> {
  const data = await FarmTestDatabase.open(root, dialect);
  const makeFarm = (overrides: Partial<FarmOptions> = {}) => createTestFarm(root, data.db, toolchains, overrides);
  return { data, makeFarm };
}

/** A Farm whose folders live under `root` (so another process, or a later Farm, finds its instances). */
export async function createTestFarm(
  root: string,
  db: Kysely<Database>,
  toolchains: ToolchainRegistry,
  overrides: Partial<FarmOptions> = {},
): Promise<{ farm: Farm; sink: RecordingRouteSink; driver: ProcessDriver }> {
  const driver = await ProcessDriver.create({ stateRoot: path.join(root, 'driver') });
  const sink = new RecordingRouteSink();
  const farm = new Farm({
    db,
    driver,
    toolchains,
    routes: sink,
    runRoot: path.join(root, 'run'),
    appDataRoot: path.join(root, 'app-data'),
    hostOf: (app, tenant) => `${app}.${tenant}.apps.localhost`,
    log: collectingLogger(),
    timing: TEST_FARM_TIMING,
    ...overrides,
  });
  return { farm, sink, driver };
}

/** Activates a version the way the registry does (commit = set active_version_id), recording stages. */
export async function activateVersion(
  farm: Farm,
  data: FarmTestDatabase,
  version: VersionToServe,
  options: { onCommit?: () => Promise<void> | void } = {},
): Promise<string[]> {
  const stages: string[] = [];
  await farm.activate(version, {
    commit: async () => {
      await options.onCommit?.();
      await data.commitOf(version)();
    },
    progress: (stage, state) => stages.push(`${stage} ${state}`),
  });
  return stages;
}
