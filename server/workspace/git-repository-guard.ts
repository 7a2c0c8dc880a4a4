// Checks a project's repository before the server runs git in it. The project's terminal can
// write .git/config, and settings such as filter drivers, textconv or include.path would make
// the server's git run programs or read files of the user's choosing. Command-line `-c` wins
// over most keys (see HARDENED_CONFIG), but not over drivers whose names the attacker picks, so
// repositories that set any such key are refused. This narrows, but cannot close, the race with a
// terminal rewriting the file between our check and git's read: run server-side git under the
// project's sandbox user for a complete answer.
import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';
import { DomainError, notFound } from '../core/errors';
import { runGit, type GitRunOptions } from './git-runner';

const DANGEROUS_KEYS: readonly RegExp[] = [
  /^core\.(fsmonitor|sshcommand|editor|pager|askpass|gitproxy|worktree|alternaterefscommand|hookspath)$/,
  /^(filter|diff|merge)\..+\.(clean|smudge|process|textconv|command|driver)$/,
  /^diff\.external$/,
  /^(include|includeif)\./,
  /^credential\./,
  /^gpg\./,
  /^sequence\.editor$/,
  /^uploadpack\./,
  /^remote\..+\.(uploadpack|receivepack|vcs)$/,
  /^extensions\.worktreeconfig$/,
];

const checked = new Map<string, string>();
const MAX_CACHED = 10_000;

/** Refuses a project whose `.git` is not a plain directory or whose config sets dangerous keys. */
export async function assertRepositorySafe(root: string, options: GitRunOptions): Promise<void> {
  const gitDir = path.join(root, '.git');
  const gitStat = await lstat(gitDir).catch(() => undefined);
  if (!gitStat) throw notFound('The project is not a git repository', { reason: 'not-a-repository' });
  if (!gitStat.isDirectory()) {
    // A symlink or a "gitdir:" file could point the server at another project's repository.
    throw new DomainError('forbidden', "The project's .git is not a directory", { reason: 'unsafe-repository' });
  }
  const configStat = await stat(path.join(gitDir, 'config')).catch(() => undefined);
  const key = configStat ? `${configStat.ino}:${configStat.size}:${configStat.mtimeMs}:${configStat.ctimeMs}` : 'none';
  if (checked.get(gitDir) === key) return;

  const listing = await runGit(['config', '--list', '--name-only', '--show-scope', '-z'], options);
  const offending: string[] = [];
  const fields = listing.split('\0'); // "scope NUL name NUL" per key
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i];
    const name = fields[i + 1];
    if (!name || scope === 'command') continue;
    const lower = name.toLowerCase();
    if (DANGEROUS_KEYS.some((pattern) => pattern.test(lower))) offending.push(name);
  }
  if (offending.length > 0) {
    checked.delete(gitDir);
    throw new DomainError(
      'forbidden',
      `The repository's configuration sets keys that would run programs on the server: ${offending.join(', ')}`,
      { reason: 'unsafe-repository', keys: offending },
    );
  }
  if (checked.size >= MAX_CACHED) checked.clear();
  checked.set(gitDir, key);
}
