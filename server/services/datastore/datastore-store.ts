import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { conflict } from '../../core/errors';
import type { Database } from '../../db/schema';
import type { ServiceScope } from '../service-scope';
import { describeKey, type StorableEntity } from './datastore-entities';
import type { DatastoreSql } from './datastore-sql';
import type { DatastoreKey } from './datastore-types';

/*
 * The Datastore's reads and writes of its tables, a fixed number of statements per batch (no
 * statement per entity). Writes run inside a transaction the caller opened.
 */

/** Index rows per INSERT into datastore_values (one JSON parameter). */
const valueRowsPerStatement = 5000;

type ScopedTable = 'datastore_entities' | 'datastore_values' | 'datastore_id_counters';

/** `tenant_id = … and app_id = … and environment = …` for a scoped table. */
export function inScope<T extends ScopedTable>(scope: ServiceScope) {
  return (eb: ExpressionBuilder<Database, T>) =>
    eb.and([
      eb(eb.ref('tenant_id' as never), '=', scope.tenantId as never),
      eb(eb.ref('app_id' as never), '=', scope.appId as never),
      eb(eb.ref('environment' as never), '=', scope.environment as never),
    ]);
}

let lastVersion = 0;

/**
 * A floor for the next version: microseconds since the epoch, increasing within this process.
 * An entity's new version is the larger of this and its old version + 1, so versions only grow,
 * and an entity deleted and created again does not get a version it had before.
 */
function versionFloor(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

/** The entities at `keySorts` that exist: key bytes, version and properties (JSON text). */
export async function readEntities(
  db: Kysely<Database>,
  scope: ServiceScope,
  keySorts: readonly Buffer[],
): Promise<{ key_sort: Buffer; version: string; data: string }[]> {
  if (keySorts.length === 0) return [];
  return db
    .selectFrom('datastore_entities')
    .select(['key_sort', sql<string>`cast(version as text)`.as('version'), 'data'])
    .where(inScope(scope))
    .where('key_sort', 'in', [...keySorts])
    .execute();
}

/** Current versions of `keySorts` by hex key, locked until commit where the dialect can. */
export async function readVersionsForUpdate(
  trx: Kysely<Database>,
  dialect: DatastoreSql,
  scope: ServiceScope,
  keySorts: readonly Buffer[],
): Promise<Map<string, string>> {
  if (keySorts.length === 0) return new Map();
  const rows = await sql<{ key_sort: Buffer; version: string }>`
    select key_sort, cast(version as text) as version from datastore_entities
    where tenant_id = ${scope.tenantId} and app_id = ${scope.appId} and environment = ${scope.environment}
      and key_sort in (${sql.join(keySorts)})
    order by key_sort ${dialect.forUpdate}`.execute(trx);
  return new Map(rows.rows.map((row) => [Buffer.from(row.key_sort).toString('hex'), row.version]));
}

/** An allocated id already had an entity (another process wrote it as an explicit id). */
export class AllocatedIdTaken extends Error {
  constructor(readonly keys: DatastoreKey[]) {
    super(`allocated ids already in use: ${keys.map(describeKey).join(', ')}`);
  }
}

/**
 * Writes entities and replaces their index rows; returns the new versions by hex key. Keys in
 * `absent` (a transaction read them as absent; a plain put may have created one since) and in
 * `allocated` (new ids) are only inserted, never overwritten: an existing entity there is a
 * conflict, or AllocatedIdTaken.
 */
export async function writeEntities(
  trx: Kysely<Database>,
  dialect: DatastoreSql,
  scope: ServiceScope,
  entities: readonly StorableEntity[],
  absent: ReadonlySet<string>,
  allocated: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  if (entities.length === 0) return versions;
  // One order for every writer keeps PostgreSQL's row locks free of deadlocks.
  const sorted = [...entities].sort((a, b) => Buffer.compare(a.keySort, b.keySort));
  const floor = versionFloor();
  const row = (entity: StorableEntity) => ({
    tenant_id: scope.tenantId,
    app_id: scope.appId,
    environment: scope.environment,
    key_sort: entity.keySort,
    kind: entity.key.kind,
    version: floor,
    data: entity.data,
  });
  const isNew = (entity: StorableEntity) => {
    const hex = entity.keySort.toString('hex');
    return absent.has(hex) || allocated.has(hex);
  };
  const fresh = sorted.filter(isNew);
  const others = sorted.filter((entity) => !isNew(entity));
  if (fresh.length > 0) {
    const inserted = await trx
      .insertInto('datastore_entities')
      .values(fresh.map(row))
      .onConflict((oc) => oc.columns(['tenant_id', 'app_id', 'environment', 'key_sort']).doNothing())
      .returning(['key_sort', sql<string>`cast(version as text)`.as('version')])
      .execute();
    for (const { key_sort, version } of inserted) versions.set(Buffer.from(key_sort).toString('hex'), version);
    const existing = fresh.filter((entity) => !versions.has(entity.keySort.toString('hex')));
    const taken = existing.filter((entity) => allocated.has(entity.keySort.toString('hex')));
    if (taken.length > 0) throw new AllocatedIdTaken(taken.map((entity) => entity.key));
    const [created] = existing;
    if (created) {
      throw conflict(`The entity ${describeKey(created.key)} was created after the transaction read it as absent.`, {
        key: created.key,
      });
    }
  }
  if (others.length > 0) {
    const updated = await trx
      .insertInto('datastore_entities')
      .values(others.map(row))
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'app_id', 'environment', 'key_sort']).doUpdateSet({
          data: (eb) => eb.ref('excluded.data'),
          version: dialect.greatest(sql`datastore_entities.version + 1`, sql`excluded.version`).$castTo<string>(),
        }),
      )
      .returning(['key_sort', sql<string>`cast(version as text)`.as('version')])
      .execute();
    for (const { key_sort, version } of updated) versions.set(Buffer.from(key_sort).toString('hex'), version);
  }
  // The entity rows are written (and locked) first, so a concurrent writer of the same entity
  // waits here and then sees, and deletes, the index rows this one inserts.
  await trx
    .deleteFrom('datastore_values')
    .where(inScope(scope))
    .where(
      'key_sort',
      'in',
      sorted.map((entity) => entity.keySort),
    )
    .execute();
  const valueRows = sorted.flatMap((entity) => {
    const key = entity.keySort.toString('hex');
    return entity.index.map((entry) => [
      key,
      entry.property,
      entry.sortValue.toString('hex'),
      entity.key.kind,
      entry.multi,
    ]);
  });
  for (let start = 0; start < valueRows.length; start += valueRowsPerStatement) {
    const rows = dialect.valueRowsFromJson(JSON.stringify(valueRows.slice(start, start + valueRowsPerStatement)));
    await sql`insert into datastore_values (tenant_id, app_id, environment, key_sort, property, sort_value, kind, multi)
      select ${scope.tenantId}, ${scope.appId}, ${scope.environment}, v.key_sort, v.property, v.sort_value, v.kind, v.multi
      from (${rows}) as v`.execute(trx);
  }
  return versions;
}

/** Deletes entities and their index rows; returns how many entities existed. */
export async function deleteEntities(
  trx: Kysely<Database>,
  scope: ServiceScope,
  keySorts: readonly Buffer[],
): Promise<number> {
  if (keySorts.length === 0) return 0;
  const sorted = [...keySorts].sort((a, b) => Buffer.compare(a, b));
  const result = await trx
    .deleteFrom('datastore_entities')
    .where(inScope(scope))
    .where('key_sort', 'in', sorted)
    .executeTakeFirst();
  await trx.deleteFrom('datastore_values').where(inScope(scope)).where('key_sort', 'in', sorted).execute();
  return Number(result.numDeletedRows);
}
