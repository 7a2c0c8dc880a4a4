import { Emitter, type Event } from '../core/event';
import type { LogEntryDto } from '../protocol/preview';

/** The recent output of one preview (build, app, access log, page console), bounded. */
export class LogBuffer {
  private readonly entries: LogEntryDto[] = [];
  private nextSeq = 1;
  private readonly onDidAppendEmitter = new Emitter<LogEntryDto>();
  /** Fires for every appended entry. */
  readonly onDidAppend: Event<LogEntryDto> = this.onDidAppendEmitter.event;

  constructor(private readonly capacity = 5_000) {}

  append(stream: LogEntryDto['stream'], text: string): LogEntryDto {
    // Long lines are cut so one runaway print cannot fill the buffer's memory.
    const entry: LogEntryDto = {
      seq: this.nextSeq++,
      time: new Date().toISOString(),
      stream,
      text: text.slice(0, 8_192),
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.onDidAppendEmitter.fire(entry);
    return entry;
  }

  /** Entries with a sequence number above `after`, oldest first. */
  since(after: number): LogEntryDto[] {
    const first = this.entries.findIndex((entry) => entry.seq > after);
    return first < 0 ? [] : this.entries.slice(first);
  }

  dispose(): void {
    this.onDidAppendEmitter.dispose();
  }
}
