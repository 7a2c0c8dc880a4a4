import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { conflict } from '../../core/errors';
import type { Database } from '../../db/schema';
import type { ServiceScope } from '../service-scope';
import { decodeKey } from './datastore-encoding';
import { describeKey, storable, type PreparedEntity, type StorableEntity } from './datastore-entities';
import type { DatastoreSql } from './datastore-sql';
import type { DatastoreKey } from './datastore-types';

/*
 * The Datastore's reads and writes of its tables, a fixed number of statements per batch (no
 * statement per entity). Writes run inside a transaction the caller opened.
 */

/** Rows per INSERT into datastore_values (8 parameters each, under SQLite's 32,766). */
const valueRowsPerStatement = 2000;
/** Bounded memo of id counters known to be at least a value, so explicit ids rarely cost a write. */
const counterFloorsMax = 10_000;
const int64Max = (1n << 63n) - 1n;

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

/**
 * Writes entities and replaces their index rows; returns the new versions by hex key. Keys in
 * `mustBeAbsent` are inserted only if no entity has them (else a conflict): a transaction read
 * them as absent, and a plain put may have created one since.
 */
export async function writeEntities(
  trx: Kysely<Database>,
  dialect: DatastoreSql,
  scope: ServiceScope,
  entities: readonly StorableEntity[],
  mustBeAbsent: ReadonlySet<string> = new Set(),
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
  const fresh = sorted.filter((entity) => mustBeAbsent.has(entity.keySort.toString('hex')));
  const others = sorted.filter((entity) => !mustBeAbsent.has(entity.keySort.toString('hex')));
  if (fresh.length > 0) {
    const inserted = await trx
      .insertInto('datastore_entities')
      .values(fresh.map(row))
      .onConflict((oc) => oc.columns(['tenant_id', 'app_id', 'environment', 'key_sort']).doNothing())
      .returning(['key_sort', sql<string>`cast(version as text)`.as('version')])
      .execute();
    for (const { key_sort, version } of inserted) versions.set(Buffer.from(key_sort).toString('hex'), version);
    const taken = fresh.find((entity) => !versions.has(entity.keySort.toString('hex')));
    if (taken) {
      throw conflict(`The entity ${describeKey(taken.key)} was created after the transaction read it as absent.`, {
        key: taken.key,
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
  const valueRows = sorted.flatMap((entity) =>
    entity.index.map((entry) => ({
      tenant_id: scope.tenantId,
      app_id: scope.appId,
      environment: scope.environment,
      kind: entity.key.kind,
      property: entry.property,
      sort_value: entry.sortValue,
      key_sort: entity.keySort,
      multi: entry.multi,
    })),
  );
  for (let start = 0; start < valueRows.length; start += valueRowsPerStatement) {
    await trx
      .insertInto('datastore_values')
      .values(valueRows.slice(start, start + valueRowsPerStatement))
      .execute();
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

/** Allocates ids for incomplete keys and keeps the counters above every explicit id. */
export class IdAllocator {
  private readonly floors = new Map<string, bigint>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DatastoreSql,
  ) {}

  /**
   * Completes the keys of `entities`. Runs outside the write transaction (its own short statement
   * per kind) so concurrent puts do not queue on the counter row; a failed put leaves a gap.
   */
  async complete(scope: ServiceScope, entities: readonly PreparedEntity[]): Promise<StorableEntity[]> {
    const byKind = new Map<string, { missing: number; maxId: bigint }>();
    for (const { key } of entities) {
      const entry = byKind.get(key.kind) ?? { missing: 0, maxId: 0n };
      if (key.id !== undefined) entry.maxId = BigInt(key.id) > entry.maxId ? BigInt(key.id) : entry.maxId;
      else if (key.name === undefined) entry.missing += 1;
      byKind.set(key.kind, entry);
    }
    const next = new Map<string, bigint>();
    for (const [kind, { missing, maxId }] of byKind) {
      const first = await this.reserve(scope, kind, missing, maxId);
      if (first !== undefined) next.set(kind, first);
    }
    return entities.map((entity) => {
      if (entity.key.id !== undefined || entity.key.name !== undefined) return storable(entity, entity.key);
      const id = next.get(entity.key.kind) ?? 1n;
      next.set(entity.key.kind, id + 1n);
      return storable(entity, { kind: entity.key.kind, id: id.toString() });
    });
  }

  /** Reserves `count` ids above `atLeast`; returns the first, or undefined when `count` is 0. */
  private async reserve(
    scope: ServiceScope,
    kind: string,
    count: number,
    atLeast: bigint,
  ): Promise<bigint | undefined> {
    const memo = `${scope.tenantId}\u0000${scope.appId}\u0000${scope.environment}\u0000${kind}`;
    // Ids this close to the int64 maximum cannot move the counter without overflowing it; whoever
    // sets them manages their own id space.
    const floor = atLeast < int64Max - 1_000_000n ? atLeast + 1n : 1n;
    if (count === 0 && floor <= (this.floors.get(memo) ?? 0n)) return undefined;
    const row = await this.db
      .insertInto('datastore_id_counters')
      .values({
        tenant_id: scope.tenantId,
        app_id: scope.appId,
        environment: scope.environment,
        kind,
        next_id: sql<string>`cast(${(floor + BigInt(count)).toString()} as bigint)`,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'app_id', 'environment', 'kind']).doUpdateSet({
          next_id: sql<string>`${this.dialect.greatest(
            sql`datastore_id_counters.next_id`,
            sql`cast(${floor.toString()} as bigint)`,
          )} + ${count}`,
        }),
      )
      .returning(sql<string>`cast(next_id as text)`.as('next_id'))
      .executeTakeFirstOrThrow();
    const nextId = BigInt(row.next_id);
    if (this.floors.size >= counterFloorsMax) this.floors.clear();
    this.floors.set(memo, nextId);
    return count > 0 ? nextId - BigInt(count) : undefined;
  }
}

/** The keys of rows, decoded. */
export function keysOf(rows: readonly { key_sort: Uint8Array }[]): DatastoreKey[] {
  return rows.map((row) => decodeKey(row.key_sort));
}
