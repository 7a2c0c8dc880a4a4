import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * Push messages kept for users with no open page, until a page acknowledges them or their TTL
 * passes. `seq` (assigned by the database) is the delivery order; `id` is what pages see and
 * dedupe by. Messages to topics are never stored. No foreign keys: the rows are short-lived.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('push_messages')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    /** The message, JSON text as the app sent it (at most 64 KiB). */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  // A user's queue in order (what a connecting page drains), and the expiry sweep.
  await db.schema
    .createIndex('push_messages_user')
    .on('push_messages')
    .columns(['tenant_id', 'app_id', 'environment', 'user_id', 'seq'])
    .execute();
  await db.schema.createIndex('push_messages_expiry').on('push_messages').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('push_messages').ifExists().execute();
}
