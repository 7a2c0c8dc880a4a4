import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DomainError } from '../../core/errors';
import { BWRAP_PATH, buildSandboxArgs, type SandboxIdentityFiles } from '../../workspace/sandbox';
import type { DriverStartRequest, InstanceEndpoint } from '../driver';
import { procsFilesOf } from './process-cgroups';

const SETSID = '/usr/bin/setsid';
const PRLIMIT = '/usr/bin/prlimit';
const SHELL = '/bin/sh';
/** Joins the cgroups named by its arguments up to `--`, then execs the rest. Fixed text; arguments are never interpolated. */
const JOIN_CGROUPS_SCRIPT = 'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
/** Open files per instance process. */
const OPEN_FILES = 4_096;

/** The files the process driver keeps per instance, in `<stateRoot>/<instanceId>/`. */
export interface InstanceFiles {
  dir: string;
  stdout: string;
  stderr: string;
  /** A FIFO the instance reads as stdin (see {@link openControlFifo}). */
  control: string;
  state: string;
}

/** What the driver remembers about an instance on disk, so a restarted platform can adopt or clean it up. */
export interface InstanceRecord {
  handle: string;
  instanceId: string;
  appId: string;
  versionId: string;
  endpoint: InstanceEndpoint;
  cgroups: string[];
}

/** A handle names one process even after its pid is reused: instance id, pid and start time. */
export interface ParsedHandle {
  instanceId: string;
  pid: number;
  startTime: string;
}

/** `<instanceId>:<pid>:<startTime>` */
export function formatHandle(handle: ParsedHandle): string {
  return `${handle.instanceId}:${handle.pid}:${handle.startTime}`;
}

/** Parses a handle; a malformed one is a DomainError (it may come from an edited database). */
export function parseHandle(handle: string): ParsedHandle {
  const match = /^([A-Za-z0-9_-]{1,64}):(\d{1,10}):(\d{1,20})$/.exec(handle);
  if (!match) throw new DomainError('invalid-input', `not a process driver handle: ${handle}`);
  return { instanceId: match[1] ?? '', pid: Number(match[2]), startTime: match[3] ?? '' };
}

/** Where an instance's files live. */
export function instanceFilesOf(stateRoot: string, instanceId: string): InstanceFiles {
  const dir = path.join(stateRoot, instanceId);
  return {
    dir,
    stdout: path.join(dir, 'stdout.log'),
    stderr: path.join(dir, 'stderr.log'),
    control: path.join(dir, 'control'),
    state: path.join(dir, 'process.json'),
  };
}

/**
 * The instance's stdin: a FIFO opened read-write. The instance holds a writer itself, so its
 * reads block instead of seeing end-of-file when the platform goes away (the Java launcher and
 * gunicorn's control thread end or stop listening at EOF), and a restarted platform can still
 * open it to send control lines.
 */
async function openControlFifo(file: string): Promise<number> {
  await rm(file, { force: true }); // left by an earlier process of the same instance
  await promisify(execFile)('/usr/bin/mkfifo', ['-m', '0600', file]);
  return openSync(file, 'r+');
}

/** Memory guard when no cgroup can hold the instance: address space, with room for the JVM's reservations. */
export function addressSpaceLimitBytes(memoryMb: number): number {
  return (memoryMb * 4 + 2_048) * 1024 * 1024;
}

/** The argv that starts the sandbox, in its cgroups (if any), under a keeper that outlives the platform. */
export function launchArgv(
  request: DriverStartRequest,
  options: { cgroups: readonly string[]; identityFiles?: SandboxIdentityFiles },
): string[] {
  const { spec, layout } = request;
  const rlimits =
    options.cgroups.length === 0 ? [PRLIMIT, `--as=${addressSpaceLimitBytes(request.limits.memoryMb)}`, '--'] : [];
  const sandbox = buildSandboxArgs({
    projectDir: layout.projectDir,
    projectReadOnly: true,
    network: 'none',
    newSession: true,
    command: [...rlimits, ...spec.command],
    env: spec.env,
    limits: { openFiles: OPEN_FILES },
    binds: [
      ...spec.readOnlyBinds.map((bind) => ({ ...bind, writable: false })),
      ...spec.writableBinds.map((bind) => ({ ...bind, writable: true })),
    ],
    ...(options.identityFiles ? { identityFiles: options.identityFiles } : {}),
  });
  // bwrap's --die-with-parent ties the sandbox to its parent: `setsid --wait` (the keeper), not
  // the platform. The keeper lives in its own session, so a platform crash leaves it running;
  // killing the keeper kills the whole sandbox.
  const kept = [SETSID, '--wait', BWRAP_PATH, ...sandbox];
  if (options.cgroups.length === 0) return kept;
  return [SHELL, '-c', JOIN_CGROUPS_SCRIPT, 'slipway-instance', ...procsFilesOf(options.cgroups), '--', ...kept];
}

/** Creates the instance's files and spawns its keeper, detached, with output going to log files. */
export async function spawnInstance(files: InstanceFiles, argv: readonly string[]): Promise<ChildProcess> {
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const control = await openControlFifo(files.control);
  const stdout = openSync(files.stdout, 'a', 0o600);
  const stderr = openSync(files.stderr, 'a', 0o600);
  try {
    const [command = '', ...args] = argv;
    const child = spawn(command, args, {
      stdio: [control, stdout, stderr],
      detached: true,
      env: {} as NodeJS.ProcessEnv, // nothing of the platform's environment
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    return child;
  } finally {
    for (const fd of [control, stdout, stderr]) closeSync(fd);
  }
}

/** Writes the instance record atomically (a crash never leaves half a file). */
export async function writeRecord(files: InstanceFiles, record: InstanceRecord): Promise<void> {
  const temporary = `${files.state}.tmp`;
  await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
  await rename(temporary, files.state);
}

/** Reads an instance record; undefined when missing or unreadable. */
export async function readRecord(files: InstanceFiles): Promise<InstanceRecord | undefined> {
  try {
    return JSON.parse(await readFile(files.state, 'utf8')) as InstanceRecord;
  } catch {
    return undefined;
  }
}
