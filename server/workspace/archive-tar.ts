// Reads a .tar or .tar.gz stream with node-tar's parser. We inflate gzip ourselves so every
// inflated byte is counted (a tiny .tar.gz can expand to terabytes), and we insist on a POSIX
// tar header after inflating so a gzip inside a gzip is not inflated a second time by the parser.
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { DomainError, invalidInput, tooLarge } from '../core/errors';
import type { ArchiveEntryKind, ArchiveVisitor } from './archive-entry';

const BLOCK = 512;

/** Limits applied while inflating, before the parser sees a byte. */
export interface TarReadLimits {
  /** Inflated bytes allowed in total (content plus headers and padding). */
  maxInflatedBytes: number;
}

/** Calls `visit` for each entry of a tar stream (`gzip`: inflate it first). */
export async function readTarEntries(
  chunks: AsyncIterable<Buffer>,
  gzip: boolean,
  visit: ArchiveVisitor,
  limits: TarReadLimits,
): Promise<void> {
  const parser = new Parser({ strict: true });
  let failure: unknown;
  let chain = Promise.resolve();
  let signalFailure!: () => void;
  const failed = new Promise<void>((resolve) => (signalFailure = resolve));
  const fail = (error: unknown): void => {
    failure ??= error;
    signalFailure();
  };

  parser.on('entry', (entry: ReadEntry) => {
    chain = chain.then(async () => {
      if (failure) return void entry.resume();
      try {
        const kind = tarEntryKind(entry);
        await visit({
          name: entry.path,
          kind,
          mode: (entry.mode ?? 0) & 0o7777,
          data: kind === 'file' ? () => Promise.resolve(entry as AsyncIterable<Buffer>) : undefined,
          skip: () => void entry.resume(),
        });
        entry.resume(); // anything the visitor left unread
      } catch (error) {
        entry.resume();
        fail(error);
      }
    });
  });
  parser.on('error', (error: unknown) => fail(malformed(error)));
  const ended = once(parser, 'end').catch(() => undefined);

  try {
    let inflated = 0;
    let head: Buffer | undefined = Buffer.alloc(0); // held back until the first block is checked
    for await (const chunk of inflate(chunks, gzip)) {
      if (failure) break;
      inflated += chunk.length;
      if (inflated > limits.maxInflatedBytes) {
        throw tooLarge(`The archive inflates to more than ${limits.maxInflatedBytes} bytes`, {
          limit: limits.maxInflatedBytes,
          actual: inflated,
          limitName: 'maxTotalBytes',
        });
      }
      let data = chunk;
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.length < BLOCK) continue;
        assertUstarMagic(head);
        data = head;
        head = undefined;
      }
      if (!parser.write(data)) await Promise.race([once(parser, 'drain'), failed]);
    }
    if (!failure) {
      if (head) throw invalidInput('The archive is shorter than one tar block', { reason: 'malformed-archive' });
      parser.end();
      await Promise.race([ended, failed]);
      await chain;
    }
  } catch (error) {
    fail(error instanceof DomainError ? error : malformed(error));
  }
  if (failure) {
    parser.abort(new Error('import aborted'));
    throw failure instanceof Error ? failure : new Error('tar import failed', { cause: failure });
  }
}

function inflate(chunks: AsyncIterable<Buffer>, gzip: boolean): AsyncIterable<Buffer> {
  if (!gzip) return chunks;
  const gunzip = createGunzip();
  // Errors reach the reader through `gunzip` itself; the pipeline's promise only mirrors them.
  pipeline(Readable.from(chunks), gunzip).catch(() => undefined);
  return gunzip;
}

function assertUstarMagic(firstBlock: Buffer): void {
  const magic = firstBlock.subarray(257, 262).toString('latin1');
  if (magic !== 'ustar') {
    throw new DomainError('unsupported', 'The archive is not a POSIX (ustar) tar archive', {
      reason: 'unsupported-format',
    });
  }
}

function tarEntryKind(entry: ReadEntry): ArchiveEntryKind {
  switch (entry.type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return 'file';
    case 'Directory':
    case 'GNUDumpDir':
      return 'directory';
    case 'SymbolicLink':
      return 'symlink';
    case 'Link':
      return 'hardlink';
    case 'CharacterDevice':
    case 'BlockDevice':
      return 'device';
    case 'FIFO':
      return 'fifo';
    default:
      return 'other';
  }
}

function malformed(error: unknown): DomainError {
  const message = error instanceof Error ? error.message : String(error);
  return invalidInput(`The tar archive is malformed: ${message}`, { reason: 'malformed-archive' });
}
