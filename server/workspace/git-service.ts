// Source control of one project directory: init, status, diff, commit, log, revert, and clone.
import { constants } from 'node:fs';
import { realpath, readlink, rm } from 'node:fs/promises';
import path from 'node:path';
import { conflict, DomainError, invalidInput, notFound, tooLarge } from '../core/errors';
import type { GitCommitDto, GitDiffDto, GitStatusDto } from '../protocol/git';
import { cloneBundle, cloneRepository, type CloneOptions } from './git-clone';
import { LOG_FORMAT, parseLog, parseLsTree, parseStatus, type TreeObject } from './git-output';
import { assertRepositorySafe } from './git-repository-guard';
import { GitCommandError, runGit, type GitRunOptions } from './git-runner';
import { lstatOrUndefined, normalizeProjectPath, openInside, printable, resolveProjectPath } from './safe-path';

/** Who commits: the Slipway user, never a git config on the server. */
export interface GitAuthor {
  name: string;
  email: string;
}

/** Options of `ProjectGit`. */
export interface ProjectGitOptions {
  /** Deadline of each git command (default 30 s). */
  timeoutMs?: number;
  /** Largest file content `diff()` returns (default 5 MiB). */
  maxDiffBytes?: number;
  /** An empty directory for git's HOME (default: one per process). */
  home?: string;
}

const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv'];

/** Git for one project directory; every command is hardened (see git-runner). */
export class ProjectGit {
  constructor(
    readonly dir: string,
    private readonly options: ProjectGitOptions = {},
  ) {}

  /** Clones an http(s) URL into an empty or missing directory, safely (see git-clone). */
  static clone(url: string, targetDir: string, options?: CloneOptions): Promise<void> {
    return cloneRepository(url, targetDir, options);
  }

  /** Clones a git bundle file (a restored backup's source) into an empty or missing folder. */
  static cloneBundle(bundleFile: string, targetDir: string, options?: CloneOptions): Promise<void> {
    return cloneBundle(bundleFile, targetDir, options);
  }

  /** Creates the repository on branch `main` and commits every file as `author`; returns the hash. */
  async init(author: GitAuthor): Promise<string> {
    const root = await this.realDir();
    if (await lstatOrUndefined(path.join(root, '.git'))) throw conflict('The project is already a git repository');
    await runGit(['init', '--quiet', '--template=', '--initial-branch=main'], this.runOptions(root, false));
    await this.git(['add', '--all']);
    await this.git([...identity(author), 'commit', '--quiet', '--allow-empty', '--no-verify', '-m', 'Initial commit']);
    return (await this.git(['rev-parse', 'HEAD'])).trim();
  }

  /** Branch and changed paths, untracked files included (renames show as delete + add). */
  async status(): Promise<GitStatusDto> {
    const output = await this.git([
      'status',
      '--porcelain=v2',
      '-z',
      '--branch',
      '--untracked-files=all',
      '--no-renames',
    ]);
    return parseStatus(output);
  }

  /** HEAD's and the working tree's content of one file (missing = ''), and the unified diff. */
  async diff(relative: string): Promise<GitDiffDto & { binary: boolean }> {
    const file = normalizeProjectPath(relative);
    const headObject = await this.headObject(file);
    const original = headObject ? await this.blobText(headObject) : '';
    const modified = await this.workingTreeText(file);
    const patch = headObject
      ? await this.git(['diff', ...DIFF_FLAGS, 'HEAD', '--', file])
      : modified === undefined
        ? ''
        : await this.git(['diff', ...DIFF_FLAGS, '--no-index', '--', '/dev/null', file], [0, 1]);
    const binary = original.includes('\0') || (modified ?? '').includes('\0');
    return binary
      ? { path: file, original: '', modified: '', binary, patch }
      : { path: file, original, modified: modified ?? '', binary, patch };
  }

  /** Stages `paths` (or every change, deletions included) and commits them; returns the hash. */
  async commit(request: { message: string; paths?: string[]; author: GitAuthor }): Promise<string> {
    const message = request.message.trim();
    if (message === '') throw invalidInput('A commit message is required', { reason: 'empty-message' });
    if (message.includes('\0')) throw invalidInput('A commit message cannot contain NUL bytes');
    const paths = request.paths?.map((p) => normalizeProjectPath(p));
    const pathspec = paths ? ['--', ...paths] : [];
    await this.git(['add', '--all', ...pathspec]);
    const staged = await this.git(['diff', '--cached', '--name-only', '-z', ...pathspec]);
    if (staged === '') throw conflict('Nothing to commit', { reason: 'nothing-to-commit' });
    await this.git([...identity(request.author), 'commit', '--quiet', '--no-verify', '-m', message, ...pathspec]);
    return (await this.git(['rev-parse', 'HEAD'])).trim();
  }

  /** Newest commits first, optionally only those touching `path`. */
  async log(request: { limit: number; path?: string }): Promise<GitCommitDto[]> {
    const limit = Math.max(1, Math.min(1_000, Math.floor(request.limit)));
    const pathspec = request.path === undefined ? [] : ['--', normalizeProjectPath(request.path)];
    if (!(await this.hasHead())) return [];
    return parseLog(
      await this.git(['log', '-z', `--max-count=${limit}`, `--format=${LOG_FORMAT}`, 'HEAD', ...pathspec]),
    );
  }

  /** Restores a path to its HEAD content, or deletes it when HEAD does not have it. */
  async revertFile(relative: string): Promise<void> {
    const file = normalizeProjectPath(relative);
    const root = await this.realDir();
    if (await this.headObject(file)) {
      await this.git(['checkout', '--quiet', 'HEAD', '--', file]);
      return;
    }
    const target = await resolveProjectPath(root, file, { followFinal: false });
    await this.git(['rm', '--cached', '-r', '--quiet', '--ignore-unmatch', '--', file]);
    if (!target.stat) throw notFound(`"${printable(file)}" is neither in HEAD nor in the working tree`, { path: file });
    await rm(target.absolute, { recursive: true, force: true });
  }

  private async git(args: string[], okExitCodes: number[] = [0]): Promise<string> {
    const root = await this.realDir();
    await assertRepositorySafe(root, this.runOptions(root, true));
    try {
      return await runGit(args, { ...this.runOptions(root, true), okExitCodes });
    } catch (error) {
      throw asDomainError(error);
    }
  }

  private runOptions(root: string, withRepository: boolean): GitRunOptions {
    return {
      cwd: root,
      // Explicit GIT_DIR/GIT_WORK_TREE: no discovery upwards, and core.worktree cannot redirect us.
      env: withRepository ? { GIT_DIR: path.join(root, '.git'), GIT_WORK_TREE: root } : {},
      config: ['protocol.allow=never'],
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.home ? { home: this.options.home } : {}),
    };
  }

  private async realDir(): Promise<string> {
    return realpath(this.dir).catch(() => {
      throw notFound('The project directory does not exist');
    });
  }

  private async hasHead(): Promise<boolean> {
    return (await this.git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], [0, 1])).trim() !== '';
  }

  private async headObject(file: string): Promise<TreeObject | undefined> {
    if (!(await this.hasHead())) return undefined;
    const objects = parseLsTree(await this.git(['ls-tree', '-z', '--full-tree', 'HEAD', '--', file]));
    return objects.find((o) => o.path === file);
  }

  private async blobText(object: TreeObject): Promise<string> {
    if (object.type !== 'blob') return '';
    const size = Number((await this.git(['cat-file', '-s', object.oid])).trim());
    this.assertDiffSize(object.path, size);
    return this.git(['cat-file', 'blob', object.oid]);
  }

  // Git stores a symlink as its target text, so that is what we compare; special files are refused.
  private async workingTreeText(file: string): Promise<string | undefined> {
    const root = await this.realDir();
    const target = await resolveProjectPath(root, file, { followFinal: false });
    if (!target.stat) return undefined;
    if (target.stat.isSymbolicLink()) return readlink(target.absolute);
    if (target.stat.isDirectory()) throw invalidInput(`"${printable(file)}" is a directory`, { path: file });
    if (!target.stat.isFile()) {
      throw new DomainError('unsupported', `"${printable(file)}" is not a regular file`, { path: file });
    }
    this.assertDiffSize(file, target.stat.size);
    const handle = await openInside(root, target.absolute, file, constants.O_RDONLY);
    try {
      return await handle.readFile({ encoding: 'utf8' });
    } finally {
      await handle.close();
    }
  }

  private assertDiffSize(file: string, size: number): void {
    const limit = this.options.maxDiffBytes ?? 5 * 1024 * 1024;
    if (size > limit) {
      throw tooLarge(`"${printable(file)}" is too large to diff (${size} bytes, limit ${limit})`, {
        path: file,
        limit,
        actual: size,
        limitName: 'maxDiffBytes',
      });
    }
  }
}

function identity(author: GitAuthor): string[] {
  const name = author.name.trim();
  const email = author.email.trim();
  // git itself strips "<", ">" and newlines; we refuse them so the commit shows what the user sees.
  // eslint-disable-next-line no-control-regex
  const bad = (value: string): boolean => value === '' || value.length > 256 || /[<>\u0000-\u001f\u007f]/.test(value);
  if (bad(name) || bad(email)) {
    throw invalidInput('The commit author needs a name and an email without control characters or "<>"', {
      reason: 'invalid-author',
    });
  }
  return ['-c', `user.name=${name}`, '-c', `user.email=${email}`, '-c', 'user.useConfigOnly=true'];
}

// Expected failures a user can cause become domain errors; the rest keeps command, code and stderr.
function asDomainError(error: unknown): unknown {
  if (!(error instanceof GitCommandError)) return error;
  const data = { command: ['git', ...error.args], exitCode: error.exitCode, stderr: error.stderr.trim() };
  if (/did not match any file|pathspec .* did not match/i.test(error.stderr)) {
    return notFound('A path is not known to git', { ...data, reason: 'unknown-path' });
  }
  if (/ignored by one of your \.gitignore/i.test(error.stderr)) {
    return conflict('A path is ignored by .gitignore', { ...data, reason: 'ignored-path' });
  }
  if (/index\.lock/.test(error.stderr)) {
    return conflict('Another git operation is running in this project; try again', { ...data, reason: 'locked' });
  }
  if (/not a git repository/i.test(error.stderr)) {
    return notFound('The project is not a git repository', { ...data, reason: 'not-a-repository' });
  }
  return new DomainError('failed-dependency', error.message, data);
}
