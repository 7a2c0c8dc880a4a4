import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import type { Database, UsageRequestsTable } from '../db/schema';
import { createTestDatabase, testDialects } from '../test-support/test-databases';
import { minuteOf } from './access-log-record';
import { UsageStore } from './usage-store';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 30);

async function openStore(dialect: 'sqlite' | 'postgres', clock: { now: number }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-usage-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const database = await createTestDatabase(dialect, dir);
  cleanups.push(() => database.drop());
  const db = await openDatabase(database.location);
  cleanups.push(() => db.destroy());
  const store = new UsageStore(db, { requestDays: 30, clock: () => clock.now });
  return { db, store };
}

let requestNumber = 0;
function request(atMs: number): UsageRequestsTable {
  return {
    request_id: `r${++requestNumber}`,
    app_id: 'app-1',
    version_id: '',
    user_id: null,
    method: 'GET',
    status: 200,
    bytes_in: 100,
    bytes_out: 1000,
    latency_ms: 5,
    upstream: null,
    at: new Date(atMs).toISOString(),
    minute: minuteOf(atMs),
  };
}

async function requestsPerMinute(db: Kysely<Database>) {
  const minutes = await db.selectFrom('usage_minutes').select(['minute', 'requests']).orderBy('minute').execute();
  const rows = await db.selectFrom('usage_requests').select('minute').execute();
  return { minutes: minutes.map((m) => [m.minute, Number(m.requests)]), requestRows: rows.length };
}

describe.each(testDialects())('UsageStore retention on %s', (dialect) => {
  it("deletes request rows past the retention and keeps their minutes' roll-ups", async () => {
    const old = NOW - 40 * DAY;
    const recent = NOW - 2 * DAY;
    // Recorded when they were new; the retention is judged weeks later.
    const clock = { now: old + 5000 };
    const { db, store } = await openStore(dialect, clock);
    await store.record('access', { inode: '1:1', offset: 0 }, [request(old), request(old + 1000)]);
    clock.now = recent + 5000;
    await store.record('access', { inode: '1:1', offset: 10 }, [request(recent)]);
    clock.now = NOW;
    expect(await requestsPerMinute(db)).toEqual({
      minutes: [
        [minuteOf(old), 2],
        [minuteOf(recent), 1],
      ],
      requestRows: 3,
    });

    expect(await store.pruneRequests()).toBe(2);
    expect(await requestsPerMinute(db)).toEqual({
      minutes: [
        [minuteOf(old), 2],
        [minuteOf(recent), 1],
      ],
      requestRows: 1,
    });
    expect(await store.pruneRequests()).toBe(0);
  });

  it('does not store rows that arrive older than the retention: the pruned minute keeps its count', async () => {
    const old = NOW - 40 * DAY;
    const clock = { now: old + 5000 };
    const { db, store } = await openStore(dialect, clock);
    await store.record('access', { inode: '1:1', offset: 0 }, [request(old), request(old)]);
    clock.now = NOW;
    await store.pruneRequests();
    // A log replayed from long ago: its line for that minute must not replace the roll-up.
    await store.record('access', { inode: '1:1', offset: 10 }, [request(old), request(NOW)]);
    expect(await requestsPerMinute(db)).toEqual({
      minutes: [
        [minuteOf(old), 2],
        [minuteOf(NOW), 1],
      ],
      requestRows: 1,
    });
    expect(await store.cursor('access')).toEqual({ inode: '1:1', offset: 10 });
  });

  it('keeps the rows of the first kept minute and deletes the minute before it', async () => {
    const clock = { now: NOW - 40 * DAY };
    const { db, store } = await openStore(dialect, clock);
    const boundary = Date.parse(minuteOf(NOW - 30 * DAY));
    clock.now = boundary;
    await store.record('access', { inode: '1:1', offset: 0 }, [request(boundary), request(boundary - 60_000)]);
    clock.now = NOW;
    expect(store.keptSince()).toBe(minuteOf(boundary));
    expect(await store.pruneRequests()).toBe(1);
    expect((await requestsPerMinute(db)).requestRows).toBe(1);
  });
});
