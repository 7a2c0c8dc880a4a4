import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { isDomainError, type DomainErrorCode } from '../../core/errors';
import { openDatabase } from '../../db/database';
import type { Database } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-databases';
import type { ServiceScope } from '../service-scope';
import { DatastoreService, type DatastoreServiceOptions } from './datastore-service';
import type {
  DatastoreEntity,
  DatastoreFilter,
  DatastoreOrder,
  DatastoreQuery,
  DatastoreValue,
} from './datastore-types';

/** A migrated database of `dialect` for one test, and a second connection pool on it. */
export interface DatastoreTestContext {
  db: Kysely<Database>;
  datastore: DatastoreService;
  /** Another Kysely (its own connections) on the same database, as a second server process would have. */
  openAnother: () => Promise<Kysely<Database>>;
}

const cleanups: (() => Promise<void>)[] = [];

/** Disposes what the test opened, newest first; call from afterEach. */
export async function disposeDatastoreTests(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** Opens a fresh database and a DatastoreService on it. */
export async function openDatastore(
  dialect: 'sqlite' | 'postgres',
  options?: DatastoreServiceOptions,
): Promise<DatastoreTestContext> {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-datastore-'));
  const database: TestDatabase = await createTestDatabase(dialect, dir);
  cleanups.push(
    () => rm(dir, { recursive: true, force: true }),
    () => database.drop(),
  );
  const db = await openDatabase(database.location);
  cleanups.push(() => db.destroy());
  return {
    db,
    datastore: new DatastoreService(db, options),
    openAnother: async () => {
      const another = await openDatabase(database.location);
      cleanups.push(() => another.destroy());
      return another;
    },
  };
}

/** The scope most tests use. */
export const scope: ServiceScope = { tenantId: 'tenant-a', appId: 'app-1', environment: 'production' };

/** Asserts that `promise` rejects with a DomainError of `code` whose message matches `message`. */
export async function expectDomainError(
  promise: Promise<unknown>,
  code: DomainErrorCode,
  message?: RegExp | string,
): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isDomainError(error), `expected a DomainError, got ${String(error)}`).toBe(true);
  if (!isDomainError(error)) return;
  expect(error.code, error.message).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
}

/** Shorthand values for tests. */
export const v = {
  int: (value: string | number) => ({ integerValue: String(value) }),
  double: (value: number) => ({ doubleValue: value }),
  str: (value: string) => ({ stringValue: value }),
  bool: (value: boolean) => ({ booleanValue: value }),
  nul: () => ({ nullValue: null }),
  time: (value: string) => ({ timestampValue: value }),
  bytes: (value: string) => ({ bytesValue: value }),
  key: (kind: string, idOrName: string | number) => ({
    keyValue: typeof idOrName === 'number' ? { kind, id: String(idOrName) } : { kind, name: idOrName },
  }),
};

/** An entity of kind Item named `name`. */
export const item = (name: string, properties: Record<string, DatastoreValue>): DatastoreEntity => ({
  key: { kind: 'Item', name },
  properties,
});
/** A query filter. */
export const filter = (property: string, op: DatastoreFilter['op'], value: DatastoreValue): DatastoreFilter => ({
  property,
  op,
  value,
});
/** An ascending sort order. */
export const asc = (property: string): DatastoreOrder => ({ property, direction: 'asc' });
/** A descending sort order. */
export const desc = (property: string): DatastoreOrder => ({ property, direction: 'desc' });
/** An arrayValue. */
export const list = (...values: DatastoreValue[]): DatastoreValue => ({ arrayValue: values });

/** The names (or #ids) of a query's results on kind Item. */
export async function names(datastore: DatastoreService, query: Omit<DatastoreQuery, 'kind'>): Promise<string[]> {
  const result = await datastore.query(scope, { kind: 'Item', ...query });
  return result.entities.map((found) => found.key.name ?? `#${found.key.id}`);
}

/** Every result of a query, page by page; checks each page's size and that cursors end. */
export async function allPages(datastore: DatastoreService, query: DatastoreQuery): Promise<DatastoreEntity[]> {
  const results: DatastoreEntity[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const result = await datastore.query(scope, { ...query, cursor });
    results.push(...result.entities);
    if (result.cursor === null) return results;
    expect(result.entities).toHaveLength(query.limit ?? 100);
    cursor = result.cursor;
  }
  throw new Error('the cursor never ended');
}
