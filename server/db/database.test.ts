import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../test-support/test-databases';
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
});
