import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Principal } from '../identity/principal';
import type { ProjectService } from '../workspace/project-service';
import type { ServiceScope } from './service-scope';

/** One app scope whose service data a project's developers see (its previews, or an app published from it). */
export type ProjectScope = Omit<ServiceScope, 'userId'>;

/**
 * The scopes a project's service data lives under: its previews (under the project's id) and
 * every app published from it (under the app's id). Opening the project checks the principal
 * may (404 otherwise).
 */
export async function projectScopes(
  deps: { db: Kysely<Database>; projects: Pick<ProjectService, 'open'> },
  principal: Principal,
  projectId: string,
): Promise<ProjectScope[]> {
  const { project } = await deps.projects.open(principal, projectId);
  const apps = await deps.db
    .selectFrom('apps')
    .select('id')
    .where('project_id', '=', project.id)
    .where('tenant_id', '=', project.tenantId)
    .execute();
  return [
    { tenantId: project.tenantId, appId: project.id, environment: 'preview' },
    ...apps.map((app) => ({ tenantId: project.tenantId, appId: app.id, environment: 'production' as const })),
  ];
}
