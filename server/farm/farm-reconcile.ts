import type { Logger } from '../core/logger';
import type { VersionToServe } from './deployments';
import type { Driver, DriverInstanceState } from './driver';
import type { InstanceLifecycle, ManagedInstance } from './instance-lifecycle';
import type { InstanceRows } from './instance-rows';

/**
 * After a platform (re)start: adopts instances of active versions that still run and answer,
 * stops every other instance the rows or the driver know (older versions, a half-done publish,
 * strays) and marks their rows. Returns the adopted instances. Missing instances are started by
 * the farm afterwards (decision 009).
 */
export async function reconcileInstances(deps: {
  rows: InstanceRows;
  driver: Driver;
  lifecycle: InstanceLifecycle;
  activeVersionOf: (appId: string) => VersionToServe | undefined;
  log: Logger;
}): Promise<ManagedInstance[]> {
  const adopted: ManagedInstance[] = [];
  const kept = new Set<string>();
  for (const row of await deps.rows.live()) {
    const version = deps.activeVersionOf(row.app_id);
    const isActive = version?.versionId === row.version_id;
    const state: DriverInstanceState = row.handle
      ? await deps.driver.inspect(row.handle).catch(() => 'missing' as const)
      : 'missing';
    if (version && isActive && state === 'running') {
      const instance = await deps.lifecycle.adopt(row, version);
      if (instance && row.handle) {
        adopted.push(instance);
        kept.add(row.handle);
        continue;
      }
    }
    if (row.handle)
      await deps.driver.stop(row.handle, 0).catch((error: unknown) => deps.log.warn('farm: stop failed', error));
    await deps.rows.ended(row.id, isActive ? 'crashed' : 'stopped');
    deps.log.info(`farm: instance ${row.id} of app ${row.app_id} ${isActive ? 'was lost' : 'is no longer needed'}`);
  }
  for (const handle of await deps.driver.list()) {
    if (kept.has(handle)) continue;
    deps.log.info(`farm: stopping stray instance ${handle}`);
    await deps.driver.stop(handle, 0).catch((error: unknown) => deps.log.warn('farm: stop failed', error));
  }
  return adopted;
}
