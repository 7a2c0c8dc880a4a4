import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger';
import type { Database } from '../db/schema';
import { parseAppManifest } from '../protocol/app-manifest';
import type { VersionToServe } from './deployments';

/**
 * Every app's active version as `Farm.start` needs it, read (never written) from the registry's
 * tables. `artifactDirOf` unpacks an artifact by its hash (the registry's ArtifactStore.unpacked).
 * A version whose manifest or artifact is unusable is logged and left out: its app then has no
 * route until the next publish, rather than the whole platform failing to start.
 */
export async function activeVersionsFromDatabase(
  db: Kysely<Database>,
  artifactDirOf: (hash: string) => Promise<string>,
  log: Logger,
): Promise<VersionToServe[]> {
  const rows = await db
    .selectFrom('apps')
    .innerJoin('app_versions', 'app_versions.id', 'apps.active_version_id')
    .innerJoin('tenants', 'tenants.id', 'apps.tenant_id')
    .select([
      'apps.id as appId',
      'apps.tenant_id as tenantId',
      'apps.slug as appSlug',
      'tenants.slug as tenantSlug',
      'app_versions.id as versionId',
      'app_versions.number as versionNumber',
      'app_versions.manifest as manifest',
      'app_versions.artifact_hash as artifactHash',
    ])
    .where('app_versions.state', '=', 'ready')
    .execute();
  const versions: VersionToServe[] = [];
  for (const row of rows) {
    try {
      if (!row.artifactHash) throw new Error('no artifact');
      versions.push({
        appId: row.appId,
        tenantId: row.tenantId,
        appSlug: row.appSlug,
        tenantSlug: row.tenantSlug,
        versionId: row.versionId,
        versionNumber: row.versionNumber,
        manifest: parseAppManifest(row.manifest),
        artifactDir: await artifactDirOf(row.artifactHash),
      });
    } catch (error) {
      log.error(`farm: cannot serve ${row.appSlug} v${row.versionNumber} after the restart`, error);
    }
  }
  return versions;
}
