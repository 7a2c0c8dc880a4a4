import type { Kysely } from 'kysely';
import type { Database, UsageInstanceMinutesTable } from '../db/schema';
import { minuteOf } from './access-log-record';

const WATERMARK = 'instance-usage';
const MINUTE_MS = 60_000;
/** After downtime, minutes older than this are not recomputed (their instance rows may be gone). */
const MAX_CATCH_UP_MS = 24 * 3600_000;

/** An instance's life as the farm recorded it. */
interface InstanceSpan {
  app_id: string;
  memory_mb: number;
  state: string;
  started_at: string;
  ready_at: string | null;
  stopped_at: string | null;
}

/**
 * Instance-seconds and memory-seconds per app and minute, from the farm's `instances` rows
 * (started_at to stopped_at, or now). Each pass recomputes every minute from the watermark to
 * now and replaces their rows; minutes before the current one are then final.
 */
export class InstanceUsage {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number = Date.now,
  ) {}

  async rollUp(): Promise<void> {
    const now = this.clock();
    const currentMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    await this.db.transaction().execute(async (tx) => {
      const mark = await tx
        .selectFrom('usage_cursors')
        .select('offset')
        .where('name', '=', WATERMARK)
        .executeTakeFirst();
      const from = Math.max(mark ? Number(mark.offset) : currentMinute, now - MAX_CATCH_UP_MS);
      const fromMinute = Math.floor(from / MINUTE_MS) * MINUTE_MS;
      const spans = await tx
        .selectFrom('instances')
        .select(['app_id', 'memory_mb', 'state', 'started_at', 'ready_at', 'stopped_at'])
        .where('started_at', '<', new Date(now).toISOString())
        .where((eb) => eb.or([eb('stopped_at', 'is', null), eb('stopped_at', '>', new Date(fromMinute).toISOString())]))
        .execute();
      const rows = minuteRows(spans, fromMinute, now);
      await tx.deleteFrom('usage_instance_minutes').where('minute', '>=', minuteOf(fromMinute)).execute();
      if (rows.length > 0) await tx.insertInto('usage_instance_minutes').values(rows).execute();
      const values = { name: WATERMARK, inode: '', offset: currentMinute, updated_at: new Date(now).toISOString() };
      await tx
        .insertInto('usage_cursors')
        .values(values)
        .onConflict((conflict) =>
          conflict.column('name').doUpdateSet({ offset: currentMinute, updated_at: values.updated_at }),
        )
        .execute();
    });
  }
}

/** Splits instance spans into per-app, per-minute seconds between `fromMs` and `nowMs`. */
export function minuteRows(spans: readonly InstanceSpan[], fromMs: number, nowMs: number): UsageInstanceMinutesTable[] {
  const buckets = new Map<string, UsageInstanceMinutesTable>();
  for (const span of spans) {
    const start = Math.max(Date.parse(span.started_at), fromMs);
    const end = Math.min(endOf(span, nowMs), nowMs);
    for (let minute = Math.floor(start / MINUTE_MS) * MINUTE_MS; minute < end; minute += MINUTE_MS) {
      const seconds = (Math.min(end, minute + MINUTE_MS) - Math.max(start, minute)) / 1000;
      if (seconds <= 0) continue;
      const key = `${span.app_id} ${minute}`;
      const bucket = buckets.get(key) ?? {
        app_id: span.app_id,
        minute: minuteOf(minute),
        instance_seconds: 0,
        memory_mb_seconds: 0,
      };
      bucket.instance_seconds += seconds;
      bucket.memory_mb_seconds += seconds * span.memory_mb;
      buckets.set(key, bucket);
    }
  }
  return [...buckets.values()];
}

function endOf(span: InstanceSpan, nowMs: number): number {
  if (span.stopped_at) return Date.parse(span.stopped_at);
  // An ended instance the farm did not stamp: count it until it was last known to run.
  if (span.state === 'stopped' || span.state === 'crashed') return Date.parse(span.ready_at ?? span.started_at);
  return nowMs;
}
