// A project's files through safe paths: tree, read, atomic write, mkdir, move, remove, with limits.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, realpath, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { conflict, invalidInput, notFound } from '../core/errors';
import type { FileEntry, ProjectUsage } from '../protocol/files';
import { assertEntryCount, assertFileSize, assertProjectBytes, type ProjectLimits } from './project-limits';
import { walkProject } from './project-walk';
import {
  assertRegularFile,
  errnoCode,
  fsError,
  openInside,
  printable,
  resolveProjectPath,
  type ResolvedPath,
} from './safe-path';

export type { ProjectLimits } from './project-limits';

/** Options of `ProjectFiles.write`. */
export interface WriteOptions {
  /** Create the file (and missing parent directories) when it does not exist; default false. */
  create?: boolean;
  /** Replace the file when it exists; default true. */
  overwrite?: boolean;
}

/** What `ProjectFiles.write` accepts: bytes, text (UTF-8) or a stream of chunks (e.g. a body). */
export type WriteData = Uint8Array | string | AsyncIterable<Uint8Array>;

// Our own usage snapshot is trusted this long; the terminal may change files behind our back.
const USAGE_TTL_MS = 5_000;

/** The files of one project directory, every path checked by safe-path rules. */
export class ProjectFiles {
  private realRootPromise: Promise<string> | undefined;
  private usageCache: { value: ProjectUsage; at: number } | undefined;

  constructor(private readonly options: { root: string; limits: ProjectLimits }) {}

  /** The project's limits. */
  get limits(): ProjectLimits {
    return this.options.limits;
  }

  /** The project's root as a real path (symlinks in the data dir resolved once). */
  realRoot(): Promise<string> {
    this.realRootPromise ??= realpath(this.options.root).catch((error: unknown) => {
      this.realRootPromise = undefined;
      throw errnoCode(error) === 'ENOENT' ? notFound('The project directory does not exist') : error;
    });
    return this.realRootPromise;
  }

  /** Every entry except `.git`, sorted so children follow their directory; links are not followed. */
  async tree(): Promise<FileEntry[]> {
    const entries = await walkProject(await this.realRoot(), { maxEntries: this.limits.maxEntries });
    const result: FileEntry[] = [];
    for (const entry of entries) {
      if (entry.type === 'special') continue;
      result.push({ path: entry.path, type: entry.type, size: entry.type === 'directory' ? 0 : entry.stat.size });
    }
    this.usageCache = { value: usageOf(result), at: Date.now() };
    return result;
  }

  /** Bytes and entries the project uses (cached for a few seconds, updated by our own writes). */
  async usage(): Promise<ProjectUsage> {
    if (this.usageCache && Date.now() - this.usageCache.at < USAGE_TTL_MS) return { ...this.usageCache.value };
    const entries = await walkProject(await this.realRoot());
    const value = usageOf(entries.map((e) => ({ type: e.type, size: e.stat.size })));
    this.usageCache = { value, at: Date.now() };
    return { ...value };
  }

  /** Reads a regular file (symlinks inside the project are followed; FIFOs and devices refused). */
  async read(relative: string): Promise<Buffer> {
    const root = await this.realRoot();
    const target = await resolveProjectPath(root, relative, { followFinal: true });
    if (!target.stat) throw notFound(`"${printable(target.relative)}" does not exist`, { path: target.relative });
    assertRegularFile(target.stat, target.relative);
    const handle = await openInside(root, target.absolute, target.relative, constants.O_RDONLY);
    try {
      const stat = await handle.stat();
      assertRegularFile(stat, target.relative);
      assertFileSize(this.limits, target.relative, stat.size);
      const buffer = Buffer.alloc(stat.size);
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return buffer.subarray(0, offset);
    } finally {
      await handle.close();
    }
  }

  /**
   * Writes a file atomically: a temp file in the same directory, fsync, then rename over the
   * target, so readers see the old or the new content, never a mix, and a failure keeps the old.
   */
  async write(relative: string, data: WriteData, options: WriteOptions = {}): Promise<FileEntry> {
    const root = await this.realRoot();
    const target = await resolveProjectPath(root, relative, { followFinal: true });
    const shown = printable(target.relative);
    if (target.stat) {
      assertRegularFile(target.stat, target.relative);
      if (options.overwrite === false) throw conflict(`"${shown}" already exists`, { path: target.relative });
    } else if (!options.create) {
      throw notFound(`"${shown}" does not exist`, { path: target.relative });
    }
    const oldSize = target.stat?.size ?? 0;
    const usage = await this.usage();
    const newEntries = target.stat ? 0 : target.missing;
    assertEntryCount(this.limits, usage.entries + newEntries);
    const othersBytes = usage.bytes - oldSize;
    const known = knownLength(data);
    if (known !== undefined) this.assertSizes(target.relative, known, othersBytes);

    const directory = path.dirname(target.absolute);
    if (target.missing > 1)
      await mkdir(directory, { recursive: true }).catch((e: unknown) => {
        throw fsError(e, target.relative);
      });
    const temp = path.join(
      directory,
      `.${path.basename(target.absolute).slice(0, 200)}.${randomBytes(6).toString('hex')}.slipway-tmp`,
    );
    const mode = target.stat ? target.stat.mode & 0o7777 : 0o644;
    const handle = await openInside(
      root,
      temp,
      target.relative,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      mode,
    );
    let written = 0;
    try {
      try {
        if (target.stat) await handle.chmod(mode);
        for await (const chunk of chunksOf(data)) {
          written += chunk.byteLength;
          this.assertSizes(target.relative, written, othersBytes);
          await handle.write(chunk);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target.absolute);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDirectory(directory);
    this.adjustUsage(written - oldSize, newEntries);
    return { path: target.relative, type: 'file', size: written };
  }

  /** Creates a directory and its missing parents; conflict when something already exists there. */
  async createDirectory(relative: string): Promise<FileEntry> {
    const root = await this.realRoot();
    const target = await resolveProjectPath(root, relative, { followFinal: false });
    if (target.stat) throw conflict(`"${printable(target.relative)}" already exists`, { path: target.relative });
    const usage = await this.usage();
    assertEntryCount(this.limits, usage.entries + target.missing);
    await mkdir(target.absolute, { recursive: true }).catch((e: unknown) => {
      throw fsError(e, target.relative);
    });
    this.adjustUsage(0, target.missing);
    return { path: target.relative, type: 'directory', size: 0 };
  }

  /** Moves or renames an entry (a symlink moves as itself); never into itself, no overwrite unless asked. */
  async move(from: string, to: string, options: { overwrite?: boolean } = {}): Promise<FileEntry> {
    const root = await this.realRoot();
    const source = await resolveProjectPath(root, from, { followFinal: false });
    const target = await resolveProjectPath(root, to, { followFinal: false });
    const shownFrom = printable(source.relative);
    const shownTo = printable(target.relative);
    if (!source.stat) throw notFound(`"${shownFrom}" does not exist`, { path: source.relative });
    const type = fileEntryType(source);
    if (source.absolute === target.absolute) return { path: target.relative, type, size: entrySize(source) };
    if (source.stat.isDirectory() && target.absolute.startsWith(source.absolute + path.sep)) {
      throw invalidInput(`Cannot move "${shownFrom}" into itself ("${shownTo}")`, {
        from: source.relative,
        to: target.relative,
        reason: 'into-itself',
      });
    }
    if (target.missing > 1)
      throw notFound(`The parent directory of "${shownTo}" does not exist`, { path: target.relative });
    if (target.stat) {
      if (!options.overwrite) throw conflict(`"${shownTo}" already exists`, { path: target.relative });
      if (target.stat.isDirectory() || source.stat.isDirectory()) {
        throw conflict(`"${shownTo}" exists and a directory cannot replace or be replaced by a move`, {
          path: target.relative,
        });
      }
    }
    try {
      if (!target.stat && !source.stat.isDirectory()) {
        await moveWithoutReplacing(source.absolute, target.absolute);
      } else {
        await rename(source.absolute, target.absolute);
      }
    } catch (error) {
      throw fsError(error, errnoCode(error) === 'EEXIST' ? target.relative : source.relative);
    }
    if (target.stat) this.usageCache = undefined;
    return { path: target.relative, type, size: entrySize(source) };
  }

  /** Removes a file, a symlink (not its target) or a directory with everything in it. */
  async remove(relative: string): Promise<void> {
    const root = await this.realRoot();
    const target = await resolveProjectPath(root, relative, { followFinal: false });
    if (!target.stat) throw notFound(`"${printable(target.relative)}" does not exist`, { path: target.relative });
    await rm(target.absolute, { recursive: true, force: false }).catch((e: unknown) => {
      throw fsError(e, target.relative);
    });
    this.usageCache = undefined;
  }

  private assertSizes(relative: string, size: number, othersBytes: number): void {
    assertFileSize(this.limits, relative, size);
    assertProjectBytes(this.limits, relative, othersBytes + size);
  }

  private adjustUsage(bytes: number, entries: number): void {
    if (!this.usageCache) return;
    this.usageCache.value.bytes += bytes;
    this.usageCache.value.entries += entries;
  }
}

function usageOf(entries: { type: string; size: number }[]): ProjectUsage {
  let bytes = 0;
  let count = 0;
  for (const entry of entries) {
    if (entry.type === 'special') continue;
    count += 1;
    if (entry.type === 'file') bytes += entry.size;
  }
  return { bytes, entries: count };
}

function fileEntryType(resolved: ResolvedPath): FileEntry['type'] {
  if (resolved.stat?.isSymbolicLink()) return 'symlink';
  return resolved.stat?.isDirectory() ? 'directory' : 'file';
}

function entrySize(resolved: ResolvedPath): number {
  return resolved.stat && !resolved.stat.isDirectory() ? resolved.stat.size : 0;
}

function knownLength(data: WriteData): number | undefined {
  if (typeof data === 'string') return Buffer.byteLength(data, 'utf8');
  if (data instanceof Uint8Array) return data.byteLength;
  return undefined;
}

async function* chunksOf(data: WriteData): AsyncIterable<Uint8Array> {
  if (typeof data === 'string') yield Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) yield data;
  else yield* data;
}

// link() fails with EEXIST atomically, unlike rename(), so a concurrent create is never clobbered.
async function moveWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EPERM' && code !== 'EXDEV' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
    await rename(from, to);
    return;
  }
  await unlink(from);
}

// Makes the rename durable; some file systems refuse fsync on a directory, which is harmless.
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
