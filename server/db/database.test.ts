import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../test-support/test-databases';
import { sql } from 'kysely';
import { openDatabase } from './database';

describe.each(testDialects())('database on %s', (dialect) => {
  let dir = '';
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates an empty database, and again without change, and enforces constraints', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'slipway-db-'));
    database = await createTestDatabase(dialect, dir);
    const first = await openDatabase(database.location);
    await first
      .insertInto('tenants')
      .values({ id: 't1', slug: 'acme', name: 'Acme', created_at: new Date().toISOString() })
      .execute();
    await expect(
      first.insertInto('tenants').values({ id: 't2', slug: 'acme', name: 'Dup', created_at: '' }).execute(),
    ).rejects.toThrow();
    await first.destroy();

    const second = await openDatabase(database.location);
    const rows = await second.selectFrom('tenants').selectAll().execute();
    expect(rows.map((row) => row.slug)).toEqual(['acme']);
    await expect(
      second
        .insertInto('memberships')
        .values({ tenant_id: 'missing', user_id: 'missing', role: 'developer', created_at: '' })
        .execute(),
    ).rejects.toThrow();
    await second.destroy();
  });

  it.runIf(dialect === 'postgres')(
    'survives the server ending an idle pooled connection, and keeps answering',
    async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'slipway-db-'));
      database = await createTestDatabase(dialect, dir);
      const db = await openDatabase(database.location);
      try {
        const own = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
        const pid = own.rows[0]!.pid;
        // Another connection ends the idle one, as a restart or an administrator would.
        const admin = await openDatabase(database.location);
        await sql`select pg_terminate_backend(${pid})`.execute(admin);
        await admin.destroy();
        await new Promise((resolve) => setTimeout(resolve, 200));
        const again = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
        expect(again.rows[0]!.pid).not.toBe(pid);
      } finally {
        await db.destroy();
      }
    },
  );
});
