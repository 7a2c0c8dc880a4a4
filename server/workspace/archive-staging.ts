// Moves a fully unpacked staging tree into a project: one rename when the destination is new,
// otherwise a checked merge (conflicts found before anything moves) with a rollback journal.
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { conflict } from '../core/errors';
import { lstatOrUndefined } from './safe-path';

interface Step {
  relative: string;
  replace: boolean;
  backedUp: boolean;
  moved: boolean;
}

/**
 * Moves everything under `stagedRoot` to `destination` (same file system). Existing directories
 * merge; an existing file is replaced only with `overwrite` (the old one parks in `backupRoot`
 * until the end); any other clash is a conflict listing the paths, and nothing is changed.
 */
export async function moveStagedTree(
  stagedRoot: string,
  destination: string,
  backupRoot: string,
  overwrite: boolean,
): Promise<void> {
  const existing = await lstatOrUndefined(destination);
  if (!existing) {
    await mkdir(path.dirname(destination), { recursive: true });
    await rename(stagedRoot, destination);
    return;
  }
  if (!existing.isDirectory()) throw conflict('The destination of the import is not a directory');

  const steps: Step[] = [];
  const clashes: string[] = [];
  const plan = async (relative: string): Promise<void> => {
    for (const name of (await readdir(path.join(stagedRoot, relative))).sort()) {
      const child = relative === '' ? name : `${relative}/${name}`;
      const staged = await lstatOrUndefined(path.join(stagedRoot, child));
      const current = await lstatOrUndefined(path.join(destination, child));
      if (!staged) continue;
      if (!current) steps.push({ relative: child, replace: false, backedUp: false, moved: false });
      else if (staged.isDirectory() && current.isDirectory()) await plan(child);
      else if (overwrite && staged.isFile() && current.isFile()) {
        steps.push({ relative: child, replace: true, backedUp: false, moved: false });
      } else clashes.push(child);
    }
  };
  await plan('');
  if (clashes.length > 0) {
    throw conflict(`${clashes.length} entr${clashes.length === 1 ? 'y' : 'ies'} of the archive already exist`, {
      paths: clashes.slice(0, 50),
      count: clashes.length,
      reason: overwrite ? 'type-clash' : 'exists',
    });
  }

  try {
    for (const step of steps) {
      if (step.replace) {
        await mkdir(path.dirname(path.join(backupRoot, step.relative)), { recursive: true });
        await rename(path.join(destination, step.relative), path.join(backupRoot, step.relative));
        step.backedUp = true;
      }
      await rename(path.join(stagedRoot, step.relative), path.join(destination, step.relative));
      step.moved = true;
    }
  } catch (error) {
    await rollBack(steps, stagedRoot, destination, backupRoot);
    throw error;
  }
}

// Best effort: put back what we moved, newest first; a failure here leaves the staging copy.
async function rollBack(steps: Step[], stagedRoot: string, destination: string, backupRoot: string): Promise<void> {
  for (const step of [...steps].reverse()) {
    const target = path.join(destination, step.relative);
    if (step.moved) await rename(target, path.join(stagedRoot, step.relative)).catch(() => undefined);
    if (step.backedUp) await rename(path.join(backupRoot, step.relative), target).catch(() => undefined);
  }
}
