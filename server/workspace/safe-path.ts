// Resolves user-supplied project-relative paths to absolute paths that stay inside a project.
// Two layers: a lexical check (no "..", no absolute paths, no .git, ...) and a check on disk that
// symbolic links do not lead out of the project. Paths are never URL-decoded here: the HTTP layer
// decodes exactly once, so "%2e%2e" is a harmless file name by the time it reaches us.
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { DomainError, forbidden, invalidInput } from '../core/errors';
import { MAX_PROJECT_PATH_BYTES } from '../protocol/files';

/** Longest single path segment accepted, in UTF-8 bytes (NAME_MAX on Linux). */
export const MAX_SEGMENT_BYTES = 255;

/** Why a project-relative path was refused by the lexical check. */
export type PathProblem =
  | 'empty'
  | 'absolute'
  | 'drive-letter'
  | 'backslash'
  | 'nul-byte'
  | 'control-character'
  | 'dot-segment'
  | 'empty-segment'
  | 'git-internals'
  | 'too-long'
  | 'segment-too-long';

const PROBLEM_TEXT: Record<PathProblem, string> = {
  empty: 'it is empty',
  absolute: 'it is absolute; paths are relative to the project',
  'drive-letter': 'it starts with a drive letter',
  backslash: 'it contains a backslash; use "/" as the separator',
  'nul-byte': 'it contains a NUL byte',
  'control-character': 'it contains a control character',
  'dot-segment': 'it contains a "." or ".." segment',
  'empty-segment': 'it contains an empty segment ("//" or a trailing "/")',
  'git-internals': 'it points into .git; the repository internals are managed through git',
  'too-long': `it is longer than ${MAX_PROJECT_PATH_BYTES} bytes`,
  'segment-too-long': `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`,
};

/** True for a `.git` path segment (case-insensitively, as on case-insensitive file systems). */
export function isGitSegment(segment: string): boolean {
  return segment.toLowerCase() === '.git';
}

/** Returns what is wrong with a project-relative path, or undefined when it is acceptable. */
export function checkProjectPath(input: string): PathProblem | undefined {
  if (input.length === 0) return 'empty';
  if (input.includes('\0')) return 'nul-byte';
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u001f\u007f]/.test(input)) return 'control-character';
  if (input.includes('\\')) return 'backslash';
  if (input.startsWith('/')) return 'absolute';
  if (/^[A-Za-z]:/.test(input)) return 'drive-letter';
  if (Buffer.byteLength(input, 'utf8') > MAX_PROJECT_PATH_BYTES) return 'too-long';
  const segments = input.split('/');
  for (const segment of segments) {
    if (segment === '') return 'empty-segment';
    if (segment === '.' || segment === '..') return 'dot-segment';
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return 'segment-too-long';
  }
  // Last, so that 'git-internals' always means "well-formed, but inside .git" (archives skip those).
  return segments.some(isGitSegment) ? 'git-internals' : undefined;
}

/** Checks a user-supplied project-relative path; returns it unchanged or throws invalid-input. */
export function normalizeProjectPath(input: unknown, options: { allowRoot?: boolean } = {}): string {
  if (typeof input !== 'string') throw invalidInput('A path must be a string', { path: input });
  if (input === '' && options.allowRoot) return '';
  const problem = checkProjectPath(input);
  if (problem) {
    throw invalidInput(`Path "${printable(input)}" is not allowed: ${PROBLEM_TEXT[problem]}`, {
      path: input,
      reason: problem,
    });
  }
  return input;
}

/** A project path checked on disk: where it really is, and what is there now. */
export interface ResolvedPath {
  /** The project-relative path as requested ('' for the root). */
  relative: string;
  /** Absolute path inside the project's real root (symlinks resolved, see `followFinal`). */
  absolute: string;
  /** Project-relative form of `absolute`. */
  realRelative: string;
  /** lstat of `absolute`, or undefined when nothing exists there. */
  stat: Stats | undefined;
  /** How many trailing segments do not exist yet (0 when the path exists). */
  missing: number;
}

/** Options of `resolveProjectPath`. */
export interface ResolveOptions {
  /** Resolve a symlink in the last segment (read/write) or keep it (move/remove act on the link). */
  followFinal: boolean;
  allowRoot?: boolean;
}

/**
 * Resolves a project-relative path under `realRoot` (already a real path) and refuses it when a
 * symbolic link leads outside the project or into `.git`. The deepest existing ancestor is
 * realpath'ed; segments below it must not exist at all (a dangling link there is refused).
 */
export async function resolveProjectPath(
  realRoot: string,
  input: unknown,
  options: ResolveOptions,
): Promise<ResolvedPath> {
  const relative = normalizeProjectPath(input, { allowRoot: options.allowRoot ?? false });
  const segments = relative === '' ? [] : relative.split('/');
  const keptFinal = !options.followFinal && segments.length > 0 ? segments.pop() : undefined;

  let existing = segments.length;
  let realBase: string | undefined;
  while (realBase === undefined) {
    const candidate = path.join(realRoot, ...segments.slice(0, existing));
    try {
      realBase = await realpath(candidate);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' && existing > 0) existing -= 1;
      else throw fsError(error, relative);
    }
  }
  const rest = segments.slice(existing);
  if (rest.length > 0) {
    // The first missing segment must be truly absent: a dangling symlink would be followed later.
    const first = path.join(realBase, rest[0] as string);
    if ((await lstatOrUndefined(first)) !== undefined) {
      throw forbidden(`Path "${printable(relative)}" goes through a dangling symbolic link`, {
        path: relative,
        reason: 'dangling-symlink',
      });
    }
  }
  let absolute = path.join(realBase, ...rest);
  if (keptFinal !== undefined) absolute = path.join(absolute, keptFinal);
  assertInside(realRoot, absolute, relative);
  const stat = await lstatOrUndefined(absolute);
  const missing = rest.length + (keptFinal !== undefined && stat === undefined ? 1 : 0);
  return { relative, absolute, realRelative: toRelative(realRoot, absolute), stat, missing };
}

/** Throws forbidden unless `absolute` is `realRoot` or below it, and not inside its `.git`. */
export function assertInside(realRoot: string, absolute: string, requested: string): void {
  const inside = absolute === realRoot || absolute.startsWith(realRoot + path.sep);
  if (!inside) {
    throw forbidden(`Path "${printable(requested)}" leads outside the project through a symbolic link`, {
      path: requested,
      reason: 'outside-project',
    });
  }
  if (toRelative(realRoot, absolute).split('/').some(isGitSegment)) {
    throw forbidden(`Path "${printable(requested)}" leads into .git through a symbolic link`, {
      path: requested,
      reason: 'git-internals',
    });
  }
}

/** Names the kind of a non-regular file for error messages. */
export function describeFileType(stat: Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** Refuses anything but a regular file (FIFOs would block a read forever; devices are never ours). */
export function assertRegularFile(stat: Stats, relative: string): void {
  if (stat.isFile()) return;
  if (stat.isDirectory()) {
    throw invalidInput(`"${printable(relative)}" is a directory, not a file`, {
      path: relative,
      reason: 'is-directory',
    });
  }
  throw new DomainError(
    'unsupported',
    `"${printable(relative)}" is ${describeFileType(stat)}; only regular files can be read or written`,
    { path: relative, reason: 'special-file' },
  );
}

/**
 * Opens a file without following a final symlink and without blocking on FIFOs, then checks
 * through /proc/self/fd where the descriptor really points, which closes the race between
 * resolving a path and opening it (a directory swapped for a symlink in between).
 */
export async function openInside(
  realRoot: string,
  absolute: string,
  relative: string,
  flags: number,
  mode?: number,
): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (error) {
    throw fsError(error, relative);
  }
  try {
    const actual = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => realpath(absolute));
    assertInside(realRoot, actual, relative);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Project-relative form (with "/") of an absolute path inside `realRoot`. */
export function toRelative(realRoot: string, absolute: string): string {
  return path.relative(realRoot, absolute).split(path.sep).join('/');
}

/** lstat that answers undefined for a missing path. */
export async function lstatOrUndefined(absolute: string): Promise<Stats | undefined> {
  try {
    return await lstat(absolute);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The errno code of a Node fs error, if any. */
export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Maps the fs errors a user can provoke with a path to domain errors; anything else is a bug. */
export function fsError(error: unknown, relative: string): unknown {
  const shown = printable(relative);
  switch (errnoCode(error)) {
    case 'ENOENT':
      return new DomainError('not-found', `"${shown}" does not exist`, { path: relative });
    case 'ENOTDIR':
      return new DomainError('conflict', `A parent of "${shown}" is not a directory`, {
        path: relative,
        reason: 'parent-not-directory',
      });
    case 'ELOOP':
      return forbidden(`"${shown}" is a symbolic link (or a loop of them)`, {
        path: relative,
        reason: 'symlink',
      });
    case 'EEXIST':
      return new DomainError('conflict', `"${shown}" already exists`, { path: relative });
    case 'EISDIR':
      return invalidInput(`"${shown}" is a directory`, { path: relative, reason: 'is-directory' });
    case 'ENAMETOOLONG':
      return invalidInput(`"${shown}" is too long`, { path: relative, reason: 'too-long' });
    default:
      return error;
  }
}

/** A path made safe to quote in a message (control characters escaped, length capped). */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}
