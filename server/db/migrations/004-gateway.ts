import type { Kysely } from 'kysely';

/**
 * The gateway's app sessions (the login hop on app hosts) and metering: raw request rows,
 * per-minute roll-ups, instance usage per minute, and the access-log cursor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_login_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('app_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  // Usage rows outlive the apps they describe (billing): no foreign keys.
  await db.schema
    .createTable('usage_requests')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('bytes_in', 'bigint', (c) => c.notNull())
    .addColumn('bytes_out', 'bigint', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addColumn('upstream', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('minute', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_requests_minute').on('usage_requests').columns(['minute', 'app_id']).execute();
  await db.schema
    .createTable('usage_minutes')
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('minute', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('bytes_in', 'bigint', (c) => c.notNull())
    .addColumn('bytes_out', 'bigint', (c) => c.notNull())
    .addColumn('latency_ms_sum', 'double precision', (c) => c.notNull())
    .addColumn('latency_ms_max', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_minutes_pk', ['app_id', 'version_id', 'minute'])
    .execute();
  await db.schema
    .createTable('usage_instance_minutes')
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('minute', 'text', (c) => c.notNull())
    .addColumn('instance_seconds', 'double precision', (c) => c.notNull())
    .addColumn('memory_mb_seconds', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_instance_minutes_pk', ['app_id', 'minute'])
    .execute();
  await db.schema
    .createTable('usage_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('inode', 'text', (c) => c.notNull())
    .addColumn('offset', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'usage_cursors',
    'usage_instance_minutes',
    'usage_minutes',
    'usage_requests',
    'app_sessions',
    'app_login_codes',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
