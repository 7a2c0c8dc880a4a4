import { open, rename, rm, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { UsageRequestsTable } from '../db/schema';
import { parseAccessLogLine } from './access-log-record';
import type { UsageStore } from './usage-store';

/** What the tailer reads and how it rotates. */
export interface AccessLogTailerOptions {
  store: UsageStore;
  /** nginx's JSON access log; rotated to `<logFile>.1`. */
  logFile: string;
  /** Tells nginx to reopen its logs (SIGUSR1 to the master). */
  reopenLogs: () => void;
  cursorName?: string;
  /** Rotate once the live file reaches this size (default 64 MiB). */
  rotateBytes?: number;
  /** After a reopen, how long nginx may still write buffered lines to the old file (default 3 s; logs flush every 1 s). */
  finishGraceMs?: number;
  /** At most this much is read per pass (default 4 MiB). */
  maxReadBytes?: number;
  clock?: () => number;
}

/**
 * Reads nginx's access log from a cursor persisted with the rows it produced. Rotation renames
 * the live file, asks nginx to reopen, finishes the old file once nginx is done with it, and
 * only then moves the cursor to the new file.
 */
export class AccessLogTailer {
  private reopenedAt: number | undefined;
  private readonly name: string;
  private readonly clock: () => number;

  constructor(private readonly options: AccessLogTailerOptions) {
    this.name = options.cursorName ?? 'gateway-access-log';
    this.clock = options.clock ?? Date.now;
  }

  private get rotatedFile(): string {
    return `${this.options.logFile}.1`;
  }

  /** One pass: the rows stored (new lines since the cursor), rotating when the file is large. */
  async poll(): Promise<UsageRequestsTable[]> {
    const cursor = await this.options.store.cursor(this.name);
    const current = await statOrNull(this.options.logFile);
    if (cursor && (!current || cursor.inode !== inodeOf(current))) {
      const rotated = await statOrNull(this.rotatedFile);
      if (rotated && inodeOf(rotated) === cursor.inode) return this.finishRotated(cursor.offset, current);
      // The cursor's file is gone: start the live one. Request ids make any re-read harmless.
      if (!current) return [];
      return this.readFrom(this.options.logFile, 0);
    }
    if (!current) return [];
    const offset = cursor && cursor.offset <= current.size ? cursor.offset : 0;
    const rows = await this.readFrom(this.options.logFile, offset);
    if (current.size >= (this.options.rotateBytes ?? 64 * 1024 * 1024)) await this.rotate();
    return rows;
  }

  private async rotate(): Promise<void> {
    if (await statOrNull(this.rotatedFile)) return; // the previous one is not finished yet
    await rename(this.options.logFile, this.rotatedFile);
    this.options.reopenLogs();
    this.reopenedAt = this.clock();
  }

  private async finishRotated(offset: number, current: Stats | null): Promise<UsageRequestsTable[]> {
    if (this.reopenedAt === undefined) {
      // Renamed by an earlier process that stopped before nginx reopened: ask again (harmless).
      this.options.reopenLogs();
      this.reopenedAt = this.clock();
    }
    const rows = await this.readFrom(this.rotatedFile, offset);
    const settled = this.clock() - this.reopenedAt >= (this.options.finishGraceMs ?? 3000);
    const after = await this.options.store.cursor(this.name);
    const rotated = await statOrNull(this.rotatedFile);
    if (!settled || !current || !rotated || !after || after.offset < rotated.size) return rows;
    await this.options.store.setCursor(this.name, { inode: inodeOf(current), offset: 0 });
    await rm(this.rotatedFile, { force: true });
    this.reopenedAt = undefined;
    return [...rows, ...(await this.readFrom(this.options.logFile, 0))];
  }

  /** Reads whole lines from `offset`, stores them with the cursor after them. */
  private async readFrom(file: string, offset: number): Promise<UsageRequestsTable[]> {
    const handle = await open(file, 'r').catch(() => undefined);
    if (!handle) return [];
    try {
      const info = await handle.stat();
      const length = Math.min(info.size - offset, this.options.maxReadBytes ?? 4 * 1024 * 1024);
      if (length <= 0) return [];
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      // A line longer than a whole read cannot be a usage record: step over it.
      const consumed =
        end >= 0 ? end + 1 : bytesRead === (this.options.maxReadBytes ?? 4 * 1024 * 1024) ? bytesRead : 0;
      if (consumed === 0) return [];
      const rows = buffer
        .subarray(0, end >= 0 ? end : 0)
        .toString('utf8')
        .split('\n')
        .map(parseAccessLogLine)
        .filter((row): row is UsageRequestsTable => row !== null);
      await this.options.store.record(this.name, { inode: inodeOf(info), offset: offset + consumed }, rows);
      return rows;
    } finally {
      await handle.close();
    }
  }
}

function inodeOf(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}
