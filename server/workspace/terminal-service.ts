import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node-pty';
import type { Disposable } from '../core/disposable';
import { DomainError, invalidInput, notFound } from '../core/errors';
import {
  TERMINAL_MAX_COLS,
  TERMINAL_MAX_ROWS,
  TERMINAL_MIN_COLS,
  TERMINAL_MIN_ROWS,
  type TerminalExitStatus,
} from '../protocol/terminal';
import {
  BWRAP_PATH,
  buildSandboxArgs,
  isSandboxAvailable,
  writeSandboxIdentityFiles,
  type SandboxIdentityFiles,
  type SandboxLimits,
} from './sandbox';
import { TerminalSession } from './terminal-session';

/** Tuning of the terminal service; every field has a default. */
export interface TerminalServiceOptions {
  /** How long a session without an attached client survives (a reload reattaches). Default 60 s. */
  readonly detachedGraceMs?: number;
  /** Running terminals per user, across projects. Default 16. */
  readonly maxPerUser?: number;
  /** Output kept for replay on reattach. Default 256 KiB. */
  readonly replayBufferBytes?: number;
  /** Flow-control watermarks; defaults from the protocol (1 MiB / 256 KiB). */
  readonly highWatermarkBytes?: number;
  readonly lowWatermarkBytes?: number;
  /** Default 'host', so the `slipway` CLI reaches the platform on loopback. */
  readonly network?: 'host' | 'none';
  /** Extra NON-SECRET variables for every shell (e.g. the platform's URL for the CLI). */
  readonly env?: Readonly<Record<string, string>>;
  /** Per-process limits inside the sandbox. Default 4096 open files, 4 GiB per file. */
  readonly limits?: SandboxLimits;
  /** Private folder for the sandbox's generated /etc files; default a fresh temp folder. */
  readonly runtimeDir?: string;
}

/** What a new terminal needs; the caller has already authorised the user for the project. */
export interface CreateTerminalRequest {
  readonly projectId: string;
  /** Absolute host path of the project folder (`<dataDir>/projects/<projectId>`). */
  readonly projectDir: string;
  /** Shown in the prompt. */
  readonly projectName: string;
  readonly ownerUserId: string;
  /** The login session, so logout ends its terminals. */
  readonly ownerSessionId: string;
  readonly cols: number;
  readonly rows: number;
}

const SHELL_COMMAND = ['/bin/bash', '--noprofile', '--norc', '-i'];
// History goes to the sandbox's private /tmp: HOME is the project, and a .bash_history there
// would end up in the user's git repository.
const SHELL_ENV = { HISTFILE: '/tmp/.bash_history', HISTCONTROL: 'ignoreboth' };
const KILL_TIMEOUT_MS = 5_000;
// Each open project starts a terminal, and closed tabs keep theirs for the reattach grace period.
const DEFAULT_MAX_PER_USER = 16;

/**
 * Owns every developer terminal: spawns shells inside project sandboxes, reaps sessions nobody
 * is attached to, enforces per-user limits, and kills everything on dispose.
 */
export class TerminalService implements Disposable {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly reapTimers = new Map<string, NodeJS.Timeout>();
  private identity: Promise<{ files: SandboxIdentityFiles; ownedDir?: string }> | undefined;
  private disposed = false;

  constructor(private readonly options: TerminalServiceOptions = {}) {}

  /** Starts a shell in the project's sandbox. The session waits, detached, for a client. */
  async create(request: CreateTerminalRequest): Promise<TerminalSession> {
    this.assertAlive();
    checkSize(request.cols, request.rows);
    if (!(await isSandboxAvailable())) {
      throw new DomainError('failed-dependency', 'the terminal sandbox (bubblewrap) is not available');
    }
    await assertDirectory(request.projectDir);
    const { files } = await this.identityFiles();
    // Counted after the awaits so that concurrent creates cannot overshoot.
    this.assertAlive();
    this.assertBelowLimit(request.ownerUserId);
    const session = this.spawnSession(request, files);
    this.sessions.set(session.id, session);
    session.onDidChangeAttachment((attached) => (attached ? this.cancelReap(session.id) : this.scheduleReap(session)));
    session.onDidExit(() => {
      if (!session.isAttached) this.scheduleReap(session);
    });
    this.scheduleReap(session);
    return session;
  }

  /** A session by id, if it still exists. Callers check ownership. */
  get(id: string): TerminalSession | undefined {
    return this.sessions.get(id);
  }

  /** Sessions of one user in one project, oldest first. */
  list(filter: { projectId: string; ownerUserId: string }): TerminalSession[] {
    return [...this.sessions.values()].filter(
      (s) => s.projectId === filter.projectId && s.ownerUserId === filter.ownerUserId,
    );
  }

  /** Ends one session and forgets it. */
  async kill(id: string): Promise<TerminalExitStatus> {
    const session = this.sessions.get(id);
    if (!session) throw notFound('terminal not found', { id });
    return this.end(session);
  }

  /** Ends every terminal opened by a login session (logout). */
  async killForSession(ownerSessionId: string): Promise<void> {
    await this.endWhere((s) => s.ownerSessionId === ownerSessionId);
  }

  /** Ends a user's terminals in a project (closed), or everyone's (deleted). */
  async killForProject(projectId: string, ownerUserId?: string): Promise<void> {
    await this.endWhere(
      (s) => s.projectId === projectId && (ownerUserId === undefined || s.ownerUserId === ownerUserId),
    );
  }

  /** Kills every pty and waits for the processes to be gone. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.endWhere(() => true);
    const identity = await this.identity?.catch(() => undefined);
    if (identity?.ownedDir) await rm(identity.ownedDir, { recursive: true, force: true });
  }

  private spawnSession(request: CreateTerminalRequest, identityFiles: SandboxIdentityFiles): TerminalSession {
    const args = buildSandboxArgs({
      projectDir: request.projectDir,
      projectName: request.projectName,
      command: SHELL_COMMAND,
      network: this.options.network ?? 'host',
      env: { ...this.options.env, ...SHELL_ENV },
      identityFiles,
      limits: this.options.limits ?? { openFiles: 4096, fileSizeBytes: 4 * 1024 ** 3 },
    });
    // bwrap gets an empty environment (node-pty adds only PWD and TERM); the sandbox's own
    // environment is set with --clearenv/--setenv, so nothing of process.env crosses over.
    const pty = spawn(BWRAP_PATH, args, {
      name: 'xterm-256color',
      cols: request.cols,
      rows: request.rows,
      cwd: '/',
      env: {},
      encoding: null,
    });
    const init = { ...request, id: randomBytes(18).toString('base64url') };
    return new TerminalSession(init, pty, {
      replayBytes: this.options.replayBufferBytes ?? 256 * 1024,
      highWatermarkBytes: this.options.highWatermarkBytes,
      lowWatermarkBytes: this.options.lowWatermarkBytes,
    });
  }

  private identityFiles(): Promise<{ files: SandboxIdentityFiles; ownedDir?: string }> {
    this.identity ??= (async () => {
      if (this.options.runtimeDir) return { files: await writeSandboxIdentityFiles(this.options.runtimeDir) };
      const ownedDir = await mkdtemp(path.join(tmpdir(), 'slipway-terminals-'));
      return { files: await writeSandboxIdentityFiles(ownedDir), ownedDir };
    })();
    // A failed write should be retried by the next create, not cached.
    this.identity.catch(() => (this.identity = undefined));
    return this.identity;
  }

  private assertAlive(): void {
    if (this.disposed) throw new DomainError('failed-dependency', 'the terminal service is shutting down');
  }

  private assertBelowLimit(ownerUserId: string): void {
    const max = this.options.maxPerUser ?? DEFAULT_MAX_PER_USER;
    let running = 0;
    for (const s of this.sessions.values()) if (s.ownerUserId === ownerUserId && !s.exitStatus) running++;
    if (running >= max) {
      throw new DomainError('too-many-requests', `at most ${max} terminals per user`, { max });
    }
  }

  private scheduleReap(session: TerminalSession): void {
    this.cancelReap(session.id);
    const timer = setTimeout(() => void this.end(session), this.options.detachedGraceMs ?? 60_000);
    timer.unref();
    this.reapTimers.set(session.id, timer);
  }

  private cancelReap(id: string): void {
    const timer = this.reapTimers.get(id);
    if (timer) clearTimeout(timer);
    this.reapTimers.delete(id);
  }

  private async end(session: TerminalSession): Promise<TerminalExitStatus> {
    this.cancelReap(session.id);
    this.sessions.delete(session.id);
    return withTimeout(session.kill(), KILL_TIMEOUT_MS, session);
  }

  private async endWhere(predicate: (session: TerminalSession) => boolean): Promise<void> {
    const matching = [...this.sessions.values()].filter(predicate);
    await Promise.all(matching.map((s) => this.end(s)));
  }
}

function checkSize(cols: number, rows: number): void {
  const ok = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!ok(cols, TERMINAL_MIN_COLS, TERMINAL_MAX_COLS) || !ok(rows, TERMINAL_MIN_ROWS, TERMINAL_MAX_ROWS)) {
    throw invalidInput('terminal size out of range', { cols, rows });
  }
}

async function assertDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw notFound('project folder not found');
}

/** A kill that never reports back is a bug worth shouting about, not a hang on shutdown. */
async function withTimeout(
  exited: Promise<TerminalExitStatus>,
  ms: number,
  session: TerminalSession,
): Promise<TerminalExitStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<TerminalExitStatus>((resolve) => {
    timer = setTimeout(() => {
      console.error(`terminal ${session.id} (pid ${session.pid}) did not exit ${ms} ms after SIGKILL`);
      resolve({ code: null, signal: 9 });
    }, ms);
  });
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
