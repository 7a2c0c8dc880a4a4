// Unpacks an uploaded .zip, .tar or .tar.gz into a project directory, all or nothing: entries are
// checked by safe-path rules and written into a private staging directory first, then moved in.
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DomainError, invalidInput, tooLarge } from '../core/errors';
import type { ArchiveFormat, ArchiveImportResult, SkippedArchiveEntry } from '../protocol/files';
import type { ArchiveEntry } from './archive-entry';
import type { ProjectLimits } from './project-limits';
import { walkProject } from './project-walk';
import { moveStagedTree } from './archive-staging';
import { readTarEntries } from './archive-tar';
import { readZipEntries } from './archive-zip';
import { checkProjectPath, printable, resolveProjectPath } from './safe-path';

/** The project's limits (the import must fit in what is left) and the upload's own size limit. */
export interface ArchiveImportLimits extends ProjectLimits {
  /** Bytes of the uploaded archive itself, compressed (default: maxProjectBytes). */
  maxArchiveBytes?: number;
}

// What one import may add, after subtracting what the project already uses.
interface ImportBudget {
  maxEntries: number;
  maxTotalBytes: number;
  maxFileBytes: number;
  maxArchiveBytes: number;
}

/** Where and how to unpack. */
export interface ArchiveImportOptions {
  /** The project's directory. */
  projectRoot: string;
  /** Project-relative directory to unpack into ('' for the root); created when missing. */
  targetDir?: string;
  /** A private directory on the same file system (default: `.slipway-staging` beside the project). */
  stagingRoot?: string;
  /** Replace files that already exist (directories merge); default false (conflict). */
  overwrite?: boolean;
  limits: ArchiveImportLimits;
}

const HEAD_BYTES = 512;

/** Recognises an archive by its first bytes (at least 262 for a plain tar), never by its name. */
export function detectArchiveFormat(head: Buffer): ArchiveFormat | undefined {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0506) return 'zip'; // empty zip
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/** Unpacks an archive (a Buffer or a stream) into the project; returns what was written and skipped. */
export async function importArchive(
  source: Buffer | Readable,
  options: ArchiveImportOptions,
): Promise<ArchiveImportResult> {
  try {
    return await unpack(source, options);
  } finally {
    // An upload we stopped reading early (refused, too large) must not keep its socket open.
    if (!Buffer.isBuffer(source) && !source.readableEnded) source.destroy();
  }
}

async function unpack(source: Buffer | Readable, options: ArchiveImportOptions): Promise<ArchiveImportResult> {
  const realRoot = await realpath(options.projectRoot);
  const limits = await budgetOf(realRoot, options.limits);
  const target = await resolveProjectPath(realRoot, options.targetDir ?? '', { followFinal: true, allowRoot: true });
  if (target.stat && !target.stat.isDirectory()) {
    throw invalidInput(`"${printable(target.relative)}" is not a directory`, { path: target.relative });
  }
  const { head, chunks } = await peek(source, limits.maxArchiveBytes);
  const format = detectArchiveFormat(head);
  if (!format) {
    throw new DomainError('unsupported', 'The upload is not a zip, tar or tar.gz archive', {
      reason: 'unsupported-format',
    });
  }

  const stagingRoot = options.stagingRoot ?? path.join(path.dirname(realRoot), '.slipway-staging');
  await mkdir(stagingRoot, { recursive: true, mode: 0o700 });
  const staging = await mkdtemp(path.join(stagingRoot, 'import-'));
  try {
    const tree = path.join(staging, 'tree');
    await mkdir(tree);
    const unpacker = new StagingWriter(tree, limits);
    const visit = (entry: ArchiveEntry): Promise<void> => unpacker.add(entry);
    if (format === 'zip') {
      await readZipEntries(await collect(chunks, limits.maxArchiveBytes), visit, limits.maxEntries);
    } else {
      // Headers, PAX records and padding are not content; allow a bounded amount of them.
      const overhead = Math.min((limits.maxEntries + 2) * 8 * HEAD_BYTES, 32 << 20) + (64 << 10);
      await readTarEntries(chunks, format === 'tar.gz', visit, { maxInflatedBytes: limits.maxTotalBytes + overhead });
    }
    const prefix = target.realRelative === '' ? '' : `${target.realRelative}/`;
    await moveStagedTree(tree, target.absolute, path.join(staging, 'replaced'), options.overwrite ?? false);
    return { format, written: unpacker.written.map((p) => prefix + p), skipped: unpacker.skipped };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function budgetOf(realRoot: string, limits: ArchiveImportLimits): Promise<ImportBudget> {
  let bytes = 0;
  const entries = await walkProject(realRoot, { maxEntries: limits.maxEntries });
  for (const entry of entries) if (entry.type === 'file') bytes += entry.stat.size;
  return {
    maxEntries: limits.maxEntries - entries.length,
    maxTotalBytes: limits.maxProjectBytes - bytes,
    maxFileBytes: limits.maxFileBytes,
    maxArchiveBytes: limits.maxArchiveBytes ?? limits.maxProjectBytes,
  };
}

// Writes checked entries into the staging tree and keeps the books (counts, bytes, names).
class StagingWriter {
  readonly written: string[] = [];
  readonly skipped: SkippedArchiveEntry[] = [];
  private readonly seen = new Map<string, 'file' | 'directory'>();
  private entries = 0;
  private totalBytes = 0;

  constructor(
    private readonly tree: string,
    private readonly limits: ImportBudget,
  ) {}

  async add(entry: ArchiveEntry): Promise<void> {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw tooLarge(`The archive has more entries than the project has room for (${this.limits.maxEntries})`, {
        limit: this.limits.maxEntries,
        actual: this.entries,
        limitName: 'maxEntries',
      });
    }
    const name = entryName(entry);
    if (name === undefined) return entry.skip(); // the archive's own "./" entry
    const problem = checkProjectPath(name);
    if (problem === 'git-internals') return this.skip(entry, name, 'repository internals (.git) are not imported');
    if (problem) {
      throw invalidInput(`Archive entry "${printable(entry.name)}" is not allowed (${problem})`, {
        entry: entry.name,
        reason: problem,
      });
    }
    if (entry.kind !== 'file' && entry.kind !== 'directory') {
      return this.skip(entry, name, `${entry.kind} entries are not unpacked`);
    }
    const previous = this.seen.get(name);
    if (previous && (previous === 'file' || entry.kind === 'file')) {
      throw invalidInput(`Archive entry "${printable(name)}" appears more than once`, {
        entry: name,
        reason: 'duplicate',
      });
    }
    this.seen.set(name, entry.kind);
    const absolute = path.join(this.tree, name);
    try {
      if (entry.kind === 'directory') {
        await mkdir(absolute, { recursive: true, mode: 0o755 });
        if (!previous) this.written.push(name);
        return;
      }
      await mkdir(path.dirname(absolute), { recursive: true, mode: 0o755 });
      await this.writeFile(entry, name, absolute);
      this.written.push(name);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
        throw invalidInput(`Archive entry "${printable(name)}" clashes with another entry`, {
          entry: name,
          reason: 'clash',
        });
      }
      throw invalidInput(`Could not unpack "${printable(name)}": ${(error as Error).message}`, {
        entry: name,
        reason: 'malformed-archive',
      });
    }
  }

  private async writeFile(entry: ArchiveEntry, name: string, absolute: string): Promise<void> {
    const mode = (entry.mode & 0o111) !== 0 ? 0o755 : 0o644;
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const handle = await open(absolute, flags, mode);
    try {
      let size = 0;
      const data = entry.data ? await entry.data() : [];
      for await (const chunk of data) {
        size += chunk.length;
        this.totalBytes += chunk.length;
        if (size > this.limits.maxFileBytes) {
          throw tooLarge(`Archive entry "${printable(name)}" inflates to more than ${this.limits.maxFileBytes} bytes`, {
            entry: name,
            limit: this.limits.maxFileBytes,
            actual: size,
            limitName: 'maxFileBytes',
          });
        }
        if (this.totalBytes > this.limits.maxTotalBytes) {
          throw tooLarge(`The archive inflates to more than ${this.limits.maxTotalBytes} bytes`, {
            limit: this.limits.maxTotalBytes,
            actual: this.totalBytes,
            limitName: 'maxTotalBytes',
          });
        }
        await handle.write(chunk);
      }
    } finally {
      await handle.close();
    }
  }

  private skip(entry: ArchiveEntry, name: string, reason: string): void {
    entry.skip();
    this.skipped.push({ path: name, reason });
  }
}

// Strips the "./" prefixes tar adds and a directory's trailing "/"; undefined for "." itself.
function entryName(entry: ArchiveEntry): string | undefined {
  let name = entry.name;
  while (name.startsWith('./')) name = name.slice(2);
  if (entry.kind === 'directory' || name.endsWith('/')) name = name.replace(/\/+$/, '');
  return name === '' || name === '.' ? undefined : name;
}

// Reads the first bytes to detect the format, then hands back a stream of every chunk.
async function peek(
  source: Buffer | Readable,
  maxArchiveBytes: number,
): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  if (Buffer.isBuffer(source)) {
    assertArchiveSize(source.length, maxArchiveBytes);
    return { head: source.subarray(0, HEAD_BYTES), chunks: Readable.from([source]) };
  }
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let length = 0;
  while (length < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value);
    buffered.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(buffered);
  async function* chunks(): AsyncGenerator<Buffer> {
    let total = head.length;
    assertArchiveSize(total, maxArchiveBytes);
    if (head.length > 0) yield head;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = Buffer.from(next.value);
      total += chunk.length;
      assertArchiveSize(total, maxArchiveBytes);
      yield chunk;
    }
  }
  return { head, chunks: chunks() };
}

async function collect(chunks: AsyncIterable<Buffer>, maxArchiveBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  const buffer = Buffer.concat(parts);
  assertArchiveSize(buffer.length, maxArchiveBytes);
  return buffer;
}

function assertArchiveSize(size: number, limit: number): void {
  if (size > limit) {
    throw tooLarge(`The archive is larger than ${limit} bytes`, { limit, actual: size, limitName: 'maxArchiveBytes' });
  }
}
