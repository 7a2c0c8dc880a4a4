import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import type { PlatformServiceName } from '../../protocol/platform-services';
import { testDialects } from '../../test-support/test-databases';
import { CronScheduler } from './cron-scheduler';
import { TaskQueue } from './task-queue';
import { disposeTaskTests, onTestEnd, openTaskDatabase, quietLog } from './tasks-test-support';

afterEach(disposeTaskTests);

const EVERY_SERVICE = new Set<PlatformServiceName>(['datastore', 'tasks']);

/** A tenant, a user and an app whose active version declares `cron` (and an inactive version). */
async function publishApp(
  db: Kysely<Database>,
  appId: string,
  cron: { path: string; schedule: string }[],
  tenantId = 'tenant-a',
): Promise<void> {
  const created_at = new Date().toISOString();
  await db
    .insertInto('tenants')
    .values({ id: tenantId, slug: tenantId, name: tenantId, created_at })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
  await db
    .insertInto('users')
    .values({
      id: 'user-1',
      email: 'dev@example.test',
      name: 'Dev',
      password_hash: null,
      is_operator: 0,
      invitation_token_hash: null,
      created_at,
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
  await db
    .insertInto('apps')
    .values({
      id: appId,
      tenant_id: tenantId,
      slug: appId,
      title: appId,
      runtime: 'python',
      project_id: null,
      active_version_id: null,
      created_by: 'user-1',
      created_at,
    })
    .execute();
  const version = (id: string, number: number, manifestCron: unknown) => ({
    id,
    app_id: appId,
    number,
    state: 'ready',
    health: 'healthy',
    source: 'ide',
    commit_sha: null,
    artifact_hash: null,
    artifact_bytes: null,
    manifest: JSON.stringify({ name: appId, runtime: 'python', kind: 'wsgi', entry: 'app:app', cron: manifestCron }),
    build_log: '',
    created_by: 'user-1',
    created_at,
  });
  await db
    .insertInto('app_versions')
    .values([version(`${appId}-v1`, 1, [{ path: '/old', schedule: '* * * * *' }]), version(`${appId}-v2`, 2, cron)])
    .execute();
  await db
    .updateTable('apps')
    .set({ active_version_id: `${appId}-v2` })
    .where('id', '=', appId)
    .execute();
}

async function cronTasks(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('tasks')
    .select(['app_id', 'path', 'payload', 'next_run_at', 'queue', 'environment'])
    .orderBy('next_run_at')
    .orderBy('app_id')
    .orderBy('path')
    .execute();
  return rows.map((row) => `${row.app_id} ${row.path} ${row.next_run_at}`);
}

describe.each(testDialects())('CronScheduler on %s', (dialect) => {
  async function setUp(start: string) {
    const { db, openAnother } = await openTaskDatabase(dialect);
    const clock = { now: Date.parse(start) };
    const scheduler = (database: Kysely<Database> = db, services = EVERY_SERVICE) => {
      const created = new CronScheduler({
        db: database,
        queue: new TaskQueue(database, () => clock.now),
        servicesOf: () => Promise.resolve(services),
        log: quietLog,
        now: () => clock.now,
      });
      onTestEnd(() => created.dispose());
      return created;
    };
    return { db, openAnother, clock, scheduler };
  }

  it("enqueues each due run of the active version's entries, as a production task with its schedule", async () => {
    const { db, clock, scheduler } = await setUp('2026-03-02T06:59:30Z');
    await publishApp(db, 'reports', [
      { path: '/cron/daily', schedule: '0 7 * * MON-FRI' },
      { path: '/cron/quarter-hour', schedule: '*/15 * * * *' },
    ]);
    const cron = scheduler();
    expect(await cron.tick()).toBe(0); // 06:59: nothing due (and the old version's entry is ignored)
    clock.now = Date.parse('2026-03-02T07:00:01Z');
    expect(await cron.tick()).toBe(2);
    expect(await cron.tick()).toBe(0); // the same minute again
    clock.now = Date.parse('2026-03-02T07:15:01Z');
    expect(await cron.tick()).toBe(1);
    expect(await cronTasks(db)).toEqual([
      'reports /cron/daily 2026-03-02T07:00:00.000Z',
      'reports /cron/quarter-hour 2026-03-02T07:00:00.000Z',
      'reports /cron/quarter-hour 2026-03-02T07:15:00.000Z',
    ]);
    const row = await db.selectFrom('tasks').selectAll().where('path', '=', '/cron/daily').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ environment: 'production', queue: 'cron', method: 'POST', tenant_id: 'tenant-a' });
    expect(JSON.parse(row.payload!)).toEqual({ schedule: '0 7 * * MON-FRI', scheduledAt: '2026-03-02T07:00:00.000Z' });
  });

  it('enqueues each minute exactly once across two schedulers (two platform processes) ticking together', async () => {
    const { db, openAnother, clock, scheduler } = await setUp('2026-03-02T07:00:00Z');
    await publishApp(db, 'ticker', [{ path: '/cron/tick', schedule: '* * * * *' }]);
    await publishApp(db, 'other', [{ path: '/cron/tick', schedule: '*/2 * * * *' }]);
    const [a, b] = [scheduler(db), scheduler(await openAnother())];
    for (let minute = 0; minute < 4; minute++) {
      clock.now = Date.parse('2026-03-02T07:00:05Z') + minute * 60_000;
      await Promise.all([a.tick(), b.tick(), a.tick()]);
    }
    expect(await cronTasks(db)).toEqual([
      'other /cron/tick 2026-03-02T07:00:00.000Z',
      'ticker /cron/tick 2026-03-02T07:00:00.000Z',
      'ticker /cron/tick 2026-03-02T07:01:00.000Z',
      'other /cron/tick 2026-03-02T07:02:00.000Z',
      'ticker /cron/tick 2026-03-02T07:02:00.000Z',
      'ticker /cron/tick 2026-03-02T07:03:00.000Z',
    ]);
  });

  it('catches up only the last missed run after downtime, and never runs a minute twice after a restart', async () => {
    const { db, clock, scheduler } = await setUp('2026-03-02T07:00:10Z');
    await publishApp(db, 'ticker', [
      { path: '/cron/minutely', schedule: '* * * * *' },
      { path: '/cron/hourly', schedule: '30 * * * *' },
      { path: '/cron/yearly', schedule: '0 0 1 1 *' },
    ]);
    await scheduler().tick();
    // Down from 07:00 to 09:45: 165 minutely runs and two hourly ones were missed.
    clock.now = Date.parse('2026-03-02T09:45:20Z');
    const restarted = scheduler();
    expect(await restarted.tick()).toBe(2);
    // A second restart in the same minute enqueues nothing more.
    expect(await scheduler().tick()).toBe(0);
    expect(await cronTasks(db)).toEqual([
      'ticker /cron/minutely 2026-03-02T07:00:00.000Z',
      'ticker /cron/hourly 2026-03-02T09:30:00.000Z',
      'ticker /cron/minutely 2026-03-02T09:45:00.000Z',
    ]);
  });

  it('does not run the past of a schedule on the first tick ever', async () => {
    const { db, clock, scheduler } = await setUp('2026-03-02T07:00:10Z');
    await publishApp(db, 'fresh', [{ path: '/cron/hourly', schedule: '30 * * * *' }]);
    expect(await scheduler().tick()).toBe(0);
    clock.now = Date.parse('2026-03-02T07:30:00Z');
    expect(await scheduler().tick()).toBe(1);
  });

  it('never moves the shared cursor back when a scheduler with a slower clock ticks', async () => {
    const { db, clock, scheduler } = await setUp('2026-03-02T07:05:10Z');
    await publishApp(db, 'ticker', [{ path: '/cron/tick', schedule: '* * * * *' }]);
    await scheduler().tick();
    clock.now = Date.parse('2026-03-02T07:03:10Z');
    expect(await scheduler().tick()).toBe(0);
    const cursor = await db.selectFrom('cron_cursors').selectAll().executeTakeFirstOrThrow();
    expect(cursor.last_minute).toBe('2026-03-02T07:05:00.000Z');
  });

  it('runs no cron for a tenant whose contract leaves tasks out', async () => {
    const { db, clock, scheduler } = await setUp('2026-03-02T07:00:10Z');
    await publishApp(db, 'ticker', [{ path: '/cron/tick', schedule: '* * * * *' }]);
    const cron = scheduler(db, new Set<PlatformServiceName>(['datastore']));
    await cron.tick();
    clock.now += 60_000;
    expect(await cron.tick()).toBe(0);
    expect(await cronTasks(db)).toEqual([]);
  });
});
