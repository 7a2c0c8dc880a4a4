import type { Kysely } from 'kysely';
import { notFound } from '../../core/errors';
import type { Database } from '../../db/schema';
import type { AppWaker } from '../../farm/routing';
import type { PreviewService } from '../../preview/preview-service';
import type { TaskScope } from './task-store';
import type { TaskEndpoint, TaskTargets } from './task-targets';

export interface InstanceTaskTargetsDeps {
  db: Kysely<Database>;
  /** Production: the farm wakes the app's active version and answers a ready instance. */
  waker: Pick<AppWaker, 'wake'>;
  /** Preview: the project's preview session, if its instance runs in this process. */
  previews: Pick<PreviewService, 'session' | 'running'>;
  /** A published app's public origin from its and its tenant's slugs. */
  appOriginOf: (appSlug: string, tenantSlug: string) => string;
}

/**
 * Tasks reach instances directly, not through the gateway: production through the farm (its
 * Unix socket or TCP endpoint, waking an app scaled to zero), preview through the running
 * preview instance's socket. Host and X-Forwarded-Proto are the app's public origin's either way.
 */
export class InstanceTaskTargets implements TaskTargets {
  constructor(private readonly deps: InstanceTaskTargetsDeps) {}

  runningPreviews(): readonly string[] {
    return this.deps.previews.running();
  }

  async endpointFor(scope: TaskScope, signal: AbortSignal): Promise<TaskEndpoint | undefined> {
    if (scope.environment === 'preview') {
      const session = this.deps.previews.session(scope.appId);
      const socketPath = session?.socketPath;
      if (!session || !socketPath || session.target.tenantId !== scope.tenantId) return undefined;
      return { endpoint: { kind: 'unix', path: socketPath }, origin: session.target.url };
    }
    const app = await this.deps.db
      .selectFrom('apps')
      .innerJoin('tenants', 'tenants.id', 'apps.tenant_id')
      .select(['apps.slug as appSlug', 'tenants.slug as tenantSlug', 'apps.tenant_id as tenantId'])
      .where('apps.id', '=', scope.appId)
      .executeTakeFirst();
    if (!app || app.tenantId !== scope.tenantId) throw notFound(`app ${scope.appId} no longer exists`);
    const endpoint = await this.deps.waker.wake(scope.appId, signal);
    return { endpoint, origin: this.deps.appOriginOf(app.appSlug, app.tenantSlug) };
  }
}
