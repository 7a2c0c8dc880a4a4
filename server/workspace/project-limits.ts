// A project's size limits and the checks that report them (limit and actual size in the data).
import { tooLarge } from '../core/errors';
import { printable } from './safe-path';

/** Size limits of one project (`.git` is not counted). */
export interface ProjectLimits {
  maxFileBytes: number;
  maxProjectBytes: number;
  maxEntries: number;
}

/** Refuses a file larger than `maxFileBytes`. */
export function assertFileSize(limits: ProjectLimits, relative: string, size: number): void {
  if (size <= limits.maxFileBytes) return;
  throw tooLarge(`"${printable(relative)}" is ${size} bytes, over the limit of ${limits.maxFileBytes} bytes per file`, {
    path: relative,
    limit: limits.maxFileBytes,
    actual: size,
    limitName: 'maxFileBytes',
  });
}

/** Refuses a write that would take the project's total (`projectBytes` after it) over `maxProjectBytes`. */
export function assertProjectBytes(limits: ProjectLimits, relative: string, projectBytes: number): void {
  if (projectBytes <= limits.maxProjectBytes) return;
  throw tooLarge(
    `Writing "${printable(relative)}" would take the project over its limit of ${limits.maxProjectBytes} bytes`,
    { path: relative, limit: limits.maxProjectBytes, actual: projectBytes, limitName: 'maxProjectBytes' },
  );
}

/** Refuses a project that would have more than `maxEntries` entries. */
export function assertEntryCount(limits: ProjectLimits, count: number): void {
  if (count <= limits.maxEntries) return;
  throw tooLarge(`The project would have ${count} entries, over the limit of ${limits.maxEntries}`, {
    limit: limits.maxEntries,
    actual: count,
    limitName: 'maxEntries',
  });
}
