import type { LogEntryDto } from '@/server/protocol/preview';

/** A line of the Output panel: a server entry, or a console message not yet echoed by the server. */
export interface OutputEntry extends LogEntryDto {
  /** True for a page-console message shown before the server has logged it. */
  local?: boolean;
}

/** The Output panel keeps only the most recent entries: an app that logs in a loop must not eat the tab's memory. */
export const OUTPUT_LIMIT = 5_000;

/**
 * Output entries in `seq` order, capped, with history (`GET …/logs`) and live (`logs` messages)
 * merged without duplicates whatever order they arrive in.
 */
export class LogBuffer {
  private entries: OutputEntry[] = [];
  private readonly seen = new Set<number>();
  private lastSeq = 0;
  private localCount = 0;

  constructor(private readonly limit = OUTPUT_LIMIT) {}

  /** Highest server `seq` received, for `GET …/logs?after=`. */
  get last(): number {
    return this.lastSeq;
  }

  /** The entries, oldest first. The array is replaced on every change, so it can be compared by identity. */
  get all(): readonly OutputEntry[] {
    return this.entries;
  }

  /** Adds server entries; returns true if anything new arrived. */
  add(incoming: readonly LogEntryDto[]): boolean {
    const fresh = incoming.filter((e) => Number.isFinite(e.seq) && !this.seen.has(e.seq));
    if (fresh.length === 0) return false;
    let next = this.entries;
    for (const entry of fresh) {
      this.seen.add(entry.seq);
      if (entry.stream === 'console') next = withoutEcho(next, entry.text);
    }
    const outOfOrder = fresh.some((e) => e.seq < this.lastSeq);
    next = [...next, ...fresh];
    // History fetched after a reconnect can be older than live entries already shown.
    if (outOfOrder) next.sort((a, b) => a.seq - b.seq);
    this.lastSeq = Math.max(this.lastSeq, ...fresh.map((e) => e.seq));
    this.entries = this.trim(next);
    return true;
  }

  /** Shows a page-console message at once; the server's copy (a `console` entry) replaces it later. */
  addLocal(stream: LogEntryDto['stream'], text: string): void {
    this.localCount += 1;
    // Sorts after everything received so far and before the next server entry.
    const seq = this.lastSeq + this.localCount / 1e6;
    this.entries = this.trim([...this.entries, { seq, time: new Date().toISOString(), stream, text, local: true }]);
  }

  private trim(entries: OutputEntry[]): OutputEntry[] {
    if (entries.length <= this.limit) return entries;
    const dropped = entries.slice(0, entries.length - this.limit);
    for (const entry of dropped) this.seen.delete(entry.seq);
    return entries.slice(-this.limit);
  }
}

/** Drops the oldest local console entry whose text the server's entry contains (it may add a prefix). */
function withoutEcho(entries: OutputEntry[], serverText: string): OutputEntry[] {
  const index = entries.findIndex((e) => e.local && serverText.includes(e.text.slice(0, 200)));
  return index < 0 ? entries : [...entries.slice(0, index), ...entries.slice(index + 1)];
}
