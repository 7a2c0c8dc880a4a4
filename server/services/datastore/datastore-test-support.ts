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
