import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { ServiceEnvironment, ServiceScope } from '../service-scope';
import { checkReads, parseCommit } from './datastore-commit';
import { decodeCursor, encodeCursor, queryFingerprint } from './datastore-cursor';
import { decodeKey, encodeKey } from './datastore-encoding';
import {
  entityOf,
  parseKeys,
  prepareEntities,
  prepareEntity,
  refuseDuplicates,
  type PreparedEntity,
  type StorableEntity,
} from './datastore-entities';
import { IdAllocator, type CompletedKeys } from './datastore-ids';
import { indexServes, missingIndexError } from './datastore-indexes';
import { parseQuery } from './datastore-query';
import { buildQuerySql } from './datastore-query-sql';
import { datastoreSqlFor, type DatastoreSql } from './datastore-sql';
import { AllocatedIdTaken, deleteEntities, inScope, readEntities, writeEntities } from './datastore-store';
import type {
  DatastoreCommitRequest,
  DatastoreCommitResult,
  DatastoreEntity,
  DatastoreGetResult,
  DatastoreIndex,
  DatastoreKey,
  DatastorePutResult,
  DatastoreQuery,
  DatastoreQueryResult,
} from './datastore-types';
import { datastoreLimits } from './datastore-types';

/** The composite indexes an app declared (slipway.json `datastore.indexes`) for a scope. */
export type DatastoreIndexesFor = (
  scope: ServiceScope,
) => readonly DatastoreIndex[] | Promise<readonly DatastoreIndex[]>;

/** Options of the Datastore service. */
export interface DatastoreServiceOptions {
  /** Declared composite indexes; none when omitted (queries on one property still work). */
  indexesFor?: DatastoreIndexesFor;
}

/** Attempts of a write whose allocated ids another process had used as explicit ids. */
const allocationAttempts = 5;
/** Entities read per statement by `exportData`. */
const exportPageSize = 500;

/**
 * The Datastore platform service: schemaless entities per app and environment with typed values,
 * queries over per-property indexes, and optimistic transactions (see README.md). Arguments are
 * the wire JSON as received and validated at run time whatever their static type; every statement
 * is scoped to `scope`.
 */
export class DatastoreService {
  private readonly dialect: DatastoreSql;
  private readonly ids: IdAllocator;
  private readonly indexesFor: DatastoreIndexesFor;

  constructor(
    private readonly db: Kysely<Database>,
    options: DatastoreServiceOptions = {},
  ) {
    this.dialect = datastoreSqlFor(db);
    this.ids = new IdAllocator(db, this.dialect);
    this.indexesFor = options.indexesFor ?? (() => []);
  }

  /** Reads entities by key (at most 500); `found` follows the request order. */
  async get(scope: ServiceScope, keys: readonly DatastoreKey[]): Promise<DatastoreGetResult> {
    const parsed = parseKeys(keys, 'keys');
    const encoded = parsed.map(encodeKey);
    const rows = await readEntities(this.db, scope, encoded);
    const byKey = new Map(rows.map((row) => [Buffer.from(row.key_sort).toString('hex'), row]));
    const found: DatastoreEntity[] = [];
    const missing: DatastoreKey[] = [];
    parsed.forEach((key, index) => {
      const row = byKey.get(encoded[index]!.toString('hex'));
      if (row) found.push(entityOf(key, row.data, row.version));
      else missing.push(key);
    });
    return { found, missing };
  }

  /** Writes entities (at most 500) in one transaction; keys without name or id get an allocated id. */
  async put(scope: ServiceScope, entities: readonly DatastoreEntity[]): Promise<DatastorePutResult> {
    const prepared = prepareEntities(entities, 'entities');
    const { entities: complete, result: versions } = await this.writeWithKeys(
      scope,
      prepared,
      false,
      (trx, completed) => writeEntities(trx, this.dialect, scope, completed.entities, new Set(), completed.allocated),
    );
    return {
      keys: complete.map((entity) => entity.key),
      versions: complete.map((entity) => versions.get(entity.keySort.toString('hex')) ?? '0'),
    };
  }

  /** Deletes entities by key (at most 500); returns how many existed. */
  async delete(scope: ServiceScope, keys: readonly DatastoreKey[]): Promise<{ deleted: number }> {
    const encoded = parseKeys(keys, 'keys').map(encodeKey);
    const deleted = await this.dialect.write(this.db, (trx) => deleteEntities(trx, scope, encoded), false);
    return { deleted };
  }

  /** Runs one page of a query; pass the returned cursor back with the same query for the next page. */
  async query(scope: ServiceScope, input: DatastoreQuery): Promise<DatastoreQueryResult> {
    const query = parseQuery(input);
    if (query.indexNeed) {
      const need = query.indexNeed;
      const declared = await this.indexesFor(scope);
      if (!declared.some((index) => indexServes(index, need))) throw missingIndexError(need);
    }
    const fingerprint = queryFingerprint(scope, query);
    const probe = buildQuerySql(scope, query);
    const position =
      query.cursor === undefined ? undefined : decodeCursor(query.cursor, fingerprint, probe.positionLength);
    const built = position ? buildQuerySql(scope, query, position) : probe;
    const { rows } = await built.statement.execute(this.db);
    const page = rows.slice(0, query.limit);
    const entities = page.map((row) => {
      const key = decodeKey(row.key_sort);
      if (query.keysOnly) return { key, properties: {} };
      return entityOf(key, row.data ?? '{}', row.version ?? '0');
    });
    const last = page[page.length - 1];
    const cursor = rows.length > query.limit && last ? encodeCursor(fingerprint, built.positionOf(last)) : null;
    return { entities, cursor };
  }

  /**
   * Commits an optimistic transaction: in one database transaction, checks that every read key is
   * still at the version the caller read ("0": still absent), else throws a conflict naming the
   * key; then applies the puts and deletes.
   */
  async commit(scope: ServiceScope, request: DatastoreCommitRequest): Promise<DatastoreCommitResult> {
    const { reads, puts, deletes } = parseCommit(request);
    const deleteKeys = deletes.map(encodeKey);
    const absent = new Set(reads.filter((read) => read.version === '0').map((read) => read.keySort.toString('hex')));
    const { entities: complete, result } = await this.writeWithKeys(scope, puts, true, async (trx, completed) => {
      await checkReads(trx, this.dialect, scope, reads, [
        ...completed.entities.map((put) => put.keySort),
        ...deleteKeys,
      ]);
      const versions = await writeEntities(trx, this.dialect, scope, completed.entities, absent, completed.allocated);
      const deleted = await deleteEntities(trx, scope, deleteKeys);
      return { versions, deleted };
    });
    return {
      keys: complete.map((entity) => entity.key),
      versions: complete.map((entity) => result.versions.get(entity.keySort.toString('hex')) ?? '0'),
      deleted: result.deleted,
    };
  }

  /** Every entity of an app's environment, in key order (kind by kind), for backups. */
  async *exportData(tenantId: string, appId: string, environment: ServiceEnvironment): AsyncIterable<DatastoreEntity> {
    const scope: ServiceScope = { tenantId, appId, environment };
    let after: Buffer | undefined;
    for (;;) {
      let page = this.db
        .selectFrom('datastore_entities')
        .select(['key_sort', 'data'])
        .where(inScope(scope))
        .orderBy('key_sort')
        .limit(exportPageSize);
      if (after) page = page.where('key_sort', '>', after);
      const rows = await page.execute();
      for (const row of rows) {
        yield { key: decodeKey(row.key_sort), properties: JSON.parse(row.data) as DatastoreEntity['properties'] };
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < exportPageSize) return;
      after = Buffer.from(last.key_sort);
    }
  }

  /**
   * Restores exported entities into `scope`, keeping their keys (each needs a name or an id);
   * ids allocated afterwards are above the largest imported id of each kind. Writes in batches.
   */
  async importData(
    scope: ServiceScope,
    entities: Iterable<DatastoreEntity> | AsyncIterable<DatastoreEntity>,
  ): Promise<{ imported: number }> {
    let batch: DatastoreEntity[] = [];
    let imported = 0;
    const flush = async () => {
      const prepared = batch.map((entity, index) => prepareEntity(entity, `entities[${imported + index}]`, false));
      refuseDuplicates(
        prepared.map((entity) => entity.key),
        'entities',
      );
      await this.writeWithKeys(scope, prepared, false, (trx, completed) =>
        writeEntities(trx, this.dialect, scope, completed.entities, new Set(), completed.allocated),
      );
      imported += batch.length;
      batch = [];
    };
    for await (const entity of entities) {
      batch.push(entity);
      if (batch.length === datastoreLimits.batch) await flush();
    }
    if (batch.length > 0) await flush();
    return { imported };
  }

  /** Deletes all Datastore data of an app (both environments), for app deletion. */
  async deleteAll(tenantId: string, appId: string): Promise<{ deleted: number }> {
    const deleted = await this.dialect.write(
      this.db,
      async (trx) => {
        const result = await trx
          .deleteFrom('datastore_entities')
          .where('tenant_id', '=', tenantId)
          .where('app_id', '=', appId)
          .executeTakeFirst();
        await trx
          .deleteFrom('datastore_values')
          .where('tenant_id', '=', tenantId)
          .where('app_id', '=', appId)
          .execute();
        await trx
          .deleteFrom('datastore_id_counters')
          .where('tenant_id', '=', tenantId)
          .where('app_id', '=', appId)
          .execute();
        return Number(result.numDeletedRows);
      },
      false,
    );
    this.ids.forgetApp(tenantId, appId);
    return { deleted };
  }

  /**
   * Completes keys (allocating ids) and runs `work` in a write transaction; tries again with new
   * ids when an allocated one turns out to be taken.
   */
  private async writeWithKeys<T>(
    scope: ServiceScope,
    prepared: readonly PreparedEntity[],
    conflictOnRace: boolean,
    work: (trx: Kysely<Database>, completed: CompletedKeys) => Promise<T>,
  ): Promise<{ entities: StorableEntity[]; result: T }> {
    for (let attempt = 1; ; attempt += 1) {
      const completed = await this.ids.complete(scope, prepared);
      try {
        const result = await this.dialect.write(this.db, (trx) => work(trx, completed), conflictOnRace);
        return { entities: completed.entities, result };
      } catch (error) {
        if (!(error instanceof AllocatedIdTaken) || attempt >= allocationAttempts) throw error;
        for (const key of error.keys) this.ids.skipPast(scope, key.kind, BigInt(key.id ?? 0));
      }
    }
  }
}
