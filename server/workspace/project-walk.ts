// Lists a project's tree without following symbolic links; shared by the file tree, the usage
// count, the exporter and the clone validator.
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { tooLarge } from '../core/errors';
import { errnoCode, isGitSegment } from './safe-path';

/** Kinds of entries found by a walk; special files are listed so callers can decide. */
export type WalkEntryType = 'file' | 'directory' | 'symlink' | 'special';

/** One entry found by `walkProject`. */
export interface WalkEntry {
  /** Project-relative path with "/" separators. */
  path: string;
  type: WalkEntryType;
  /** lstat of the entry (directories too, for their mode and mtime). */
  stat: Stats;
}

/** Options of `walkProject`. */
export interface WalkOptions {
  /** Refuse with too-large once more entries than this are found. */
  maxEntries?: number;
  /** Skip `.git` at every depth (default true). */
  skipGit?: boolean;
}

/**
 * Walks `root` (a real path) breadth-first in parallel and returns the entries sorted so that
 * a directory's children follow it (segment-wise order by UTF-16 code unit).
 */
export async function walkProject(root: string, options: WalkOptions = {}): Promise<WalkEntry[]> {
  const skipGit = options.skipGit ?? true;
  const limit = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const entries: WalkEntry[] = [];

  let stopped = false;
  const visit = async (relativeDir: string): Promise<void> => {
    // Entries may vanish while we walk (a terminal runs in the same tree): skip them quietly.
    const names = await readdir(path.join(root, relativeDir)).catch(ignoreVanished);
    if (!names || stopped) return;
    const children: Promise<void>[] = [];
    for (const name of names) {
      if (skipGit && isGitSegment(name)) continue;
      const relative = relativeDir === '' ? name : `${relativeDir}/${name}`;
      children.push(
        lstat(path.join(root, relative)).then(async (stat) => {
          if (stopped) return;
          const type = entryType(stat);
          entries.push({ path: relative, type, stat });
          if (entries.length > limit) {
            stopped = true;
            throw tooLarge(`The project has more than ${limit} entries`, {
              limit,
              actual: entries.length,
              limitName: 'maxEntries',
            });
          }
          if (type === 'directory') await visit(relative);
        }, ignoreVanished),
      );
    }
    await settleAll(children);
  };

  await visit('');
  return entries.sort((a, b) => comparePaths(a.path, b.path));
}

/** Orders project paths segment-wise, so that "a/b" comes right after "a" and before "a-c". */
export function comparePaths(a: string, b: string): number {
  const x = a.replaceAll('/', '\u0000');
  const y = b.replaceAll('/', '\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
}

function ignoreVanished(error: unknown): undefined {
  const code = errnoCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw error;
}

function entryType(stat: Stats): WalkEntryType {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  if (stat.isFile()) return 'file';
  return 'special';
}

// Like Promise.all, but waits for every branch before rethrowing, so no walk keeps running
// after the caller has moved on (and no rejection goes unhandled).
async function settleAll(promises: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
