import { constants } from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { conflict, invalidInput, notFound } from '../core/errors';
import type { Deployments, VersionToServe } from '../farm/deployments';
import type { IdentityService } from '../identity/identity-service';
import type { Principal } from '../identity/principal';
import { newId } from '../identity/tokens';
import { appManifestFileName, parseAppManifest, type AppManifest } from '../protocol/app-manifest';
import type { AppDto, AppLogLineDto, AppVersionDto, InstanceDto, PublishEvent } from '../protocol/apps';
import type { TenantRole } from '../protocol/identity';
import type { ProjectService } from '../workspace/project-service';
import { openInside } from '../workspace/safe-path';
import type { ArtifactStore } from './artifact-store';
import { versionDto, type AppRecords, type AppRow, type NamedVersionRow, type VersionRow } from './app-records';
import {
  checkoutCommit,
  commitForPublish,
  manifestAtCommit,
  resolveCommit,
  unpackUpload,
  type SourceLimits,
} from './publish-sources';
import type { Publisher, PublishJob } from './publisher';

/** Who may publish and manage a tenant's apps; every member may list and open them. */
const MANAGE_ROLES: readonly TenantRole[] = ['developer', 'manager'];
const VIEW_ROLES: readonly TenantRole[] = ['developer', 'manager', 'user'];
const MAX_MANIFEST_BYTES = 64 * 1024;

/** A publish that passed its checks and holds the app: run it to stream its events. */
export interface PublishRun {
  app: AppDto;
  run(emit: (event: PublishEvent) => void): Promise<void>;
}

/** A version with its build log. */
export type AppVersionDetailDto = AppVersionDto & { buildLog: string; manifest: AppManifest };

/** What the registry service needs. */
export interface RegistryServiceDeps {
  records: AppRecords;
  artifacts: ArtifactStore;
  publisher: Publisher;
  deployments: Deployments;
  identity: IdentityService;
  projects: ProjectService;
  limits: SourceLimits;
  /** Scratch space for uploads being received (emptied by the publisher's recover). */
  uploadRoot: string;
  /** Called after an app was deleted (e.g. to drop a kept source bundle). */
  onDidDeleteApp?: (appId: string) => Promise<void>;
}

/** Apps, versions and publishes, with the tenant's roles checked on every call. */
export class RegistryService {
  constructor(private readonly deps: RegistryServiceDeps) {}

  /** Publishes a project's working tree (committed first) or one of its commits. */
  async publishProject(
    principal: Principal,
    projectId: string,
    request: { commit?: string; message?: string },
  ): Promise<PublishRun> {
    const { project, dir } = await this.deps.projects.open(principal, projectId);
    const existing = await this.deps.records.appOfProject(project.id);
    // A bad commit is the caller's mistake: refuse it before anything starts.
    const commit = request.commit ? await resolveCommit(dir, request.commit) : undefined;
    // The first publish names the app after the manifest it will commit (or the chosen commit's).
    const manifest = existing
      ? undefined
      : commit
        ? await manifestAtCommit(dir, commit)
        : await readWorkingManifest(dir);
    const app =
      existing ??
      (await this.deps.records.createApp({
        tenantId: project.tenantId,
        slug: manifest!.name,
        title: manifest!.title,
        runtime: manifest!.runtime,
        projectId: project.id,
        createdBy: principal.userId,
      }));
    const limits = this.deps.limits;
    return this.claimed(app, {
      app,
      userId: principal.userId,
      source: 'ide',
      prepare: async (workDir) => {
        const author = { name: principal.name, email: principal.email };
        const published = await commitForPublish(dir, { ...request, ...(commit ? { commit } : {}), author });
        return checkoutCommit(dir, published, workDir, limits);
      },
    });
  }

  /**
   * Publishes an uploaded folder (tar.gz or zip with slipway.json) or WAR into a tenant, creating
   * the app on its first publish. The body is read before this resolves.
   */
  async publishUpload(
    principal: Principal,
    tenantId: string,
    upload: { body: Readable | Buffer; name?: string; war: boolean },
  ): Promise<PublishRun> {
    await this.deps.identity.requireRole(principal, tenantId, MANAGE_ROLES);
    const uploadDir = path.join(this.deps.uploadRoot, newId());
    try {
      const source = await unpackUpload(upload.body, path.join(uploadDir, 'tree'), {
        limits: this.deps.limits,
        ...(upload.name !== undefined ? { name: upload.name } : {}),
      });
      const manifest = source.manifest;
      const app =
        (await this.deps.records.appBySlug(tenantId, manifest.name)) ??
        (await this.deps.records.createApp({
          tenantId,
          slug: manifest.name,
          title: manifest.title,
          runtime: manifest.runtime,
          projectId: null,
          createdBy: principal.userId,
        }));
      if (app.runtime !== manifest.runtime) {
        throw conflict(`The app "${app.slug}" runs on ${app.runtime}; this upload is a ${manifest.runtime} app.`);
      }
      return this.claimed(app, {
        app,
        userId: principal.userId,
        source: source.prebuilt || upload.war ? 'war' : 'cli',
        prepare: () => Promise.resolve(source),
        cleanup: () => rm(uploadDir, { recursive: true, force: true }),
      });
    } catch (error) {
      await rm(uploadDir, { recursive: true, force: true });
      throw error;
    }
  }

  async listApps(principal: Principal, tenantId: string): Promise<AppDto[]> {
    await this.deps.identity.requireRole(principal, tenantId, VIEW_ROLES);
    return (await this.deps.records.apps(tenantId)).map((row) => this.deps.records.appDto(row));
  }

  async getApp(principal: Principal, appId: string): Promise<AppDto> {
    return this.deps.records.appDto(await this.open(principal, appId, VIEW_ROLES));
  }

  /** The app published from a project; not-found before its first publish. */
  async appOfProject(principal: Principal, projectId: string): Promise<AppDto> {
    const { project } = await this.deps.projects.open(principal, projectId);
    const row = await this.deps.records.appOfProject(project.id);
    if (!row) throw notFound('The project has not been published yet.');
    return this.deps.records.appDto(row);
  }

  /** Stops serving the app and deletes it with its versions and their unshared artifacts. */
  async deleteApp(principal: Principal, appId: string): Promise<void> {
    const app = await this.open(principal, appId, MANAGE_ROLES);
    const claim = this.deps.publisher.claim(app.id);
    try {
      const hashes = (await this.deps.records.versions(app.id)).map((v) => v.artifact_hash);
      await this.deps.deployments.retire(app.id);
      await this.deps.records.deleteApp(app.id);
      for (const hash of hashes) if (hash) await this.collectArtifact(hash);
      await this.deps.onDidDeleteApp?.(app.id);
    } finally {
      claim.release();
    }
  }

  async versions(principal: Principal, appId: string): Promise<AppVersionDto[]> {
    const app = await this.open(principal, appId, MANAGE_ROLES);
    return (await this.deps.records.versions(app.id)).map((row) => versionDto(row, app.active_version_id));
  }

  async version(principal: Principal, appId: string, number: number): Promise<AppVersionDetailDto> {
    const app = await this.open(principal, appId, MANAGE_ROLES);
    const row = await this.versionOf(app, number);
    return {
      ...versionDto(row, app.active_version_id),
      buildLog: row.build_log,
      manifest: parseAppManifest(row.manifest),
    };
  }

  /** Deletes a version that does not serve (409 while it does or while a publish runs). */
  async deleteVersion(principal: Principal, appId: string, number: number): Promise<void> {
    const app = await this.open(principal, appId, MANAGE_ROLES);
    const claim = this.deps.publisher.claim(app.id);
    try {
      const row = await this.versionOf(app, number);
      const current = await this.deps.records.app(app.id);
      if (current?.active_version_id === row.id) {
        throw conflict(`Version ${number} is serving; roll back or promote another version first.`, {
          reason: 'version-active',
        });
      }
      await this.deps.records.deleteVersion(row.id);
      if (row.artifact_hash) await this.collectArtifact(row.artifact_hash);
    } finally {
      claim.release();
    }
  }

  /** Serves an earlier ready version: `number`, or by default the newest ready one older than the active. */
  async rollback(principal: Principal, appId: string, number?: number): Promise<AppDto> {
    const app = await this.open(principal, appId, MANAGE_ROLES);
    if (number !== undefined) return this.serve(app, number);
    const versions = await this.deps.records.versions(app.id);
    const active = versions.find((v) => v.id === app.active_version_id);
    const target = versions.find(
      (v) => v.state === 'ready' && v.health !== 'unhealthy' && (!active || v.number < active.number),
    );
    if (!target) throw conflict('There is no earlier ready version to roll back to.', { reason: 'no-earlier-version' });
    return this.serve(app, target.number);
  }

  /** Serves a chosen ready version (a newer one after a rollback, or any other). */
  async promote(principal: Principal, appId: string, number: number): Promise<AppDto> {
    return this.serve(await this.open(principal, appId, MANAGE_ROLES), number);
  }

  async instances(principal: Principal, appId: string): Promise<InstanceDto[]> {
    return this.deps.deployments.instances((await this.open(principal, appId, MANAGE_ROLES)).id);
  }

  /** The app's output; checks access before the first line. */
  async logs(
    principal: Principal,
    appId: string,
    options: { follow: boolean; signal: AbortSignal },
  ): Promise<AsyncIterable<AppLogLineDto>> {
    const app = await this.open(principal, appId, MANAGE_ROLES);
    return this.deps.deployments.logs(app.id, options);
  }

  /** Every app's active version, ready to serve (for the farm's reconciliation on start). */
  async activeVersions(): Promise<VersionToServe[]> {
    const served: VersionToServe[] = [];
    for (const app of await this.deps.records.appsWithActiveVersion()) {
      const row = await this.deps.records.versionById(app.active_version_id!);
      if (row?.state !== 'ready' || !row.artifact_hash) continue;
      served.push(await this.toServe(app, row));
    }
    return served;
  }

  /**
   * The farm's crash-loop answer: serves the newest ready, not unhealthy version older than the
   * failing one; false when there is none (or another change of the app is running).
   */
  async switchBack(appId: string, unhealthy: { versionId: string; versionNumber: number }): Promise<boolean> {
    const app = await this.deps.records.app(appId);
    if (!app || this.deps.publisher.isBusy(appId)) return false;
    const target = (await this.deps.records.versions(appId)).find(
      (v) => v.state === 'ready' && v.health !== 'unhealthy' && v.number < unhealthy.versionNumber,
    );
    if (!target) return false;
    await this.serve(app, target.number);
    return true;
  }

  /** An app the principal may see with `roles`; other tenants' apps are "not found". */
  async open(principal: Principal, appId: string, roles: readonly TenantRole[]): Promise<AppRow> {
    const row = await this.deps.records.app(appId);
    if (!row) throw notFound('No such app.');
    const held = await this.deps.identity.rolesIn(principal.userId, row.tenant_id);
    if (held.length === 0 && !principal.isOperator) throw notFound('No such app.');
    await this.deps.identity.requireRole(principal, row.tenant_id, roles);
    return row;
  }

  /** Serves a ready version of an app the caller has already checked access to (rollback, promote, import). */
  async serve(app: AppRow, number: number): Promise<AppDto> {
    const claim = this.deps.publisher.claim(app.id);
    try {
      const row = await this.versionOf(app, number);
      if (row.state !== 'ready' || !row.artifact_hash) {
        throw conflict(`Version ${number} is ${row.state}; only a ready version can serve.`, {
          reason: 'version-not-ready',
        });
      }
      if (row.id === app.active_version_id) return this.deps.records.appDto(app);
      await this.deps.deployments.activate(await this.toServe(app, row), {
        commit: () => this.deps.records.activate(app.id, row.id),
        progress: () => undefined,
        signal: claim.signal,
      });
      return this.deps.records.appDto((await this.deps.records.app(app.id))!);
    } finally {
      claim.release();
    }
  }

  private async toServe(app: AppRow, row: VersionRow): Promise<VersionToServe> {
    return {
      appId: app.id,
      tenantId: app.tenant_id,
      appSlug: app.slug,
      tenantSlug: app.tenant_slug,
      versionId: row.id,
      versionNumber: row.number,
      manifest: parseAppManifest(row.manifest),
      artifactDir: await this.deps.artifacts.unpacked(row.artifact_hash!),
    };
  }

  private async versionOf(app: AppRow, number: number): Promise<NamedVersionRow> {
    const row = await this.deps.records.version(app.id, number);
    if (!row) throw notFound(`The app has no version ${number}.`);
    return row;
  }

  private claimed(app: AppRow, job: PublishJob): PublishRun {
    const claim = this.deps.publisher.claim(app.id);
    let started = false;
    return {
      app: this.deps.records.appDto(app),
      run: async (emit) => {
        if (started) throw new Error('a publish runs once');
        started = true;
        try {
          await this.deps.publisher.run(job, claim.signal, emit);
        } finally {
          claim.release();
        }
      },
    };
  }

  private async collectArtifact(hash: string): Promise<void> {
    if (!(await this.deps.records.artifactInUse(hash))) await this.deps.artifacts.remove(hash);
  }
}

// The working tree is the user's (a terminal can plant a symlink): open it without following links.
async function readWorkingManifest(dir: string): Promise<AppManifest> {
  const root = await realpath(dir);
  const handle = await openInside(
    root,
    path.join(root, appManifestFileName),
    appManifestFileName,
    constants.O_RDONLY,
  ).catch(() => {
    throw notFound(`The project has no ${appManifestFileName} at its root.`);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) {
      throw invalidInput(`${appManifestFileName} must be a regular file under ${MAX_MANIFEST_BYTES} bytes.`);
    }
    return parseAppManifest(await handle.readFile({ encoding: 'utf8' }));
  } finally {
    await handle.close();
  }
}
