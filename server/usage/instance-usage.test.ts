import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { InstanceUsage, minuteRows } from './instance-usage';
import { seedTenantAndUser } from '../test-support/seed-rows';

const at = (minute: number, second = 0) => Date.UTC(2026, 10, 22, 10, minute, second);
const iso = (ms: number) => new Date(ms).toISOString();

describe('minuteRows', () => {
  it('splits an instance life across the minutes it spans', () => {
    const rows = minuteRows(
      [
        {
          app_id: 'a',
          memory_mb: 256,
          state: 'stopped',
          started_at: iso(at(0, 30)),
          ready_at: null,
          stopped_at: iso(at(2, 15)),
        },
      ],
      at(0),
      at(5),
    );
    expect(rows).toEqual([
      { app_id: 'a', minute: iso(at(0)), instance_seconds: 30, memory_mb_seconds: 30 * 256 },
      { app_id: 'a', minute: iso(at(1)), instance_seconds: 60, memory_mb_seconds: 60 * 256 },
      { app_id: 'a', minute: iso(at(2)), instance_seconds: 15, memory_mb_seconds: 15 * 256 },
    ]);
  });

  it('adds instances of one app, counts running ones until now, and ignores time before the window', () => {
    const rows = minuteRows(
      [
        {
          app_id: 'a',
          memory_mb: 100,
          state: 'ready',
          started_at: iso(at(0)),
          ready_at: iso(at(0, 1)),
          stopped_at: null,
        },
        { app_id: 'a', memory_mb: 200, state: 'ready', started_at: iso(at(3, 30)), ready_at: null, stopped_at: null },
        {
          app_id: 'b',
          memory_mb: 50,
          state: 'crashed',
          started_at: iso(at(3)),
          ready_at: iso(at(3, 10)),
          stopped_at: null,
        },
      ],
      at(3),
      at(3, 45),
    );
    expect(rows).toEqual([
      { app_id: 'a', minute: iso(at(3)), instance_seconds: 45 + 15, memory_mb_seconds: 45 * 100 + 15 * 200 },
      { app_id: 'b', minute: iso(at(3)), instance_seconds: 10, memory_mb_seconds: 500 },
    ]);
  });
});

describe('InstanceUsage.rollUp', () => {
  it('recomputes minutes from the instance rows: running it twice stores the same figures', async () => {
    const db = await openDatabase({ kind: 'sqlite', file: ':memory:' });
    try {
      const created = iso(at(0));
      await seedTenantAndUser(db, created);
      await db
        .insertInto('apps')
        .values({
          id: 'a',
          tenant_id: 't',
          slug: 'shop',
          title: 'Shop',
          runtime: 'python',
          project_id: null,
          active_version_id: null,
          created_by: 'u',
          created_at: created,
        })
        .execute();
      const instance = (id: string, started: number, stopped: number | null) => ({
        id,
        app_id: 'a',
        version_id: 'v',
        driver: 'process',
        handle: null,
        endpoint: null,
        state: stopped === null ? 'ready' : 'stopped',
        memory_mb: 128,
        restarts: 0,
        started_at: iso(started),
        ready_at: null,
        stopped_at: stopped === null ? null : iso(stopped),
      });
      await db
        .insertInto('instances')
        .values([instance('i1', at(1), at(3)), instance('i2', at(2, 30), null)])
        .execute();
      // The first pass starts at the current minute; seed the watermark to cover the instances' life.
      await db
        .insertInto('usage_cursors')
        .values({ name: 'instance-usage', inode: '', offset: at(0), updated_at: created })
        .execute();
      let now = at(4, 30);
      const usage = new InstanceUsage(db, () => now);
      await usage.rollUp();
      const first = await db.selectFrom('usage_instance_minutes').selectAll().orderBy('minute').execute();
      expect(first.map((row) => [row.minute, row.instance_seconds])).toEqual([
        [iso(at(1)), 60],
        [iso(at(2)), 90],
        [iso(at(3)), 60],
        [iso(at(4)), 30],
      ]);
      await usage.rollUp();
      expect(await db.selectFrom('usage_instance_minutes').selectAll().orderBy('minute').execute()).toEqual(first);
      now = at(5);
      await usage.rollUp(); // minute 4 is completed; earlier minutes stay as they were
      const later = await db.selectFrom('usage_instance_minutes').selectAll().orderBy('minute').execute();
      expect(later.map((row) => [row.minute, row.instance_seconds, row.memory_mb_seconds])).toEqual([
        [iso(at(1)), 60, 60 * 128],
        [iso(at(2)), 90, 90 * 128],
        [iso(at(3)), 60, 60 * 128],
        [iso(at(4)), 60, 60 * 128],
      ]);
    } finally {
      await db.destroy();
    }
  });
});
