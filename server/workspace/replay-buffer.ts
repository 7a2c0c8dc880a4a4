/** How far past the mandatory cut we look for a newline. */
const NEWLINE_SEARCH_BYTES = 8 * 1024;

/**
 * The most recent output of a terminal, bounded, for replay when a client reattaches.
 *
 * Chunks are kept as received (no copying on the hot path); when the total passes the capacity
 * the oldest bytes are dropped. The cut prefers the byte after a newline (so the replay does not
 * start inside an escape sequence or a half-drawn line) and otherwise lands on a UTF-8 character
 * boundary, never on a continuation byte.
 */
export class ReplayBuffer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new RangeError('capacity must be > 0');
  }

  /** Bytes currently held (≤ capacity). */
  get byteLength(): number {
    return this.size;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.size += data.length;
    if (this.size > this.capacity) this.trim();
  }

  /** Everything held, oldest first, as one array (shared with the buffer: do not mutate). */
  snapshot(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    // Keep one chunk from now on: reattaching again should not concatenate again.
    this.chunks = this.size === 0 ? [] : [out];
    return out;
  }

  private trim(): void {
    let excess = this.size - this.capacity;
    while (excess > 0) {
      const first = this.chunks[0];
      if (first === undefined) break;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        excess -= first.length;
        continue;
      }
      const cut = safeCut(first, excess);
      // Copy so the dropped head of a large chunk is not kept alive by a view.
      this.chunks[0] = first.slice(cut);
      this.size -= cut;
      break;
    }
  }
}

/** First index ≥ `min` where replay may start inside `chunk` (may equal chunk.length). */
export function safeCut(chunk: Uint8Array, min: number): number {
  const limit = Math.min(chunk.length, min + NEWLINE_SEARCH_BYTES);
  const newline = chunk.indexOf(0x0a, min);
  if (newline !== -1 && newline < limit) return newline + 1;
  let cut = min;
  // 0b10xxxxxx bytes continue a multi-byte UTF-8 sequence.
  while (cut < chunk.length && ((chunk[cut] ?? 0) & 0xc0) === 0x80) cut++;
  return cut;
}
