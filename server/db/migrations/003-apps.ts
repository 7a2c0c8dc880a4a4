import type { Kysely } from 'kysely';

/** Published apps, their immutable versions, publish operations and the instances that serve them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('runtime', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('active_version_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('apps_tenant_slug', ['tenant_id', 'slug'])
    .execute();
  await db.schema
    .createTable('app_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('health', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('commit_sha', 'text')
    .addColumn('artifact_hash', 'text')
    .addColumn('artifact_bytes', 'integer')
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('build_log', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('app_versions_number', ['app_id', 'number'])
    .execute();
  await db.schema
    .createTable('publish_operations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('version_id', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('publish_operations_app').on('publish_operations').column('app_id').execute();
  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('driver', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addColumn('endpoint', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('restarts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ready_at', 'text')
    .addColumn('stopped_at', 'text')
    .execute();
  await db.schema.createIndex('instances_app').on('instances').columns(['app_id', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['instances', 'publish_operations', 'app_versions', 'apps']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
