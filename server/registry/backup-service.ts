import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { IdentityService } from '../identity/identity-service';
import type { ProjectDto } from '../protocol/projects';
import type { Principal } from '../identity/principal';
import { newId } from '../identity/tokens';
import type { AppDto } from '../protocol/apps';
import type { DatastoreService } from '../services/datastore/datastore-service';
import type { DatastoreEntity } from '../services/datastore/datastore-types';
import type { ProjectService } from '../workspace/project-service';
import { readBackup, readLines, restoreArtifact, writeBackup } from './app-backup';
import type { AppRecords, AppRow } from './app-records';
import type { ArtifactStore } from './artifact-store';
import type { RegistryService } from './registry-service';

/** What backups need. */
export interface BackupServiceDeps {
  registry: RegistryService;
  records: AppRecords;
  artifacts: ArtifactStore;
  identity: IdentityService;
  projects: ProjectService;
  /** Scratch space for backups being written or read. */
  workRoot: string;
  /** Source repositories (git bundles) of imported apps, kept for their next export. */
  bundleRoot: string;
  limits: { maxBackupBytes: number; maxArtifactBytes: number; maxEntries: number };
  /** The apps' production datastore, exported and restored with them. */
  datastore?: AppDatastore;
}

/** The datastore operations backups use. */
export type AppDatastore = Pick<DatastoreService, 'exportData' | 'importData'>;

/** A backup ready to send: its stream and file name; the file goes away once the stream ends. */
export interface BackupDownload {
  fileName: string;
  bytes: number;
  stream: Readable;
}

/** Exports an app (configuration, versions, artifacts, source repository) to one archive, and back. */
export class BackupService {
  constructor(private readonly deps: BackupServiceDeps) {}

  async exportApp(principal: Principal, appId: string): Promise<BackupDownload> {
    const app = await this.deps.registry.open(principal, appId, ['developer', 'manager']);
    const workDir = path.join(this.deps.workRoot, newId());
    const file = `${workDir}.tar.gz`;
    try {
      await writeBackup({
        app,
        versions: await this.deps.records.versions(app.id),
        artifacts: this.deps.artifacts,
        repository: await this.repositoryOf(principal, app),
        ...(this.deps.datastore
          ? { datastore: this.deps.datastore.exportData(app.tenant_id, app.id, 'production') }
          : {}),
        workDir,
        file,
      });
      const bytes = (await stat(file)).size;
      const stream = createReadStream(file);
      stream.once('close', () => void rm(file, { force: true }));
      return { fileName: `${app.slug}-${app.tenant_slug}.slipway-app.tar.gz`, bytes, stream };
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * Restores a backup into a tenant as a new app (`name` or the backup's slug), with every
   * version and artifact checked, then serves the version that served when it was exported.
   */
  async importApp(principal: Principal, tenantId: string, body: Readable | Buffer, name?: string): Promise<AppDto> {
    await this.deps.identity.requireRole(principal, tenantId, ['developer', 'manager']);
    const workDir = path.join(this.deps.workRoot, newId());
    let created: AppRow | undefined;
    let restoredProject: ProjectDto | undefined;
    try {
      const { limits } = this.deps;
      const backup = await readBackup(body, workDir, {
        maxArchiveBytes: limits.maxBackupBytes,
        maxFileBytes: limits.maxArtifactBytes,
        maxEntries: limits.maxEntries,
      });
      created = await this.deps.records.createApp({
        tenantId,
        slug: name ?? backup.app.slug,
        title: backup.app.title,
        runtime: backup.app.runtime,
        projectId: null,
        createdBy: principal.userId,
      });
      for (const version of [...backup.versions].sort((a, b) => a.number - b.number)) {
        const hash = version.artifactHash;
        if (hash) await restoreArtifact(this.deps.artifacts, backup, hash, limits.maxArtifactBytes);
        const bytes = hash ? (await stat(backup.artifactPath(hash))).size : 0;
        await this.deps.records.restoreVersion(
          created.id,
          {
            ...version,
            artifact: hash ? { hash, bytes } : null,
            manifest: JSON.stringify(version.manifest),
          },
          principal.userId,
        );
      }
      if (backup.datastoreFile && this.deps.datastore) {
        // The service checks every entity like an app's put; a bad line fails the whole import.
        await this.deps.datastore.importData(
          { tenantId, appId: created.id, environment: 'production' },
          readLines(backup.datastoreFile) as AsyncIterable<DatastoreEntity>,
        );
      }
      // Only once every artifact checked out: the source comes back as an IDE project.
      restoredProject = await this.restoreProject(principal, tenantId, created.slug, backup.repositoryBundle);
      if (restoredProject) {
        await this.deps.records.linkProject(created.id, restoredProject.id);
        created = { ...created, project_id: restoredProject.id };
      }
      if (backup.repositoryBundle && !restoredProject) {
        await mkdir(this.deps.bundleRoot, { recursive: true });
        await copyFile(backup.repositoryBundle, this.bundleOf(created.id));
      }
      if (backup.activeVersion !== null) return await this.deps.registry.serve(created, backup.activeVersion);
      return this.deps.records.appDto(created);
    } catch (error) {
      if (created) await this.discard(created);
      if (restoredProject) await this.deps.projects.delete(principal, restoredProject.id).catch(() => undefined);
      throw error;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * Recreates the app's IDE project from the backup's repository, so the restored app can be
   * edited and published again like the original; when the tenant already has a project of that
   * name, the bundle is kept with the app instead (and exported again with it).
   */
  private async restoreProject(
    principal: Principal,
    tenantId: string,
    name: string,
    bundle: string | null | undefined,
  ): Promise<ProjectDto | undefined> {
    if (!bundle || !(await this.deps.projects.isNameFree(tenantId, name))) return undefined;
    return this.deps.projects.importFromBundle(principal, tenantId, { name, bundleFile: bundle });
  }

  /** Removes an imported app's kept bundle (call when the app is deleted). */
  async forget(appId: string): Promise<void> {
    await rm(this.bundleOf(appId), { force: true });
  }

  private async repositoryOf(
    principal: Principal,
    app: AppRow,
  ): Promise<{ projectDir: string } | { bundle: string } | undefined> {
    if (app.project_id) {
      const project = await this.deps.projects.open(principal, app.project_id).catch(() => undefined);
      if (project) return { projectDir: project.dir };
    }
    const bundle = this.bundleOf(app.id);
    return (await stat(bundle).catch(() => undefined)) ? { bundle } : undefined;
  }

  private bundleOf(appId: string): string {
    return path.join(this.deps.bundleRoot, `${appId}.bundle`);
  }

  // A failed import leaves nothing: the app row (versions cascade), its bundle, unshared artifacts.
  private async discard(app: AppRow): Promise<void> {
    const hashes = (await this.deps.records.versions(app.id)).flatMap((v) =>
      v.artifact_hash ? [v.artifact_hash] : [],
    );
    await this.deps.records.deleteApp(app.id);
    await this.forget(app.id);
    for (const hash of hashes) {
      if (!(await this.deps.records.artifactInUse(hash))) await this.deps.artifacts.remove(hash);
    }
  }
}
