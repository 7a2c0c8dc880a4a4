import type { Kysely, Selectable } from 'kysely';
import type { Database, InstancesTable } from '../db/schema';
import type { InstanceDto } from '../protocol/apps';
import type { InstanceEndpoint } from './driver';

/** An instance row's state (the `instances.state` column). */
export type InstanceRowState = InstanceDto['state'];

/** States of instances that may still run (what reconciliation looks at). */
const LIVE_STATES: readonly InstanceRowState[] = ['starting', 'ready', 'draining'];
const LISTED = 50;

/** The farm's writes to `instances` (and the one column of `app_versions` it owns: `health`). */
export class InstanceRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly driverName: string,
    private readonly now: () => Date,
  ) {}

  async insert(row: { id: string; appId: string; versionId: string; memoryMb: number }): Promise<void> {
    await this.db
      .insertInto('instances')
      .values({
        id: row.id,
        app_id: row.appId,
        version_id: row.versionId,
        driver: this.driverName,
        handle: null,
        endpoint: null,
        state: 'starting',
        memory_mb: row.memoryMb,
        restarts: 0,
        started_at: this.stamp(),
        ready_at: null,
        stopped_at: null,
      })
      .execute();
  }

  /** The driver started (or restarted) it: record how to find it again. */
  async started(id: string, handle: string, endpoint: InstanceEndpoint, restarts: number): Promise<void> {
    await this.db
      .updateTable('instances')
      .set({
        handle,
        endpoint: JSON.stringify(endpoint),
        state: 'starting',
        restarts,
        started_at: this.stamp(),
        ready_at: null,
        stopped_at: null,
      })
      .where('id', '=', id)
      .execute();
  }

  async ready(id: string): Promise<void> {
    await this.db
      .updateTable('instances')
      .set({ state: 'ready', ready_at: this.stamp() })
      .where('id', '=', id)
      .execute();
  }

  async draining(id: string): Promise<void> {
    await this.db.updateTable('instances').set({ state: 'draining' }).where('id', '=', id).execute();
  }

  /** It ended: `stopped` when the farm stopped it, `crashed` when it died on its own. */
  async ended(id: string, state: 'stopped' | 'crashed'): Promise<void> {
    await this.db.updateTable('instances').set({ state, stopped_at: this.stamp() }).where('id', '=', id).execute();
  }

  /** Rows of instances that may still run, of this driver. */
  async live(): Promise<Selectable<InstancesTable>[]> {
    return this.db
      .selectFrom('instances')
      .selectAll()
      .where('driver', '=', this.driverName)
      .where('state', 'in', LIVE_STATES)
      .execute();
  }

  /** The app's instances, newest first, with their version numbers. */
  async listed(appId: string): Promise<(Selectable<InstancesTable> & { number: number | null })[]> {
    return this.db
      .selectFrom('instances')
      .leftJoin('app_versions', 'app_versions.id', 'instances.version_id')
      .selectAll('instances')
      .select('app_versions.number')
      .where('instances.app_id', '=', appId)
      .orderBy('instances.started_at', 'desc')
      .limit(LISTED)
      .execute();
  }

  async setVersionHealth(versionId: string, health: 'healthy' | 'unhealthy'): Promise<void> {
    await this.db.updateTable('app_versions').set({ health }).where('id', '=', versionId).execute();
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

/** Parses a stored endpoint; undefined when missing or malformed. */
export function parseEndpoint(text: string | null): InstanceEndpoint | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<InstanceEndpoint>;
    if (value.kind === 'unix' && typeof value.path === 'string') return { kind: 'unix', path: value.path };
    if (value.kind === 'tcp' && typeof value.host === 'string' && typeof value.port === 'number') {
      return { kind: 'tcp', host: value.host, port: value.port };
    }
  } catch {
    // fall through
  }
  return undefined;
}
