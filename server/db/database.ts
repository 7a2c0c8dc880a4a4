import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import * as initial from './migrations/001-initial';
import * as previewAccess from './migrations/002-preview-access';
import * as apps from './migrations/003-apps';
import * as gateway from './migrations/004-gateway';
import * as datastore from './migrations/005-datastore';
import * as serviceContracts from './migrations/006-service-contracts';
import * as push from './migrations/007-push';
import * as messaging from './migrations/008-messaging';
import * as tasks from './migrations/009-tasks';
import * as pushLauncher from './migrations/010-push-launcher';
import type { Database } from './schema';

/** Where the platform keeps its state: a SQLite file (default) or PostgreSQL. */
export type DatabaseLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** Migrations in order; names are stable because they are recorded in the database. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-preview-access': previewAccess,
  '003-apps': apps,
  '004-gateway': gateway,
  '005-datastore': datastore,
  '006-service-contracts': serviceContracts,
  '007-push': push,
  '008-messaging': messaging,
  '009-tasks': tasks,
  '010-push-launcher': pushLauncher,
};

/** Opens the database and brings its schema up to date. */
export async function openDatabase(location: DatabaseLocation): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({ dialect: await createDialect(location) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

async function createDialect(location: DatabaseLocation): Promise<SqliteDialect | PostgresDialect> {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: location.url, max: 10 });
    // An idle connection the server ends (a restart, an administrator, a failover) is dropped by
    // the pool and replaced on next use; without a listener its error would end the platform.
    pool.on('error', (error) => {
      process.stderr.write(`slipway: an idle PostgreSQL connection ended (${error.message}); the pool replaces it\n`);
    });
    return new PostgresDialect({ pool });
  }
  if (location.file !== ':memory:') await mkdir(path.dirname(location.file), { recursive: true });
  const sqlite = new SqliteDatabase(location.file);
  // WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new SqliteDialect({ database: sqlite });
}

async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: 'slipway_migrations',
    migrationLockTableName: 'slipway_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/** The location from `DATABASE_URL` when set, else a SQLite file in the data directory. */
export function databaseLocationFrom(databaseUrl: string | undefined, dataDir: string): DatabaseLocation {
  if (databaseUrl) return { kind: 'postgres', url: databaseUrl };
  return { kind: 'sqlite', file: path.join(dataDir, 'slipway.db') };
}
