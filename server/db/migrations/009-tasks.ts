import type { Kysely } from 'kysely';

/**
 * The Tasks platform service: each app's queued calls of its own paths (push queues and cron
 * runs) and the cron scheduler's cursor. A task is claimed by a dispatcher with a lease (owner
 * and expiry) so that a crashed platform's tasks run again; cron runs carry a dedupe key that is
 * unique per app, so a scheduled minute is never enqueued twice. No foreign keys: tasks of a
 * deleted app fail, go to the dead letters and are purged with them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  // What dispatchers poll: pending tasks that are due, running ones whose lease ran out.
  await db.schema.createIndex('tasks_due').on('tasks').columns(['state', 'next_run_at']).execute();
  await db.schema.createIndex('tasks_leases').on('tasks').columns(['state', 'lease_expires_at']).execute();
  // One queue's due tasks in order, and an app's dead letters newest first.
  await db.schema
    .createIndex('tasks_queue')
    .on('tasks')
    .columns(['tenant_id', 'app_id', 'environment', 'queue', 'state', 'next_run_at'])
    .execute();
  await db.schema
    .createIndex('tasks_finished')
    .on('tasks')
    .columns(['tenant_id', 'app_id', 'environment', 'state', 'finished_at'])
    .execute();
  // NULLs are distinct in both dialects: only cron runs (which set the key) are deduplicated.
  await db.schema
    .createIndex('tasks_dedupe')
    .on('tasks')
    .columns(['app_id', 'environment', 'dedupe_key'])
    .unique()
    .execute();
  await db.schema
    .createTable('cron_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    /** The last minute (ISO) whose cron runs were enqueued. */
    .addColumn('last_minute', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cron_cursors').ifExists().execute();
  await db.schema.dropTable('tasks').ifExists().execute();
}
