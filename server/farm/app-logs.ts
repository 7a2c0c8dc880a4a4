import { Emitter } from '../core/event';
import type { AppLogLineDto } from '../protocol/apps';

const MAX_TEXT = 8_192;

/** The recent output of every app (all instances, plus the farm's own "platform" lines), bounded per app. */
export class AppLogs {
  private readonly buffers = new Map<string, AppLogLineDto[]>();
  private readonly onDidAppendEmitter = new Emitter<{ appId: string; line: AppLogLineDto }>();

  constructor(private readonly capacityPerApp = 2_000) {}

  append(appId: string, line: Omit<AppLogLineDto, 'at'> & { at?: string }): void {
    const entry: AppLogLineDto = {
      ...line,
      at: line.at ?? new Date().toISOString(),
      text: line.text.slice(0, MAX_TEXT),
    };
    let buffer = this.buffers.get(appId);
    if (!buffer) this.buffers.set(appId, (buffer = []));
    buffer.push(entry);
    if (buffer.length > this.capacityPerApp) buffer.splice(0, buffer.length - this.capacityPerApp);
    this.onDidAppendEmitter.fire({ appId, line: entry });
  }

  /** Forgets an app's lines (it was deleted). */
  forget(appId: string): void {
    this.buffers.delete(appId);
  }

  /** The buffered lines, then (with `follow`) new ones until `signal` aborts. */
  async *read(appId: string, options: { follow: boolean; signal: AbortSignal }): AsyncIterable<AppLogLineDto> {
    const queue: AppLogLineDto[] = [...(this.buffers.get(appId) ?? [])];
    let wake: (() => void) | undefined;
    const subscription = options.follow
      ? this.onDidAppendEmitter.event((appended) => {
          if (appended.appId !== appId) return;
          queue.push(appended.line);
          wake?.();
        })
      : undefined;
    const onAbort = () => wake?.();
    options.signal.addEventListener('abort', onAbort);
    try {
      while (!options.signal.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (!options.follow) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      void subscription?.dispose();
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  dispose(): void {
    this.onDidAppendEmitter.dispose();
    this.buffers.clear();
  }
}
