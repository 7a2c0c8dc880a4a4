// Runs git through simple-git with the platform's hardening on every invocation: no system or
// global config, an empty HOME, no hooks, no network unless a caller opts in for a clone, no
// prompts, a deadline. Only the platform's own constants reach `-c`; user input is always an
// option's value or comes after `--`, which is why simple-git's unsafe-option guards we relax
// below are safe to relax.
import { rmSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import { DomainError } from '../core/errors';

/** Default deadline of one local git command. */
export const GIT_TIMEOUT_MS = 30_000;

/** `-c` settings on every invocation (command-line config wins over the repository's). */
export const HARDENED_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'protocol.file.allow=never',
  'credential.helper=',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'submodule.recurse=false',
  'core.quotePath=false',
];

/** Options of one git invocation. */
export interface GitRunOptions {
  cwd: string;
  /** Extra `-c key=value` settings (platform constants only). */
  config?: readonly string[];
  /** Extra environment variables (e.g. GIT_DIR). */
  env?: Readonly<Record<string, string>>;
  /** Exit codes that count as success (default [0]). */
  okExitCodes?: readonly number[];
  timeoutMs?: number;
  /** Aborts the command early (combined with the deadline). */
  signal?: AbortSignal;
  /** An empty directory used as HOME (default: one per process, see `gitHome`). */
  home?: string;
}

/** A git command that exited badly: carries the command, exit code and stderr. */
// Extends simple-git's GitError because simple-git rewraps any other error class as a string.
export class GitCommandError extends GitError {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(undefined, `git ${args.join(' ')} exited with ${exitCode}: ${trimOutput(stderr)}`);
    this.name = 'GitCommandError';
  }
}

const ALLOWED_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  'GIT_TERMINAL_PROMPT',
  'GIT_LITERAL_PATHSPECS',
  'GIT_OPTIONAL_LOCKS',
  'GIT_ATTR_NOSYSTEM',
  'GIT_CEILING_DIRECTORIES',
];

let sharedHome: Promise<string> | undefined;

/**
 * An empty directory for git's HOME: one per user, reused across processes (so nothing leaks
 * when a process is killed) as long as it is ours, private and empty; otherwise a fresh one.
 */
export function gitHome(): Promise<string> {
  sharedHome ??= stableHome().then(
    (dir) => dir ?? freshHome(),
    () => freshHome(),
  );
  return sharedHome;
}

async function stableHome(): Promise<string | undefined> {
  const uid = process.getuid?.() ?? 0;
  const dir = path.join(os.tmpdir(), `slipway-git-home-${uid}`);
  await mkdir(dir, { mode: 0o700 }).catch(() => undefined);
  const stat = await lstat(dir);
  // /tmp is shared: someone else could have made this name first, with files of their choosing.
  const ours = stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0;
  return ours && (await readdir(dir)).length === 0 ? dir : undefined;
}

async function freshHome(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-git-home-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `git <args>` hardened and returns stdout; failures are GitCommandError or a DomainError on timeout. */
export async function runGit(args: readonly string[], options: GitRunOptions): Promise<string> {
  const git = await hardenedGit(args, options);
  try {
    return await git.raw([...args]);
  } catch (error) {
    throw translate(error, args, options.timeoutMs ?? GIT_TIMEOUT_MS);
  }
}

async function hardenedGit(args: readonly string[], options: GitRunOptions): Promise<SimpleGit> {
  const okExitCodes = options.okExitCodes ?? [0];
  const timeoutMs = options.timeoutMs ?? GIT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const home = options.home ?? (await gitHome());
  const git = simpleGit({
    baseDir: options.cwd,
    config: [...HARDENED_CONFIG, ...(options.config ?? [])],
    abort: options.signal ? AbortSignal.any([deadline, options.signal]) : deadline,
    allowEnvironment: ALLOWED_ENV,
    maxConcurrentProcesses: 1,
    unsafe: {
      allowUnsafeHooksPath: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeProtocolOverride: true,
      allowUnsafeCredentialHelper: true,
      allowUnsafeFsMonitor: true,
      allowUnsafeTemplateDir: true,
      allowUnsafeSubmodule: true,
    },
    // simple-git's default already turned stderr into an error; we decide by exit code instead.
    errors: (error, result) => {
      // No exit code: the process never ran or was stopped (deadline, unsafe option); keep that error.
      if (typeof result.exitCode !== 'number' || result.exitCode === 9901) return error;
      if (okExitCodes.includes(result.exitCode)) return undefined;
      return new GitCommandError(args, result.exitCode, Buffer.concat(result.stdErr).toString('utf8'));
    },
  });
  return git.env({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: home,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_LITERAL_PATHSPECS: '1',
    GIT_OPTIONAL_LOCKS: '0',
    // Never discover a repository above the working directory (e.g. one around the data dir).
    GIT_CEILING_DIRECTORIES: path.dirname(path.resolve(options.cwd)),
    ...options.env,
  });
}

function translate(error: unknown, args: readonly string[], timeoutMs: number): unknown {
  if (error instanceof GitCommandError || error instanceof DomainError) return error;
  // simple-git reports an aborted process with a plugin error whose message mentions the abort.
  if (error instanceof Error && /abort/i.test(error.message)) {
    return new DomainError('failed-dependency', `git ${args[0] ?? ''} was stopped (time limit ${timeoutMs} ms)`, {
      command: ['git', ...args],
      reason: 'timeout',
    });
  }
  return error;
}

/** The last part of git's output, bounded, for error messages. */
export function trimOutput(text: string, max = 2_000): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}
