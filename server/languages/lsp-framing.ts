import { invalidInput, tooLarge } from '../core/errors';

/** Longest header block accepted; LSP sends only Content-Length and sometimes Content-Type. */
const MAX_HEADER_BYTES = 1024;
const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');

/** One JSON-RPC message with the `Content-Length` header of LSP's stdio transport. */
export function frameMessage(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/**
 * Splits a language server's output stream into message bodies. Chunks are kept as they came and
 * joined once per message, so a large answer arriving in many chunks is copied once, not once per
 * chunk. Throws a DomainError on malformed headers or a message above `maxMessageBytes`; the
 * stream cannot be resynchronised after that.
 */
export class ContentLengthDecoder {
  private chunks: Buffer[] = [];
  private length = 0;
  private bodyLength: number | null = null;

  constructor(private readonly maxMessageBytes: number) {}

  /** Feeds a chunk of output; returns the messages it completed, as UTF-8 text. */
  push(chunk: Buffer): string[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const messages: string[] = [];
    for (;;) {
      if (this.bodyLength === null && !this.readHeader()) break;
      if (this.bodyLength === null || this.length < this.bodyLength) break;
      messages.push(this.take(this.bodyLength).toString('utf8'));
      this.bodyLength = null;
    }
    return messages;
  }

  private readHeader(): boolean {
    const head = this.peek(Math.min(this.length, MAX_HEADER_BYTES + HEADER_END.length));
    const end = head.indexOf(HEADER_END);
    if (end < 0) {
      if (this.length > MAX_HEADER_BYTES) throw invalidInput('language server header too long');
      return false;
    }
    let contentLength: number | undefined;
    for (const line of head.subarray(0, end).toString('ascii').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) throw invalidInput('malformed language server header', { line });
      if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,10}$/.test(value)) throw invalidInput('invalid Content-Length', { value });
      contentLength = Number(value);
    }
    if (contentLength === undefined) throw invalidInput('language server message without Content-Length');
    if (contentLength > this.maxMessageBytes) {
      throw tooLarge('language server message too large', { bytes: contentLength, limit: this.maxMessageBytes });
    }
    this.take(end + HEADER_END.length);
    this.bodyLength = contentLength;
    return true;
  }

  /** The first `count` buffered bytes, without consuming them. */
  private peek(count: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= count) return first.subarray(0, count);
    return Buffer.concat(this.chunks, this.length).subarray(0, count);
  }

  /** Removes and returns the first `count` buffered bytes (at most one copy). */
  private take(count: number): Buffer {
    const taken: Buffer[] = [];
    let needed = count;
    while (needed > 0) {
      const chunk = this.chunks[0];
      if (!chunk) throw new Error('ContentLengthDecoder: take() beyond the buffered bytes');
      if (chunk.length <= needed) {
        taken.push(chunk);
        this.chunks.shift();
        needed -= chunk.length;
      } else {
        taken.push(chunk.subarray(0, needed));
        this.chunks[0] = chunk.subarray(needed);
        needed = 0;
      }
    }
    this.length -= count;
    return taken.length === 1 ? (taken[0] as Buffer) : Buffer.concat(taken, count);
  }
}
