import { watch, type FSWatcher } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import type { Disposable } from '../../core/disposable';

/** Beyond this size the file is emptied after reading, so a chatty app cannot fill the disk. */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** How much of an existing file an adopted instance replays (its recent past). */
const REPLAY_BYTES = 16 * 1024;
const MAX_LINE_CHARS = 8_192;

/**
 * Follows a log file an instance appends to (O_APPEND, so it survives the platform), calling
 * `onLine` for each complete line. Reads on inotify changes plus a slow poll, because a watch can
 * miss writes made while the platform was down.
 */
export class LogFileTail implements Disposable {
  private offset = 0;
  private partial = '';
  private reading: Promise<void> | undefined;
  private again = false;
  private readonly watcher: FSWatcher | undefined;
  private readonly poll: NodeJS.Timeout;
  private disposed = false;

  private constructor(
    private readonly file: string,
    private readonly onLine: (text: string) => void,
    private readonly maxBytes: number,
  ) {
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(file, () => this.read());
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined; // the poll still reads
    }
    this.watcher = watcher;
    this.poll = setInterval(() => this.read(), 1_000).unref();
  }

  /** Starts following `file`; `replay` first reads the end of what is already there. */
  static async follow(
    file: string,
    onLine: (text: string) => void,
    options: { replay: boolean; maxBytes?: number },
  ): Promise<LogFileTail> {
    const tail = new LogFileTail(file, onLine, options.maxBytes ?? DEFAULT_MAX_BYTES);
    const size = await sizeOf(file);
    tail.offset = options.replay ? Math.max(0, size - REPLAY_BYTES) : size;
    tail.skipFirstPartial = options.replay && tail.offset > 0;
    tail.read();
    return tail;
  }

  private skipFirstPartial = false;

  /** Reads everything written so far; resolves when done (tests and the final read at exit). */
  async flush(): Promise<void> {
    this.read();
    while (this.reading) await this.reading;
  }

  private read(): void {
    if (this.disposed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readNew().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.read();
      }
    });
  }

  private async readNew(): Promise<void> {
    const size = await sizeOf(this.file);
    if (size < this.offset) this.offset = 0; // emptied
    if (size === this.offset) return;
    const handle = await open(this.file, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      const buffer = Buffer.alloc(Math.min(size - this.offset, 1024 * 1024));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      this.emit(buffer.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
    if (this.offset > this.maxBytes) {
      // Lines written between the read above and this truncate are lost; that is the price of a bound.
      await truncate(this.file, 0).catch(() => undefined);
      this.offset = 0;
    } else if (this.offset < size) {
      this.again = true;
    }
  }

  private emit(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = (lines.pop() ?? '').slice(0, MAX_LINE_CHARS);
    if (this.skipFirstPartial) {
      lines.shift();
      this.skipFirstPartial = false;
    }
    for (const line of lines) if (!this.disposed) this.onLine(line.slice(0, MAX_LINE_CHARS));
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
    clearInterval(this.poll);
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
