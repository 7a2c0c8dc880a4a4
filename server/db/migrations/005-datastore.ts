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
  // An entity's index rows, keyed by entity (replacing them on put, per-entity checks in queries).
  // Small rows: SQLite keeps them in the primary key's b-tree itself.
  await db.schema
    .createTable('datastore_values')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('key_sort', bytes, (c) => c.notNull())
    .addColumn('property', 'text', (c) => c.notNull())
    .addColumn('sort_value', bytes, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('multi', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('datastore_values_pk', [
      'tenant_id',
      'app_id',
      'environment',
      'key_sort',
      'property',
      'sort_value',
    ])
    .$call((builder) => (postgres ? builder : builder.modifyEnd(sql`without rowid`)))
    .execute();
  // What queries scan: a property's values in order within a kind, then by key (covering).
  await db.schema
    .createIndex('datastore_values_query')
    .on('datastore_values')
    .columns(['tenant_id', 'app_id', 'environment', 'kind', 'property', 'sort_value', 'key_sort', 'multi'])
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
  if (!postgres) await describeDatastoreTablesToSqlite(db);
}

/**
 * SQLite plans from sqlite_stat1 when it has rows for a table, and otherwise assumes an equality
 * on an index's first column leaves about ten rows: it would take `tenant_id = ?` for selective and
 * scan a whole app (in key order) instead of looking values up. These fixed figures describe the
 * tables' shape (many rows per app, ~8 index rows per entity, few entities per value); a later
 * ANALYZE replaces them with measured ones. `analyze sqlite_schema` makes this connection read them.
 */
async function describeDatastoreTablesToSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`analyze datastore_id_counters`.execute(db);
  await sql`delete from sqlite_stat1 where tbl in ('datastore_entities', 'datastore_values')`.execute(db);
  await sql`insert into sqlite_stat1 (tbl, idx, stat) values
    ('datastore_entities', 'sqlite_autoindex_datastore_entities_1', '100000 10000 1000 500 1'),
    ('datastore_values', 'datastore_values', '1000000 100000 10000 5000 8 2 1'),
    ('datastore_values', 'datastore_values_query', '1000000 100000 10000 5000 1000 100 10 1 1')`.execute(db);
  await sql`analyze sqlite_schema`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['datastore_id_counters', 'datastore_values', 'datastore_entities']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    await sql`delete from sqlite_stat1 where tbl like 'datastore_%'`.execute(db);
  }
}
