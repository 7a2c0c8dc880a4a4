import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { isDomainError } from '../core/errors';
import { openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import { IdentityService } from '../identity/identity-service';
import { createTestDatabase, testDialects, type TestDatabase } from '../test-support/test-databases';
import { AppRecords } from './app-records';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(dialect: 'sqlite' | 'postgres') {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-app-records-'));
  const database: TestDatabase = await createTestDatabase(dialect, dir);
  const db: Kysely<Database> = await openDatabase(database.location);
  cleanups.push(
    () => rm(dir, { recursive: true, force: true }),
    () => database.drop(),
    () => db.destroy(),
  );
  const identity = new IdentityService(db, { N: 1024, r: 8, p: 1 });
  const tenant = await identity.createTenant({ name: 'Acme', slug: 'acme' });
  const user = await identity.createUser({ email: 'dev@acme.test', name: 'Dev', password: 'a long password' });
  const records = new AppRecords(db, (app, t) => `http://${app}.${t}.apps.test`);
  const app = await records.createApp({
    tenantId: tenant.id,
    slug: 'orders',
    title: 'Orders',
    runtime: 'python',
    projectId: null,
    createdBy: user.id,
  });
  return { db, records, app, userId: user.id, tenantId: tenant.id };
}

const version = (appId: string, createdBy: string) => ({
  appId,
  source: 'cli' as const,
  commit: null,
  manifest: '{}',
  createdBy,
});

describe.each(testDialects())('AppRecords on %s', (dialect) => {
  it('numbers versions 1, 2, 3 and serves only a ready one', async () => {
    const { records, app, userId } = await open(dialect);
    const one = await records.createVersion(version(app.id, userId));
    const two = await records.createVersion(version(app.id, userId));
    expect([one.number, two.number]).toEqual([1, 2]);
    const refused: unknown = await records.activate(app.id, one.id).catch((e: unknown) => e);
    expect(isDomainError(refused) && refused.code).toBe('conflict');
    await records.finishVersion(one.id, {
      state: 'ready',
      buildLog: 'ok',
      artifact: { hash: 'a'.repeat(64), bytes: 3 },
    });
    await records.activate(app.id, one.id);
    const row = (await records.app(app.id))!;
    expect(records.appDto(row)).toMatchObject({ activeVersion: 1, url: 'http://orders.acme.apps.test' });
    expect((await records.versionById(one.id))?.health).toBe('healthy');
    expect((await records.versions(app.id)).map((v) => v.number)).toEqual([2, 1]);
    expect(await records.artifactInUse('a'.repeat(64))).toBe(true);
  });

  it('a slug is unique per tenant', async () => {
    const { records, tenantId, userId } = await open(dialect);
    const input = {
      tenantId,
      slug: 'orders',
      title: 'Again',
      runtime: 'java' as const,
      projectId: null,
      createdBy: userId,
    };
    const error: unknown = await records.createApp(input).catch((e: unknown) => e);
    expect(isDomainError(error) && error.data.reason).toBe('slug-taken');
  });

  it('settles interrupted publishes: committed ones succeeded, the rest failed with their versions', async () => {
    const { db, records, app, userId } = await open(dialect);
    const served = await records.createVersion(version(app.id, userId));
    await records.finishVersion(served.id, {
      state: 'ready',
      buildLog: '',
      artifact: { hash: 'b'.repeat(64), bytes: 1 },
    });
    const committed = await records.updateOperation(await records.startOperation(app.id, userId), {
      versionId: served.id,
    });
    await records.activate(app.id, served.id);
    const halfDone = await records.createVersion(version(app.id, userId));
    await records.updateOperation(await records.startOperation(app.id, userId), {
      stage: 'build',
      versionId: halfDone.id,
    });
    expect(await records.settleInterrupted()).toBe(2);
    expect((await records.versionById(halfDone.id))?.state).toBe('failed');
    expect((await records.versionById(served.id))?.state).toBe('ready');
    expect((await records.app(app.id))?.active_version_id).toBe(served.id);
    const states = await db.selectFrom('publish_operations').select(['id', 'state']).execute();
    expect(states.find((s) => s.id === committed.id)?.state).toBe('succeeded');
    expect(states.filter((s) => s.state === 'failed')).toHaveLength(1);
  });
});
