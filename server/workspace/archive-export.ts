// Streams a project (without .git) as .zip (yazl) or .tar.gz (node-tar's header encoder + zlib).
// Files are opened through safe-path's openInside, so a file swapped for a symlink to a host
// file while the archive is being written is refused instead of exported.
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { realpath, readlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Header, Pax, type HeaderData } from 'tar';
import yazl from 'yazl';
import type { ExportFormat } from '../protocol/files';
import { walkProject, type WalkEntry } from './project-walk';
import { openInside } from './safe-path';

/** Options of `exportArchive`. */
export interface ArchiveExportOptions {
  /** Refuse projects with more entries than this (default 100 000). */
  maxEntries?: number;
}

const BLOCK = 512;
const CHUNK = 64 * 1024;

/**
 * Returns a stream of the project as an archive. The walk happens when the stream is first read,
 * so failures (a vanished project, too many entries) surface as stream errors.
 */
export function exportArchive(root: string, format: ExportFormat, options: ArchiveExportOptions = {}): Readable {
  const maxEntries = options.maxEntries ?? 100_000;
  async function* generate(): AsyncGenerator<Buffer> {
    const realRoot = await realpath(root);
    const entries = (await walkProject(realRoot, { maxEntries })).filter((e) => e.type !== 'special');
    if (format === 'zip') yield* zipChunks(realRoot, entries);
    else yield* gzipped(tarChunks(realRoot, entries));
  }
  return Readable.from(generate(), { objectMode: false });
}

async function* zipChunks(realRoot: string, entries: WalkEntry[]): AsyncGenerator<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    const mtime = entry.stat.mtime;
    if (entry.type === 'directory') {
      zip.addEmptyDirectory(entry.path, { mtime, mode: 0o40755 });
    } else if (entry.type === 'symlink') {
      const target = await readlink(path.join(realRoot, entry.path)).catch(() => undefined);
      if (target !== undefined)
        zip.addBuffer(Buffer.from(target), entry.path, { mtime, mode: 0o120777, compress: false });
    } else {
      const mode = entry.stat.mode & 0o111 ? 0o100755 : 0o100644;
      zip.addReadStreamLazy(entry.path, { mtime, mode }, (callback) => {
        openRegular(realRoot, entry).then(
          (handle) => callback(null, handle.createReadStream({ start: 0, end: Math.max(0, entry.stat.size - 1) })),
          (error: unknown) => callback(error, undefined as unknown as NodeJS.ReadableStream),
        );
      });
    }
  }
  zip.end();
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) yield chunk;
}

async function* tarChunks(realRoot: string, entries: WalkEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const base: HeaderData = { path: entry.path, mtime: entry.stat.mtime, uid: 0, gid: 0, uname: '', gname: '' };
    if (entry.type === 'directory') {
      yield* header({ ...base, path: `${entry.path}/`, type: 'Directory', mode: 0o755, size: 0 });
    } else if (entry.type === 'symlink') {
      const linkpath = await readlink(path.join(realRoot, entry.path)).catch(() => undefined);
      if (linkpath !== undefined) yield* header({ ...base, type: 'SymbolicLink', linkpath, mode: 0o777, size: 0 });
    } else {
      const handle = await openRegular(realRoot, entry);
      try {
        // The header promises the size we saw; the body is cut or zero-padded to keep that promise.
        const size = entry.stat.size;
        yield* header({ ...base, type: 'File', mode: entry.stat.mode & 0o111 ? 0o755 : 0o644, size });
        yield* body(handle, size);
      } finally {
        await handle.close();
      }
    }
  }
  yield Buffer.alloc(BLOCK * 2); // end-of-archive marker
}

function* header(data: HeaderData): Generator<Buffer> {
  const block = Buffer.alloc(BLOCK);
  const encoder = new Header(data);
  // Long or non-ASCII names need a PAX extended header; the ustar header keeps a truncated copy.
  if (encoder.encode(block)) yield new Pax({ path: data.path, linkpath: data.linkpath, mtime: data.mtime }).encode();
  yield block;
}

async function* body(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  let position = 0;
  while (position < size) {
    const buffer = Buffer.alloc(Math.min(CHUNK, size - position));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
  const padding = (BLOCK - (size % BLOCK)) % BLOCK;
  const missing = size - position;
  if (missing + padding > 0) yield Buffer.alloc(missing + padding);
}

async function* gzipped(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gzip = createGzip();
  // pipeline() destroys both sides on failure, so an error while reading a file reaches `gzip`.
  const done = pipeline(Readable.from(chunks), gzip);
  done.catch(() => undefined);
  yield* gzip as AsyncIterable<Buffer>;
  await done;
}

async function openRegular(realRoot: string, entry: WalkEntry): Promise<FileHandle> {
  const handle = await openInside(realRoot, path.join(realRoot, entry.path), entry.path, constants.O_RDONLY);
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new Error(`"${entry.path}" changed into a non-regular file during the export`);
  }
  return handle;
}
