import type { Kysely } from 'kysely';
import type { Disposable } from '../../core/disposable';
import { isDomainError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Database } from '../../db/schema';
import type { PlatformServiceName } from '../../protocol/platform-services';
import { CronExpression, floorToMinute } from './cron-expression';
import type { TaskQueue } from './task-queue';

const MINUTE_MS = 60_000;
/** Ticks land this long after a minute starts, so a clock a little behind still sees the new minute. */
const TICK_OFFSET_MS = 1_000;
const CURSOR = 'cron';

export interface CronSchedulerOptions {
  db: Kysely<Database>;
  queue: Pick<TaskQueue, 'enqueueCronRun'>;
  /** Cron runs are tasks: only tenants whose contract includes them get them. */
  servicesOf: (tenantId: string) => Promise<ReadonlySet<PlatformServiceName>>;
  log: Logger;
  now?: () => number;
}

interface CronEntry {
  path: string;
  expression: CronExpression;
}

/**
 * Runs slipway.json `cron` entries of every app's active version (production only; schedules are
 * UTC). Each tick looks at the minutes since the shared cursor (`cron_cursors`) and enqueues, per
 * entry, the latest scheduled minute among them: after downtime at most the last missed run is
 * caught up, never a backlog. A run's dedupe key (app, path, minute) is unique, so a restart or
 * two platform processes ticking together never enqueue a minute twice.
 */
export class CronScheduler implements Disposable {
  private readonly now: () => number;
  /** Parsed entries by version id (a version's manifest never changes). */
  private readonly entriesByVersion = new Map<string, CronEntry[]>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<number> | undefined;
  private disposed = false;

  constructor(private readonly options: CronSchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Ticks at the start of every minute. */
  start(): void {
    if (this.timer || this.disposed) return;
    this.schedule();
  }

  /** Enqueues the runs due since the last tick; answers how many it enqueued. */
  tick(): Promise<number> {
    this.ticking ??= this.tickOnce().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    await this.ticking?.catch(() => undefined);
  }

  private schedule(): void {
    if (this.disposed) return;
    const now = this.now();
    const delay = floorToMinute(now) + MINUTE_MS + TICK_OFFSET_MS - now;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: unknown) => this.options.log.warn('cron: enqueuing due runs failed', error))
        .finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  private async tickOnce(): Promise<number> {
    const { db, queue, log } = this.options;
    const minute = floorToMinute(this.now());
    const cursor = await db
      .selectFrom('cron_cursors')
      .select('last_minute')
      .where('name', '=', CURSOR)
      .executeTakeFirst();
    // The first tick ever covers its own minute only.
    const since = cursor ? Date.parse(cursor.last_minute) : minute - MINUTE_MS;
    if (minute <= since) return 0;
    let enqueued = 0;
    for (const app of await this.appsWithCron()) {
      if (!(await this.options.servicesOf(app.tenantId)).has('tasks')) continue;
      for (const entry of app.entries) {
        const run = entry.expression.previous(new Date(minute));
        if (!run || run.getTime() <= since) continue;
        try {
          const added = await queue.enqueueCronRun(
            { tenantId: app.tenantId, appId: app.appId },
            { path: entry.path, schedule: entry.expression.source, scheduledAt: run },
          );
          if (added) enqueued += 1;
        } catch (error) {
          if (!isDomainError(error)) throw error;
          log.warn(`cron: the run of ${entry.path} of app ${app.appId} was refused: ${error.message}`);
        }
      }
    }
    const last = new Date(minute).toISOString();
    // Only ever forward: a scheduler with a slower clock must not move the cursor back.
    await db
      .insertInto('cron_cursors')
      .values({ name: CURSOR, last_minute: last })
      .onConflict((conflict) =>
        conflict.column('name').doUpdateSet({ last_minute: last }).where('cron_cursors.last_minute', '<', last),
      )
      .execute();
    if (enqueued > 0) log.info(`cron: enqueued ${enqueued} run(s) for ${last}`);
    return enqueued;
  }

  /** Apps whose active version declares cron entries, with the entries parsed. */
  private async appsWithCron(): Promise<{ tenantId: string; appId: string; entries: CronEntry[] }[]> {
    const { db } = this.options;
    const active = await db
      .selectFrom('apps')
      .select(['id', 'tenant_id', 'active_version_id'])
      .where('active_version_id', 'is not', null)
      .execute();
    const unknown = active.flatMap((app) =>
      app.active_version_id && !this.entriesByVersion.has(app.active_version_id) ? [app.active_version_id] : [],
    );
    if (unknown.length > 0) {
      const versions = await db
        .selectFrom('app_versions')
        .select(['id', 'app_id', 'manifest'])
        .where('id', 'in', unknown)
        .execute();
      for (const version of versions) this.entriesByVersion.set(version.id, this.entriesOf(version));
    }
    const current = new Set(active.map((app) => app.active_version_id));
    for (const versionId of this.entriesByVersion.keys())
      if (!current.has(versionId)) this.entriesByVersion.delete(versionId);
    return active.flatMap((app) => {
      const entries = this.entriesByVersion.get(app.active_version_id ?? '') ?? [];
      return entries.length > 0 ? [{ tenantId: app.tenant_id, appId: app.id, entries }] : [];
    });
  }

  private entriesOf(version: { id: string; app_id: string; manifest: string }): CronEntry[] {
    try {
      const cron = (JSON.parse(version.manifest) as { cron?: unknown }).cron;
      if (!Array.isArray(cron)) return [];
      return cron.flatMap((item: unknown) => {
        const { path, schedule } = (item ?? {}) as { path?: unknown; schedule?: unknown };
        if (typeof path !== 'string' || typeof schedule !== 'string') return [];
        return [{ path, expression: CronExpression.parse(schedule) }];
      });
    } catch (error) {
      // slipway.json was validated at publish; a version that still does not parse runs no cron.
      this.options.log.warn(
        `cron: the cron entries of version ${version.id} of app ${version.app_id} are unusable`,
        error,
      );
      return [];
    }
  }
}
