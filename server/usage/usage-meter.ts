import type { Kysely } from 'kysely';
import type { Disposable } from '../core/disposable';
import type { Logger } from '../core/logger';
import type { Database, UsageRequestsTable } from '../db/schema';
import type { AppWaker } from '../farm/routing';
import { AccessLogTailer } from './access-log-tailer';
import { InstanceUsage } from './instance-usage';
import { DEFAULT_REQUEST_RETENTION_DAYS, UsageStore } from './usage-store';

/** What the meter reads and whom it tells about traffic. */
export interface UsageMeterOptions {
  db: Kysely<Database>;
  /** nginx's JSON access log (Gateway.layout.accessLog). */
  accessLog: string;
  reopenLogs: () => void;
  /** Told each pass about every app that served requests (the farm scales on it). */
  traffic: Pick<AppWaker, 'noteTraffic'>;
  log: Logger;
  pollMs?: number;
  instanceRollupMs?: number;
  /** Days request rows are kept (SLIPWAY_USAGE_RETENTION_DAYS); roll-ups are kept for good. */
  retentionDays?: number;
  /** How often rows past the retention are deleted. */
  pruneEveryMs?: number;
  rotateBytes?: number;
  clock?: () => number;
}

/**
 * Metering: tails the gateway's access log into usage rows and per-minute roll-ups, rolls up
 * instance-seconds from the farm's instance rows, and feeds per-app traffic to the farm.
 */
export class UsageMeter implements Disposable {
  readonly tailer: AccessLogTailer;
  readonly instances: InstanceUsage;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPassAt: number;
  private lastInstanceRollupAt = 0;
  private lastPruneAt = 0;
  private readonly store: UsageStore;
  /** Apps the last pass reported traffic for. */
  private appsWithTraffic = new Set<string>();
  private stopped = false;
  private readonly clock: () => number;

  constructor(private readonly options: UsageMeterOptions) {
    this.clock = options.clock ?? Date.now;
    this.lastPassAt = this.clock();
    this.store = new UsageStore(options.db, {
      requestDays: options.retentionDays ?? DEFAULT_REQUEST_RETENTION_DAYS,
      clock: this.clock,
    });
    this.tailer = new AccessLogTailer({
      store: this.store,
      logFile: options.accessLog,
      reopenLogs: options.reopenLogs,
      ...(options.rotateBytes ? { rotateBytes: options.rotateBytes } : {}),
      clock: this.clock,
    });
    this.instances = new InstanceUsage(options.db, this.clock);
  }

  start(): void {
    this.schedule();
  }

  /** One pass now (tests and shutdown): log lines, traffic samples, instance roll-up and pruning when due. */
  async pass(): Promise<UsageRequestsTable[]> {
    const rows = await this.tailer.poll();
    const now = this.clock();
    this.reportTraffic(rows, Math.max(now - this.lastPassAt, 1000) / 1000, now);
    this.lastPassAt = now;
    if (now - this.lastInstanceRollupAt >= (this.options.instanceRollupMs ?? 15_000)) {
      await this.instances.rollUp();
      this.lastInstanceRollupAt = now;
    }
    if (now - this.lastPruneAt >= (this.options.pruneEveryMs ?? 60 * 60_000)) {
      this.lastPruneAt = now;
      const pruned = await this.store.pruneRequests();
      if (pruned > 0) this.options.log.info(`metering: deleted ${pruned} request rows past the retention`);
    }
    return rows;
  }

  async dispose(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .then(() => undefined)
        .catch((error: unknown) => this.options.log.error('metering pass failed', error))
        .finally(() => this.schedule());
    }, this.options.pollMs ?? 1000);
  }

  private reportTraffic(rows: readonly UsageRequestsTable[], windowSeconds: number, at: number): void {
    const perApp = new Map<string, { requests: number; busySeconds: number }>();
    for (const row of rows) {
      const entry = perApp.get(row.app_id) ?? { requests: 0, busySeconds: 0 };
      entry.requests++;
      entry.busySeconds += row.latency_ms / 1000;
      perApp.set(row.app_id, entry);
    }
    // Little's law: the average number of requests in flight is the busy time over the window.
    for (const [appId, entry] of perApp) {
      this.options.traffic.noteTraffic(appId, {
        requests: entry.requests,
        concurrency: entry.busySeconds / windowSeconds,
        at,
      });
    }
    // An app that went quiet must hear so once: the farm keeps the last sample it got, and a
    // stale non-zero concurrency would keep it from scaling in or to zero.
    for (const appId of this.appsWithTraffic) {
      if (!perApp.has(appId)) this.options.traffic.noteTraffic(appId, { requests: 0, concurrency: 0, at });
    }
    this.appsWithTraffic = new Set(perApp.keys());
  }
}
