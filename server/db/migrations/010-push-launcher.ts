import type { Kysely } from 'kysely';

/**
 * A user's kept push messages across the organisation's apps, in order: what a connecting mobile
 * launcher drains (decision 015). The index of 007 leads with the app, which a launcher does not name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('push_messages_launcher')
    .on('push_messages')
    .columns(['tenant_id', 'environment', 'user_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('push_messages_launcher').ifExists().execute();
}
