import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The Datastore platform service: entities, one row per indexed property value (what queries
 * scan), and id counters. Every row carries its scope (tenant, app, environment). Keys and index
 * values are order-preserving bytes (BLOB/bytea compare like memcmp in both dialects, unaffected
 * by collations). No foreign keys: the service deletes an app's data itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytes = postgres ? 'bytea' : 'blob';
  await db.schema
    .createTable('datastore_entities')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('key_sort', bytes, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('datastore_entities_pk', ['tenant_id', 'app_id', 'environment', 'key_sort'])
    .execute();
  // Small rows read by range: SQLite keeps them in the primary key's b-tree itself.
  await db.schema
    .createTable('datastore_values')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('property', 'text', (c) => c.notNull())
    .addColumn('sort_value', bytes, (c) => c.notNull())
    .addColumn('key_sort', bytes, (c) => c.notNull())
    .addColumn('multi', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('datastore_values_pk', [
      'tenant_id',
      'app_id',
      'environment',
      'kind',
      'property',
      'sort_value',
      'key_sort',
    ])
    .$call((builder) => (postgres ? builder : builder.modifyEnd(sql`without rowid`)))
    .execute();
  // An entity's own values: replacing them on put, and per-entity checks in queries.
  await db.schema
    .createIndex('datastore_values_entity')
    .on('datastore_values')
    .columns(['tenant_id', 'app_id', 'environment', 'key_sort', 'property', 'sort_value'])
    .execute();
  await db.schema
    .createTable('datastore_id_counters')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('next_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('datastore_id_counters_pk', ['tenant_id', 'app_id', 'environment', 'kind'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['datastore_id_counters', 'datastore_values', 'datastore_entities']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
