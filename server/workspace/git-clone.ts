// Imports a project by cloning an http(s) URL: the URL is checked before git sees it, git runs
// hardened (no hooks, no submodules, http/https only, no redirects, objects fsck'ed) under a size
// watch and a deadline, and the result is checked (no symlinks leading out, no hooks left).
import { lookup } from 'node:dns/promises';
import { mkdir, readdir, readlink, realpath, rm } from 'node:fs/promises';
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import { DomainError, conflict, forbidden, invalidInput, tooLarge } from '../core/errors';
import { walkProject } from './project-walk';
import { GitCommandError, runGit, trimOutput } from './git-runner';
import { errnoCode, isGitSegment, lstatOrUndefined, toRelative } from './safe-path';

/** Limits and policy of one clone. */
export interface CloneOptions {
  /** Deadline of the whole clone (default 120 s). */
  timeoutMs?: number;
  /** Bytes on disk, `.git` included (default 500 MiB); checked while git runs. */
  maxBytes?: number;
  /** Entries of the checked-out tree (default 20 000). */
  maxEntries?: number;
  /** Allow loopback and private addresses (tests, on-premises git servers); default false. */
  allowPrivateHosts?: boolean;
  /** An empty directory for git's HOME (default: one per process). */
  home?: string;
}

const CLONE_CONFIG = [
  'protocol.allow=never',
  'protocol.http.allow=always',
  'protocol.https.allow=always',
  'http.followRedirects=false',
  'transfer.fsckObjects=true',
  'http.lowSpeedLimit=1000',
  'http.lowSpeedTime=30',
];

/** A bundle is a local file: only the `file` transport (which carries bundles), nothing else. */
const BUNDLE_CLONE_CONFIG = ['protocol.allow=never', 'protocol.file.allow=always', 'transfer.fsckObjects=true'];

const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');
}

interface SizeWatch {
  signal: AbortSignal;
  /** Set when the watch stopped git, with the error to report. */
  exceeded?: DomainError;
  stop(): void;
}

/** Accepts only plain http(s) URLs; refuses file://, ssh, ext::, git://, local paths, options. */
export function validateCloneUrl(input: unknown): URL {
  const refuse = (why: string): never => {
    throw invalidInput(`This URL cannot be cloned: ${why}`, { reason: 'unsupported-url' });
  };
  if (typeof input !== 'string' || input.length === 0 || input.length > 2048) return refuse('it is empty or too long');
  if (input.startsWith('-')) return refuse('it looks like a command-line option');
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f\\]/.test(input)) return refuse('it contains whitespace, control characters or "\\"');
  // "<transport>::<address>" (ext::, http::) and scp-like or local paths all fail this prefix test.
  if (!/^https?:\/\/[^/]/i.test(input)) return refuse('only http:// and https:// URLs are supported');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse('it is not a valid URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    return refuse('only http:// and https:// URLs are supported');
  }
  return url;
}

/** Refuses hosts that are, or resolve to, loopback, private, link-local or multicast addresses. */
export async function assertPublicHost(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) throw privateHost(url);
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await lookup(host, { all: true, verbatim: true }).catch(() => {
        throw new DomainError('failed-dependency', `The host "${url.hostname}" could not be resolved`, {
          reason: 'unresolvable-host',
        });
      });
  for (const { address, family } of addresses) {
    if (PRIVATE_RANGES.check(address, family === 6 ? 'ipv6' : 'ipv4')) throw privateHost(url);
  }
}

/** Clones `url` into `targetDir` (missing or empty); on failure the directory is left empty or removed. */
export async function cloneRepository(input: string, targetDir: string, options: CloneOptions = {}): Promise<void> {
  const url = validateCloneUrl(input);
  if (!options.allowPrivateHosts) await assertPublicHost(url);
  const existed = await prepareTarget(targetDir);
  const root = await realpath(targetDir);
  const maxBytes = options.maxBytes ?? 500 * 1024 * 1024;
  const maxEntries = options.maxEntries ?? 20_000;
  const watch = watchSize(root, maxBytes, maxEntries);
  try {
    await runGit(['clone', '--quiet', '--no-recurse-submodules', '--template=', '--', url.href, root], {
      cwd: root,
      config: CLONE_CONFIG,
      timeoutMs: options.timeoutMs ?? 120_000,
      signal: watch.signal,
      ...(options.home ? { home: options.home } : {}),
    }).catch((error: unknown) => {
      if (watch.exceeded) throw watch.exceeded;
      throw cloneFailed(error, url);
    });
    watch.stop();
    if (url.username || url.password) {
      await runGit(['remote', 'set-url', 'origin', '--', withoutCredentials(url)], { cwd: root });
    }
    await rm(path.join(root, '.git', 'hooks'), { recursive: true, force: true });
    await mkdir(path.join(root, '.git', 'hooks'));
    await validateTree(root, maxBytes, maxEntries);
  } catch (error) {
    watch.stop();
    await cleanUp(root, existed);
    throw error;
  }
}

/**
 * Clones a git bundle (a backup's source repository, already size-checked by its reader) into
 * `targetDir`, with the same hardening as a network clone: no template hooks, no submodules,
 * the tree validated; `origin` is removed because it would point at a temporary file.
 */
export async function cloneBundle(bundleFile: string, targetDir: string, options: CloneOptions = {}): Promise<void> {
  const existed = await prepareTarget(targetDir);
  const root = await realpath(targetDir);
  try {
    await runGit(['clone', '--quiet', '--no-recurse-submodules', '--template=', '--', bundleFile, root], {
      cwd: root,
      config: BUNDLE_CLONE_CONFIG,
      timeoutMs: options.timeoutMs ?? 120_000,
    }).catch(() => {
      throw new DomainError('invalid-input', "The backup's source repository is not a valid git bundle");
    });
    await runGit(['remote', 'remove', 'origin'], { cwd: root });
    await mkdir(path.join(root, '.git', 'hooks'), { recursive: true });
    await validateTree(root, options.maxBytes ?? 500 * 1024 * 1024, options.maxEntries ?? 20_000);
  } catch (error) {
    await cleanUp(root, existed);
    throw error;
  }
}

async function prepareTarget(targetDir: string): Promise<boolean> {
  const stat = await lstatOrUndefined(targetDir);
  if (!stat) {
    await mkdir(targetDir);
    return false;
  }
  if (!stat.isDirectory() || (await readdir(targetDir)).length > 0) {
    throw conflict('The clone target must be a missing or empty directory', { reason: 'target-not-empty' });
  }
  return true;
}

async function cleanUp(root: string, existed: boolean): Promise<void> {
  if (!existed) return rm(root, { recursive: true, force: true });
  for (const name of await readdir(root).catch(() => [])) {
    await rm(path.join(root, name), { recursive: true, force: true });
  }
}

// Polls the clone's size while git writes it; git has no client-side limit of its own.
function watchSize(root: string, maxBytes: number, maxEntries: number): SizeWatch {
  const controller = new AbortController();
  const state: SizeWatch = { signal: controller.signal, stop: () => clearInterval(timer) };
  const stopWith = (error: DomainError): void => {
    if (controller.signal.aborted) return;
    state.exceeded = error;
    controller.abort();
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // Bounded walk: .git holds loose objects too, so allow more entries than the tree may have.
    walkProject(root, { skipGit: false, maxEntries: maxEntries * 3 + 10_000 })
      .then((entries) => {
        const bytes = entries.reduce((sum, e) => sum + (e.type === 'file' ? e.stat.size : 0), 0);
        if (bytes > maxBytes) stopWith(repositoryTooLarge(maxBytes, bytes));
      })
      .catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'too-large') stopWith(error);
      })
      .finally(() => (busy = false));
  }, 250);
  timer.unref();
  return state;
}

async function validateTree(root: string, maxBytes: number, maxEntries: number): Promise<void> {
  const all = await walkProject(root, { skipGit: false });
  const bytes = all.reduce((sum, e) => sum + (e.type === 'file' ? e.stat.size : 0), 0);
  if (bytes > maxBytes) throw repositoryTooLarge(maxBytes, bytes);
  const tree = all.filter((e) => !e.path.split('/').some(isGitSegment));
  if (tree.length > maxEntries) {
    throw tooLarge(`The repository has ${tree.length} entries, over the limit of ${maxEntries}`, {
      limit: maxEntries,
      actual: tree.length,
      limitName: 'maxEntries',
    });
  }
  const escaping: string[] = [];
  for (const entry of tree) {
    if (entry.type === 'symlink' && !(await symlinkStaysInside(root, entry.path))) escaping.push(entry.path);
  }
  if (escaping.length > 0) {
    throw forbidden(`The repository has symbolic links leading outside it: ${escaping.slice(0, 20).join(', ')}`, {
      reason: 'symlink-escape',
      paths: escaping.slice(0, 100),
    });
  }
}

// realpath answers for links that resolve; a dangling link is judged by its text alone.
async function symlinkStaysInside(root: string, relative: string): Promise<boolean> {
  const absolute = path.join(root, relative);
  let resolved: string;
  try {
    resolved = await realpath(absolute);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') return false;
    resolved = path.resolve(path.dirname(absolute), await readlink(absolute));
  }
  const inside = resolved === root || resolved.startsWith(root + path.sep);
  return inside && !toRelative(root, resolved).split('/').some(isGitSegment);
}

function cloneFailed(error: unknown, url: URL): unknown {
  if (error instanceof DomainError) return error;
  if (!(error instanceof GitCommandError)) return error;
  const stderr = scrub(trimOutput(error.stderr), url);
  return new DomainError('failed-dependency', `git clone failed: ${stderr || `exit code ${error.exitCode}`}`, {
    command: ['git', 'clone', withoutCredentials(url)],
    exitCode: error.exitCode,
    stderr,
  });
}

function repositoryTooLarge(limit: number, actual: number): DomainError {
  return tooLarge(`The repository is larger than ${limit} bytes`, { limit, actual, limitName: 'maxBytes' });
}

function privateHost(url: URL): DomainError {
  return forbidden(`Cloning from "${url.hostname}" is not allowed: it is a local or private address`, {
    reason: 'private-host',
  });
}

function withoutCredentials(url: URL): string {
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  return clean.href;
}

function scrub(text: string, url: URL): string {
  let result = text;
  for (const secret of [url.password, url.username]) if (secret) result = result.split(secret).join('***');
  return result;
}
