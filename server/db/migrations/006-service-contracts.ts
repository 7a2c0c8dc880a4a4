import type { Kysely } from 'kysely';

/**
 * Each tenant's contract for the platform services (which services, the URL fetch domain
 * policy) and the URL fetch audit log. A tenant without a contract row gets every service and
 * no domain policy (private and internal addresses are always refused).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('service_contracts')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    /** JSON array of service names. */
    .addColumn('services', 'text', (c) => c.notNull())
    /** JSON {allow?: string[], deny?: string[]}. */
    .addColumn('url_policy', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Audit rows outlive the apps they describe: no foreign keys.
  await db.schema
    .createTable('urlfetch_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('final_url', 'text')
    .addColumn('status', 'integer')
    .addColumn('address', 'text')
    .addColumn('bytes_out', 'bigint', (c) => c.notNull())
    .addColumn('bytes_in', 'bigint', (c) => c.notNull())
    .addColumn('ms', 'double precision', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('urlfetch_log_tenant_at').on('urlfetch_log').columns(['tenant_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('urlfetch_log').execute();
  await db.schema.dropTable('service_contracts').execute();
}
