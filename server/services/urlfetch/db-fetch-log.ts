import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { invalidInput } from '../../core/errors';
import type { FetchLogEntry, FetchLogSink, FetchOutcome } from './fetch-log';

/** Which page of the log to read, and what to keep. */
export interface FetchLogQuery {
  limit?: number;
  /** The id of the last entry already shown. */
  before?: string;
  outcome?: FetchOutcome;
  appId?: string;
}

/** A logged attempt with its row id and the names the console shows. */
export interface NamedFetchLogEntry extends FetchLogEntry {
  id: string;
  appName?: string;
  userName?: string;
}

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

  /**
   * A page of a tenant's attempts, newest first, for the console: each row names its app (the
   * published app, or the project a preview runs) and its user. `before` is the id of the last
   * row of the previous page; rows with the same timestamp are ordered by id.
   */
  async recent(tenantId: string, query: FetchLogQuery = {}): Promise<NamedFetchLogEntry[]> {
    const cursor = query.before ? await this.positionOf(tenantId, query.before) : undefined;
    const rows = await this.db
      .selectFrom('urlfetch_log as log')
      .leftJoin('apps', 'apps.id', 'log.app_id')
      .leftJoin('projects', 'projects.id', 'log.app_id')
      .leftJoin('users', 'users.id', 'log.user_id')
      .selectAll('log')
      .select(['apps.title as app_title', 'projects.name as project_name', 'users.name as user_name'])
      .where('log.tenant_id', '=', tenantId)
      .$if(query.outcome !== undefined, (select) => select.where('log.outcome', '=', query.outcome ?? 'ok'))
      .$if(query.appId !== undefined, (select) => select.where('log.app_id', '=', query.appId ?? ''))
      .$if(cursor !== undefined, (select) =>
        select.where((eb) =>
          eb.or([
            eb('log.at', '<', cursor?.at ?? ''),
            eb.and([eb('log.at', '=', cursor?.at ?? ''), eb('log.id', '<', cursor?.id ?? '')]),
          ]),
        ),
      )
      .orderBy('log.at', 'desc')
      .orderBy('log.id', 'desc')
      .limit(query.limit ?? 100)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      tenantId: row.tenant_id,
      appId: row.app_id,
      ...optional('appName', row.app_title ?? row.project_name),
      environment: row.environment === 'production' ? 'production' : 'preview',
      ...optional('userId', row.user_id),
      ...optional('userName', row.user_name),
      method: row.method,
      url: row.url,
      ...optional('finalUrl', row.final_url),
      ...(row.status !== null ? { status: row.status } : {}),
      ...optional('address', row.address),
      bytesOut: Number(row.bytes_out),
      bytesIn: Number(row.bytes_in),
      ms: Number(row.ms),
      outcome: row.outcome as FetchLogEntry['outcome'],
      ...optional('reason', row.reason),
    }));
  }

  private async positionOf(tenantId: string, id: string): Promise<{ at: string; id: string }> {
    const row = await this.db
      .selectFrom('urlfetch_log')
      .select(['at', 'id'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw invalidInput(`No URL fetch log entry ${id} to page on from in this organisation.`);
    return row;
  }
}

function optional<K extends string>(key: K, value: string | null | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
