import type { Kysely, Selectable } from 'kysely';
import { conflict, notFound } from '../core/errors';
import type { AppsTable, AppVersionsTable, Database, PublishOperationsTable } from '../db/schema';
import { newId, nowIso } from '../identity/tokens';
import type { AppRuntime } from '../protocol/app-manifest';
import type { AppDto, AppVersionDto, PublishOperationDto, PublishStage, VersionSource } from '../protocol/apps';

/** An app row with what its DTO needs from other tables. */
export type AppRow = Selectable<AppsTable> & { tenant_slug: string; active_number: number | null };
/** A version row. */
export type VersionRow = Selectable<AppVersionsTable>;
/** A version row with its publisher's name, as the version lists read it. */
export type NamedVersionRow = VersionRow & { created_by_name: string | null };
/** A publish operation row. */
export type OperationRow = Selectable<PublishOperationsTable>;

/** Builds an app's public URL from its slug and its tenant's slug. */
export type AppUrlOf = (appSlug: string, tenantSlug: string) => string;

/** The registry's tables (apps, app_versions, publish_operations): the only writer of them. */
export class AppRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly urlOf: AppUrlOf,
  ) {}

  async app(appId: string): Promise<AppRow | undefined> {
    return this.appQuery().where('apps.id', '=', appId).executeTakeFirst();
  }

  async appOfProject(projectId: string): Promise<AppRow | undefined> {
    return this.appQuery().where('apps.project_id', '=', projectId).executeTakeFirst();
  }

  async appBySlug(tenantId: string, slug: string): Promise<AppRow | undefined> {
    return this.appQuery().where('apps.tenant_id', '=', tenantId).where('apps.slug', '=', slug).executeTakeFirst();
  }

  async apps(tenantId: string): Promise<AppRow[]> {
    return this.appQuery().where('apps.tenant_id', '=', tenantId).orderBy('apps.slug').execute();
  }

  /** Apps that have an active version, across tenants. */
  async appsWithActiveVersion(): Promise<AppRow[]> {
    return this.appQuery().where('apps.active_version_id', 'is not', null).execute();
  }

  /** The tenant's apps that serve a version, with that version's slipway.json (JSON text), by title. */
  async liveApps(tenantId: string): Promise<(AppRow & { manifest: string })[]> {
    const rows = await this.appQuery()
      .where('apps.tenant_id', '=', tenantId)
      .where('apps.active_version_id', 'is not', null)
      .select('active.manifest as manifest')
      .orderBy('apps.title')
      .execute();
    // The join always matches: the active version is a version of the app.
    return rows.map((row) => ({ ...row, manifest: row.manifest ?? '{}' }));
  }

  async tenantSlug(tenantId: string): Promise<string> {
    const row = await this.db.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirst();
    if (!row) throw notFound('No such tenant.');
    return row.slug;
  }

  /** Creates an app; a slug already taken in the tenant is a conflict. */
  async createApp(input: {
    tenantId: string;
    slug: string;
    title: string;
    runtime: AppRuntime;
    projectId: string | null;
    createdBy: string;
  }): Promise<AppRow> {
    if (await this.appBySlug(input.tenantId, input.slug)) throw slugTaken(input.slug);
    const id = newId();
    try {
      await this.db
        .insertInto('apps')
        .values({
          id,
          tenant_id: input.tenantId,
          slug: input.slug,
          title: input.title,
          runtime: input.runtime,
          project_id: input.projectId,
          active_version_id: null,
          created_by: input.createdBy,
          created_at: nowIso(),
        })
        .execute();
    } catch (error) {
      if (await this.appBySlug(input.tenantId, input.slug)) throw slugTaken(input.slug);
      throw error;
    }
    return (await this.app(id))!;
  }

  async deleteApp(appId: string): Promise<void> {
    // Versions, operations and instances go with it (ON DELETE CASCADE).
    await this.db.deleteFrom('apps').where('id', '=', appId).execute();
  }

  /** Adds version `max + 1` in state `building`. */
  async createVersion(input: {
    appId: string;
    source: VersionSource;
    commit: string | null;
    manifest: string;
    createdBy: string;
  }): Promise<VersionRow> {
    return this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('app_versions')
        .select(({ fn }) => fn.max('number').as('max'))
        .where('app_id', '=', input.appId)
        .executeTakeFirst();
      const row: VersionRow = {
        id: newId(),
        app_id: input.appId,
        number: Number(last?.max ?? 0) + 1,
        state: 'building',
        health: 'unknown',
        source: input.source,
        commit_sha: input.commit,
        artifact_hash: null,
        artifact_bytes: null,
        manifest: input.manifest,
        build_log: '',
        created_by: input.createdBy,
        created_at: nowIso(),
      };
      await trx.insertInto('app_versions').values(row).execute();
      return row;
    });
  }

  /** Inserts a version read from a backup, keeping its number, state and log. */
  async restoreVersion(
    appId: string,
    entry: {
      number: number;
      state: 'ready' | 'failed';
      health: string;
      source: VersionSource;
      commit: string | null;
      artifact: { hash: string; bytes: number } | null;
      manifest: string;
      buildLog: string;
      createdAt: string;
    },
    createdBy: string,
  ): Promise<VersionRow> {
    const row: VersionRow = {
      id: newId(),
      app_id: appId,
      number: entry.number,
      state: entry.state,
      health: entry.health,
      source: entry.source,
      commit_sha: entry.commit,
      artifact_hash: entry.artifact?.hash ?? null,
      artifact_bytes: entry.artifact?.bytes ?? null,
      manifest: entry.manifest,
      build_log: entry.buildLog,
      created_by: createdBy,
      created_at: entry.createdAt,
    };
    await this.db.insertInto('app_versions').values(row).execute();
    return row;
  }

  /** Records the end of a version's build: ready with its artifact, or failed. */
  async finishVersion(
    versionId: string,
    result: { state: 'ready' | 'failed'; buildLog: string; artifact?: { hash: string; bytes: number } },
  ): Promise<void> {
    await this.db
      .updateTable('app_versions')
      .set({
        state: result.state,
        build_log: result.buildLog,
        artifact_hash: result.artifact?.hash ?? null,
        artifact_bytes: result.artifact?.bytes ?? null,
      })
      .where('id', '=', versionId)
      .execute();
  }

  /** Links an app to the IDE project it is published from (a restored backup's project). */
  async linkProject(appId: string, projectId: string): Promise<void> {
    await this.db.updateTable('apps').set({ project_id: projectId }).where('id', '=', appId).execute();
  }

  async setHealth(versionId: string, health: 'healthy' | 'unhealthy'): Promise<void> {
    await this.db.updateTable('app_versions').set({ health }).where('id', '=', versionId).execute();
  }

  /** The one write that makes a version serve (the farm calls it once the new instances answer). */
  async activate(appId: string, versionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const version = await trx
        .selectFrom('app_versions')
        .select(['state'])
        .where('id', '=', versionId)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      if (version?.state !== 'ready') throw conflict('Only a ready version of the app can serve.');
      await trx.updateTable('apps').set({ active_version_id: versionId }).where('id', '=', appId).execute();
      await trx.updateTable('app_versions').set({ health: 'healthy' }).where('id', '=', versionId).execute();
    });
  }

  /** Versions of an app, newest first. */
  async versions(appId: string): Promise<NamedVersionRow[]> {
    return this.namedVersions().where('app_versions.app_id', '=', appId).orderBy('number', 'desc').execute();
  }

  async version(appId: string, number: number): Promise<NamedVersionRow | undefined> {
    return this.namedVersions()
      .where('app_versions.app_id', '=', appId)
      .where('app_versions.number', '=', number)
      .executeTakeFirst();
  }

  async versionById(versionId: string): Promise<VersionRow | undefined> {
    return this.db.selectFrom('app_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
  }

  async deleteVersion(versionId: string): Promise<void> {
    await this.db.deleteFrom('app_versions').where('id', '=', versionId).execute();
  }

  /** Whether any version still refers to an artifact. */
  async artifactInUse(hash: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('app_versions')
      .select('id')
      .where('artifact_hash', '=', hash)
      .executeTakeFirst();
    return row !== undefined;
  }

  async startOperation(appId: string, createdBy: string): Promise<OperationRow> {
    const row: OperationRow = {
      id: newId(),
      app_id: appId,
      version_id: null,
      stage: 'commit',
      state: 'running',
      error: null,
      created_by: createdBy,
      started_at: nowIso(),
      finished_at: null,
    };
    await this.db.insertInto('publish_operations').values(row).execute();
    return row;
  }

  /** Moves an operation on; a final state also stamps its end. Returns the updated row. */
  async updateOperation(
    row: OperationRow,
    change: { stage?: PublishStage; versionId?: string; state?: 'succeeded' | 'failed'; error?: string },
  ): Promise<OperationRow> {
    const next: OperationRow = {
      ...row,
      ...(change.stage ? { stage: change.stage } : {}),
      ...(change.versionId ? { version_id: change.versionId } : {}),
      ...(change.state ? { state: change.state, finished_at: nowIso() } : {}),
      ...(change.error !== undefined ? { error: change.error } : {}),
    };
    const { id, ...values } = next;
    await this.db.updateTable('publish_operations').set(values).where('id', '=', id).execute();
    return next;
  }

  /**
   * Settles what a crash interrupted: a running operation whose version became active succeeded
   * (the farm had committed it); any other failed, and its version with it. Returns how many.
   */
  async settleInterrupted(): Promise<number> {
    const running = await this.db.selectFrom('publish_operations').selectAll().where('state', '=', 'running').execute();
    for (const operation of running) {
      const app = await this.app(operation.app_id);
      const served = operation.version_id !== null && app?.active_version_id === operation.version_id;
      await this.updateOperation(operation, served ? { state: 'succeeded' } : { state: 'failed', error: INTERRUPTED });
      if (!served && operation.version_id) {
        await this.db
          .updateTable('app_versions')
          .set({ state: 'failed' })
          .where('id', '=', operation.version_id)
          .execute();
      }
    }
    await this.db.updateTable('app_versions').set({ state: 'failed' }).where('state', '=', 'building').execute();
    return running.length;
  }

  appDto(row: AppRow): AppDto {
    return {
      id: row.id,
      tenantId: row.tenant_id,
      slug: row.slug,
      title: row.title,
      runtime: row.runtime as AppRuntime,
      projectId: row.project_id,
      url: this.urlOf(row.slug, row.tenant_slug),
      activeVersion: row.active_number,
      createdAt: row.created_at,
    };
  }

  private namedVersions() {
    return this.db
      .selectFrom('app_versions')
      .leftJoin('users', 'users.id', 'app_versions.created_by')
      .selectAll('app_versions')
      .select('users.name as created_by_name');
  }

  private appQuery() {
    return this.db
      .selectFrom('apps')
      .innerJoin('tenants', 'tenants.id', 'apps.tenant_id')
      .leftJoin('app_versions as active', 'active.id', 'apps.active_version_id')
      .selectAll('apps')
      .select(['tenants.slug as tenant_slug', 'active.number as active_number']);
  }
}

const INTERRUPTED = 'The platform stopped during this publish; the previously active version kept serving.';

/** A version as the API shows it. */
export function versionDto(
  row: VersionRow & { created_by_name?: string | null },
  activeVersionId: string | null,
): AppVersionDto {
  return {
    id: row.id,
    appId: row.app_id,
    number: row.number,
    state: row.state as AppVersionDto['state'],
    health: row.health as AppVersionDto['health'],
    active: row.id === activeVersionId,
    source: row.source as VersionSource,
    commit: row.commit_sha,
    artifactHash: row.artifact_hash,
    artifactBytes: row.artifact_bytes,
    createdBy: row.created_by,
    createdByName: row.created_by_name ?? null,
    createdAt: row.created_at,
  };
}

/** A publish operation as the API shows it. */
export function operationDto(row: OperationRow, version: number | null, url: string | null): PublishOperationDto {
  return {
    id: row.id,
    appId: row.app_id,
    version,
    stage: row.stage as PublishStage,
    state: row.state as PublishOperationDto['state'],
    error: row.error,
    url,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function slugTaken(slug: string) {
  return conflict(`An app named "${slug}" already exists in this tenant.`, { reason: 'slug-taken', slug });
}
