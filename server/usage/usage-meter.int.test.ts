import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleLogger } from '../core/logger';
import { openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import type { Gateway } from '../gateway/gateway';
import {
  freePort,
  gatewayRequest,
  startTestGateway,
  tempDir,
  TestBackend,
  testRoute,
} from '../gateway/gateway-test-support';
import { seedTenantAndUser } from '../test-support/seed-rows';
import { UsageMeter } from './usage-meter';

const log = createConsoleLogger({ quiet: true });

describe('metering from the real access log', () => {
  let dir: string;
  let port: number;
  let db: Kysely<Database>;
  let gateway: Gateway;
  let backend: TestBackend;
  let crashing: TestBackend;
  let now = Date.now();
  const samples: { appId: string; requests: number }[] = [];
  const meter = (extra: { retentionDays?: number } = {}) =>
    new UsageMeter({
      ...extra,
      db,
      accessLog: gateway.layout.accessLog,
      reopenLogs: () => gateway.nginx.reopenLogs(),
      traffic: { noteTraffic: (appId, sample) => samples.push({ appId, requests: sample.requests }) },
      log,
      rotateBytes: 2000,
      clock: () => now,
    });
  const countRows = async () =>
    Number(
      (
        await db
          .selectFrom('usage_requests')
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Passes until `expected` rows are stored; nginx flushes its log buffer every second. */
  const passUntil = async (usage: UsageMeter, expected: number) => {
    for (let attempt = 0; attempt < 100 && (await countRows()) < expected; attempt++) {
      await usage.pass();
      await new Promise((resolve) => setTimeout(resolve, 100));
      now += 1000;
    }
  };

  beforeAll(async () => {
    dir = await tempDir();
    port = await freePort();
    db = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'usage.db') });
    await seedApps(db);
    // An instance of shop's previous version still answering (it drains after a switch) names it;
    // `/forged/…` answers name another app's version, which must not count.
    backend = await TestBackend.start(dir, 'app', (req, res) => {
      const forged = req.url?.startsWith('/forged/') ?? false;
      res.writeHead(200, { 'content-type': 'text/plain', 'x-slipway-version': forged ? 'broken-v1' : 'shop-v1' });
      res.end('ok');
    });
    crashing = await TestBackend.start(dir, 'crash', (req) => req.socket.destroy());
    gateway = await startTestGateway({ dir, port, db });
    await gateway.apply([
      testRoute({ appId: 'shop', host: 'shop.acme.apps.localhost', upstreams: [backend.endpoint] }),
      testRoute({ appId: 'broken', host: 'broken.acme.apps.localhost', upstreams: [crashing.endpoint] }),
    ]);
  });

  afterAll(async () => {
    await gateway?.dispose();
    await backend?.close();
    await crashing?.close();
    await db?.destroy();
  });

  it('records every request once, across restarts and rotations, and rolls them up per minute', async () => {
    const first = meter();
    let bytesSent = 0;
    for (let i = 0; i < 20; i++) {
      const body = 'x'.repeat(i * 10);
      await gatewayRequest(port, 'shop.acme.apps.localhost', `/item/${i}`, {
        method: i % 4 === 0 ? 'POST' : 'GET',
        body,
      });
      bytesSent += body.length;
    }
    for (let i = 0; i < 3; i++)
      expect((await gatewayRequest(port, 'broken.acme.apps.localhost', '/')).status).toBe(502);
    await passUntil(first, 23);
    expect(await countRows()).toBe(23);
    await first.dispose();

    // A new tailer (a platform restart) continues from the stored cursor; losing the cursor re-reads harmlessly.
    const second = meter();
    await second.pass();
    expect(await countRows()).toBe(23);
    await db.deleteFrom('usage_cursors').execute();
    await second.pass();
    expect(await countRows()).toBe(23);

    // The live file is over rotateBytes: it was renamed and nginx reopened; lines on both sides are kept.
    expect(existsSync(`${gateway.layout.accessLog}.1`)).toBe(true);
    for (let i = 0; i < 7; i++) await gatewayRequest(port, 'shop.acme.apps.localhost', `/after/${i}`);
    await passUntil(second, 30);
    now += 10_000;
    await second.pass();
    expect(await countRows()).toBe(30);
    await second.dispose();

    const minutes = await db.selectFrom('usage_minutes').selectAll().execute();
    const total = (field: 'requests' | 'errors' | 'bytes_in') =>
      minutes.reduce((sum, row) => sum + Number(row[field]), 0);
    expect(total('requests')).toBe(30);
    expect(total('errors')).toBe(3);
    expect(minutes.filter((row) => row.app_id === 'broken').reduce((sum, row) => sum + row.errors, 0)).toBe(3);
    const rows = await db.selectFrom('usage_requests').selectAll().execute();
    expect(total('bytes_in')).toBe(rows.reduce((sum, row) => sum + Number(row.bytes_in), 0));
    expect(total('bytes_in')).toBeGreaterThan(bytesSent);
    expect(rows.filter((row) => row.app_id === 'shop' && row.method === 'POST')).toHaveLength(5);
    // The version comes from the instance that answered; nothing answered for `broken`: its active version.
    expect(rows.filter((row) => row.app_id === 'shop').every((row) => row.version_id === 'shop-v1')).toBe(true);
    expect(rows.filter((row) => row.app_id === 'broken').every((row) => row.version_id === 'broken-v1')).toBe(true);
    expect(samples.filter((s) => s.appId === 'shop').reduce((sum, s) => sum + s.requests, 0)).toBeGreaterThanOrEqual(
      27,
    );
  });

  it('counts a version an app names falsely for its active version, and never shows clients the header', async () => {
    const usage = meter();
    const before = await countRows();
    const answer = await gatewayRequest(port, 'shop.acme.apps.localhost', '/forged/1');
    expect(answer.status).toBe(200);
    expect(answer.headers['x-slipway-version']).toBeUndefined();
    await passUntil(usage, before + 1);
    const row = await db
      .selectFrom('usage_requests')
      .selectAll()
      .where('upstream', 'is not', null)
      .orderBy('at', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ app_id: 'shop', version_id: 'shop-v2' });
    await usage.dispose();
  });

  it('tells the farm once when an app with traffic goes quiet, so it can scale in and to zero', async () => {
    const quiet = meter();
    samples.length = 0;
    await gatewayRequest(port, 'shop.acme.apps.localhost', '/');
    // nginx writes the log line a moment after the answer: pass until the meter has seen it.
    for (let i = 0; i < 100 && !samples.some((s) => s.appId === 'shop' && s.requests > 0); i++) {
      await quiet.pass();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(samples.some((s) => s.appId === 'shop' && s.requests > 0)).toBe(true);
    samples.length = 0;
    await quiet.pass(); // no new lines: "shop" had traffic in the last pass, none now
    expect(samples).toEqual([{ appId: 'shop', requests: 0 }]);
    await quiet.pass();
    expect(samples).toHaveLength(1);
    await quiet.dispose();
  });

  it('deletes request rows past the retention on a pass, keeping the per-minute roll-ups', async () => {
    const usage = meter({ retentionDays: 1 });
    await gatewayRequest(port, 'shop.acme.apps.localhost', '/retention');
    const before = await countRows();
    await passUntil(usage, before + 1);
    const minutes = await db.selectFrom('usage_minutes').selectAll().orderBy(['app_id', 'minute']).execute();
    expect(await countRows()).toBeGreaterThan(0);
    const later = meter({ retentionDays: 1 });
    now += 2 * 24 * 60 * 60 * 1000;
    await later.pass();
    expect(await countRows()).toBe(0);
    expect(await db.selectFrom('usage_minutes').selectAll().orderBy(['app_id', 'minute']).execute()).toEqual(minutes);
    await usage.dispose();
    await later.dispose();
  });
});

/** Apps `shop` (serving v2; v1 still answers) and `broken` (v1), as the registry would record them. */
async function seedApps(db: Kysely<Database>): Promise<void> {
  const created = new Date().toISOString();
  await seedTenantAndUser(db, created);
  const app = (id: string, active: string) => ({
    id,
    tenant_id: 't',
    slug: id,
    title: id,
    runtime: 'python',
    project_id: null,
    active_version_id: active,
    created_by: 'u',
    created_at: created,
  });
  await db
    .insertInto('apps')
    .values([app('shop', 'shop-v2'), app('broken', 'broken-v1')])
    .execute();
  const version = (id: string, appId: string, number: number) => ({
    id,
    app_id: appId,
    number,
    state: 'ready',
    health: 'healthy',
    source: 'cli',
    commit_sha: null,
    artifact_hash: null,
    artifact_bytes: null,
    manifest: '{}',
    build_log: '',
    created_by: 'u',
    created_at: created,
  });
  await db
    .insertInto('app_versions')
    .values([version('shop-v1', 'shop', 1), version('shop-v2', 'shop', 2), version('broken-v1', 'broken', 1)])
    .execute();
}
