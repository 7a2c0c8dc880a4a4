import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, UsageRequestsTable } from '../db/schema';
import { minuteOf } from './access-log-record';

/** Where a tailer stopped in a file: `<dev>:<inode>` and the byte offset after the last stored line. */
export interface LogCursor {
  inode: string;
  offset: number;
}

const INSERT_BATCH = 400;
const PRUNE_BATCH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** How long request rows are kept; the per-minute roll-ups are kept for good. */
export interface UsageRetention {
  requestDays: number;
  clock?: () => number;
}

/**
 * Usage rows and the tailer's cursor, written in one transaction: after a crash either both
 * the rows and the new cursor are stored or neither, so nothing is lost or counted twice.
 * Per-minute roll-ups are recomputed from the rows of each touched minute, never added to.
 *
 * Request rows older than the retention are deleted (their minutes' roll-ups stay), and rows
 * that old arriving late are not stored: recomputing a pruned minute from them alone would
 * replace its roll-up with a fraction of it.
 */
export class UsageStore {
  private readonly clock: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly retention: UsageRetention = { requestDays: DEFAULT_REQUEST_RETENTION_DAYS },
  ) {
    this.clock = retention.clock ?? Date.now;
  }

  /** The first minute whose request rows are still kept (ISO text, like `minute`). */
  keptSince(): string {
    return minuteOf(this.clock() - this.retention.requestDays * DAY_MS);
  }

  /** Deletes request rows older than the retention, in batches; returns how many. */
  async pruneRequests(): Promise<number> {
    const before = this.keptSince();
    let deleted = 0;
    for (;;) {
      const result = await this.db
        .deleteFrom('usage_requests')
        .where('request_id', 'in', (eb) =>
          eb.selectFrom('usage_requests').select('request_id').where('minute', '<', before).limit(PRUNE_BATCH),
        )
        .executeTakeFirst();
      const count = Number(result.numDeletedRows);
      deleted += count;
      if (count < PRUNE_BATCH) return deleted;
    }
  }

  async cursor(name: string): Promise<LogCursor | null> {
    const row = await this.db.selectFrom('usage_cursors').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? { inode: row.inode, offset: Number(row.offset) } : null;
  }

  /** Stores rows (a request id already stored is skipped), moves the cursor, recomputes the minutes touched. */
  async record(name: string, cursor: LogCursor, rows: readonly UsageRequestsTable[]): Promise<void> {
    const keptSince = this.keptSince();
    const current = rows.filter((row) => row.minute >= keptSince);
    await this.db.transaction().execute(async (tx) => {
      const settled = await settleVersions(tx, current);
      for (let i = 0; i < settled.length; i += INSERT_BATCH) {
        await tx
          .insertInto('usage_requests')
          .values(settled.slice(i, i + INSERT_BATCH))
          .onConflict((conflict) => conflict.column('request_id').doNothing())
          .execute();
      }
      await setCursor(tx, name, cursor);
      await rollUpMinutes(tx, [...new Set(current.map((row) => row.minute))]);
    });
  }

  async setCursor(name: string, cursor: LogCursor): Promise<void> {
    await setCursor(this.db, name, cursor);
  }
}

/** Request rows are kept this long unless configured (SLIPWAY_USAGE_RETENTION_DAYS). */
export const DEFAULT_REQUEST_RETENTION_DAYS = 35;

/**
 * The version a request is counted for. Instances name theirs in a response header, which an
 * app could also set: only a version of the same app counts. A request no instance answered (a
 * login hop, a refusal, an app that could not start) counts for the app's active version.
 */
async function settleVersions(
  tx: Transaction<Database>,
  rows: readonly UsageRequestsTable[],
): Promise<UsageRequestsTable[]> {
  if (rows.length === 0) return [];
  const named = [...new Set(rows.map((row) => row.version_id).filter((id) => id !== ''))];
  const appIds = [...new Set(rows.map((row) => row.app_id))];
  const versions =
    named.length === 0
      ? []
      : await tx.selectFrom('app_versions').select(['id', 'app_id']).where('id', 'in', named).execute();
  const apps = await tx.selectFrom('apps').select(['id', 'active_version_id']).where('id', 'in', appIds).execute();
  const appOfVersion = new Map(versions.map((version) => [version.id, version.app_id]));
  const activeOf = new Map(apps.map((app) => [app.id, app.active_version_id ?? '']));
  return rows.map((row) =>
    appOfVersion.get(row.version_id) === row.app_id ? row : { ...row, version_id: activeOf.get(row.app_id) ?? '' },
  );
}

async function setCursor(db: Kysely<Database> | Transaction<Database>, name: string, cursor: LogCursor): Promise<void> {
  const values = { name, inode: cursor.inode, offset: cursor.offset, updated_at: new Date().toISOString() };
  await db
    .insertInto('usage_cursors')
    .values(values)
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({ inode: values.inode, offset: values.offset, updated_at: values.updated_at }),
    )
    .execute();
}

/** Recomputes the roll-up rows of these minutes from usage_requests. */
export async function rollUpMinutes(
  tx: Kysely<Database> | Transaction<Database>,
  minutes: readonly string[],
): Promise<void> {
  if (minutes.length === 0) return;
  await tx.deleteFrom('usage_minutes').where('minute', 'in', minutes).execute();
  await tx
    .insertInto('usage_minutes')
    .columns([
      'app_id',
      'version_id',
      'minute',
      'requests',
      'errors',
      'bytes_in',
      'bytes_out',
      'latency_ms_sum',
      'latency_ms_max',
    ])
    .expression((eb) =>
      eb
        .selectFrom('usage_requests')
        .select([
          'app_id',
          'version_id',
          'minute',
          sql<number>`count(*)`.as('requests'),
          sql<number>`sum(case when status >= 500 then 1 else 0 end)`.as('errors'),
          sql<number>`sum(bytes_in)`.as('bytes_in'),
          sql<number>`sum(bytes_out)`.as('bytes_out'),
          sql<number>`sum(latency_ms)`.as('latency_ms_sum'),
          sql<number>`max(latency_ms)`.as('latency_ms_max'),
        ])
        .where('minute', 'in', minutes)
        .groupBy(['app_id', 'version_id', 'minute']),
    )
    .execute();
}
