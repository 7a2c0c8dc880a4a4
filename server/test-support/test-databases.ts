import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseLocation } from '../db/database';

/** A database for one test, and how to throw it away. */
export interface TestDatabase {
  name: string;
  location: DatabaseLocation;
  drop(): Promise<void>;
}

/** The dialects the suite runs database tests on: SQLite always, PostgreSQL when configured. */
export function testDialects(): ('sqlite' | 'postgres')[] {
  return process.env.SLIPWAY_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Creates an empty database of the dialect: a file in `dir`, or a fresh PostgreSQL database. */
export async function createTestDatabase(dialect: 'sqlite' | 'postgres', dir: string): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    return { name: 'sqlite', location: { kind: 'sqlite', file: `${dir}/slipway.db` }, drop: () => Promise.resolve() };
  }
  const adminUrl = process.env.SLIPWAY_TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('SLIPWAY_TEST_DATABASE_URL is not set');
  const database = `slipway_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return {
    name: 'postgres',
    location: { kind: 'postgres', url: url.href },
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
