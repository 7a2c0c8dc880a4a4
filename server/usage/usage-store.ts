import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, UsageRequestsTable } from '../db/schema';

/** Where a tailer stopped in a file: `<dev>:<inode>` and the byte offset after the last stored line. */
export interface LogCursor {
  inode: string;
  offset: number;
}

const INSERT_BATCH = 400;

/**
 * Usage rows and the tailer's cursor, written in one transaction: after a crash either both
 * the rows and the new cursor are stored or neither, so nothing is lost or counted twice.
 * Per-minute roll-ups are recomputed from the rows of each touched minute, never added to.
 */
export class UsageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async cursor(name: string): Promise<LogCursor | null> {
    const row = await this.db.selectFrom('usage_cursors').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? { inode: row.inode, offset: Number(row.offset) } : null;
  }

  /** Stores rows (a request id already stored is skipped), moves the cursor, recomputes the minutes touched. */
  async record(name: string, cursor: LogCursor, rows: readonly UsageRequestsTable[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const settled = await settleVersions(tx, rows);
      for (let i = 0; i < settled.length; i += INSERT_BATCH) {
        await tx
          .insertInto('usage_requests')
          .values(settled.slice(i, i + INSERT_BATCH))
          .onConflict((conflict) => conflict.column('request_id').doNothing())
          .execute();
      }
      await setCursor(tx, name, cursor);
      await rollUpMinutes(tx, [...new Set(rows.map((row) => row.minute))]);
    });
  }

  async setCursor(name: string, cursor: LogCursor): Promise<void> {
    await setCursor(this.db, name, cursor);
  }
}

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
