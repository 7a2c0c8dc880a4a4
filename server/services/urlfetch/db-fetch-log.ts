import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { FetchLogEntry, FetchLogSink } from './fetch-log';

/** The URL fetch audit log in `urlfetch_log`: one row per attempt, allowed, refused or failed. */
export class DbFetchLog implements FetchLogSink {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: FetchLogEntry): Promise<void> {
    await this.db
      .insertInto('urlfetch_log')
      .values({
        id: randomBytes(12).toString('hex'),
        at: entry.at,
        tenant_id: entry.tenantId,
        app_id: entry.appId,
        environment: entry.environment,
        user_id: entry.userId ?? null,
        method: entry.method,
        url: entry.url,
        final_url: entry.finalUrl ?? null,
        status: entry.status ?? null,
        address: entry.address ?? null,
        bytes_out: entry.bytesOut,
        bytes_in: entry.bytesIn,
        ms: entry.ms,
        outcome: entry.outcome,
        reason: entry.reason ?? null,
      })
      .execute();
  }

  /** The newest attempts of a tenant's apps, for the console and for tests. */
  async recent(tenantId: string, limit = 100): Promise<FetchLogEntry[]> {
    const rows = await this.db
      .selectFrom('urlfetch_log')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      at: row.at,
      tenantId: row.tenant_id,
      appId: row.app_id,
      environment: row.environment === 'production' ? 'production' : 'preview',
      ...(row.user_id ? { userId: row.user_id } : {}),
      method: row.method,
      url: row.url,
      ...(row.final_url ? { finalUrl: row.final_url } : {}),
      ...(row.status !== null ? { status: row.status } : {}),
      ...(row.address ? { address: row.address } : {}),
      bytesOut: Number(row.bytes_out),
      bytesIn: Number(row.bytes_in),
      ms: Number(row.ms),
      outcome: row.outcome as FetchLogEntry['outcome'],
      ...(row.reason ? { reason: row.reason } : {}),
    }));
  }
}
