import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import { conflict } from '../../core/errors';
import type { Database } from '../../db/schema';

/** What differs between SQLite and PostgreSQL for the Datastore; one implementation per dialect. */
export interface DatastoreSql {
  /** The larger of two integers. */
  greatest(a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<unknown>;
  /** Runs `work` in one write transaction; `conflictOnRace` turns a lost race into a conflict error. */
  write<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>, conflictOnRace: boolean): Promise<T>;
  /** Serialises transactions that touch the same keys (including absent ones) until commit. */
  lockKeys(trx: Kysely<Database>, lockNames: readonly string[]): Promise<void>;
  /** The clause that locks the rows a check reads until commit. */
  readonly forUpdate: RawBuilder<unknown>;
  /**
   * The rows of a JSON array text of `[key_sort hex, property, sort_value hex, kind, multi]`
   * arrays as columns key_sort, property, sort_value, kind, multi. Bulk inserts pass one JSON
   * parameter instead of thousands: the statement stays short to compile and parse.
   */
  valueRowsFromJson(json: string): RawBuilder<unknown>;
}

const sqliteSql: DatastoreSql = {
  greatest: (a, b) => sql`max(${a}, ${b})`,
  // SQLite has one writer at a time. BEGIN IMMEDIATE takes the write lock up front, so a commit's
  // check and its writes see no other writer in between, and two processes on one file cannot
  // deadlock upgrading a read lock.
  async write(db, work) {
    return db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await work(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    });
  },
  lockKeys: () => Promise.resolve(),
  forUpdate: sql``,
  valueRowsFromJson: (json) =>
    sql`select unhex(value ->> 0) as key_sort, value ->> 1 as property, unhex(value ->> 2) as sort_value,
      value ->> 3 as kind, value ->> 4 as multi from json_each(${json})`,
};

/** Deadlock and serialisation failures: a concurrent transaction won. */
const raceCodes = new Set(['40P01', '40001']);
const writeAttempts = 3;

const postgresSql: DatastoreSql = {
  greatest: (a, b) => sql`greatest(${a}, ${b})`,
  async write(db, work, conflictOnRace) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await db.transaction().execute(work);
      } catch (error) {
        if (!isRace(error)) throw error;
        if (conflictOnRace) {
          throw conflict('A concurrent transaction changed the same entities; read them again and retry.');
        }
        // Plain puts and deletes have no read set: running them again is safe.
        if (attempt >= writeAttempts) throw error;
      }
    }
  },
  // Advisory locks cover keys that have no row yet (FOR UPDATE cannot lock an absent row). They are
  // taken in sorted order so two transactions cannot deadlock on them.
  async lockKeys(trx, lockNames) {
    const ids = [...new Set(lockNames.map(advisoryLockId))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    if (ids.length === 0) return;
    await sql`select pg_advisory_xact_lock(id) from unnest(cast(${ids} as bigint[])) as id`.execute(trx);
  },
  forUpdate: sql`for update`,
  valueRowsFromJson: (json) =>
    sql`select decode(row ->> 0, 'hex') as key_sort, row ->> 1 as property, decode(row ->> 2, 'hex') as sort_value,
      row ->> 3 as kind, cast(row ->> 4 as integer) as multi from json_array_elements(cast(${json} as json)) as row`,
};

function isRace(error: unknown): boolean {
  return typeof error === 'object' && error !== null && raceCodes.has(String((error as { code?: unknown }).code));
}

function advisoryLockId(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/** The Datastore's SQL for the dialect `db` speaks. */
export function datastoreSqlFor(db: Kysely<Database>): DatastoreSql {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresSql : sqliteSql;
}
