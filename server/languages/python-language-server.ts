import { spawn, type ChildProcess } from 'node:child_process';
import type { Disposable } from '../core/disposable';
import { DomainError } from '../core/errors';
import { Emitter, type Event } from '../core/event';
import type { Logger } from '../core/logger';
import { DEBIAN_PYTHON, PYTHON_SDK_FOR_CHECKS } from '../toolchain/python/gunicorn-launch';
import { findPyrightPackage, PYRIGHT_SANDBOX_DIR } from '../toolchain/python/pyright-runner';
import { BWRAP_PATH, buildSandboxArgs, isSandboxAvailable, type SandboxIdentityFiles } from '../workspace/sandbox';
import { ContentLengthDecoder, frameMessage } from './lsp-framing';

/** Node from Debian: under /usr, so the sandbox sees it (node_modules' own binaries are not mounted). */
const NODE_PATH = '/usr/bin/node';
/**
 * A 2 MB young generation instead of Node's default saves ~22 MB RSS per server (measured after
 * opening a small project: 133 → 111 MB) without slowing the first completion; the old-space cap
 * keeps one runaway analysis from taking the machine (pyright drops caches as it nears the cap).
 */
const NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=1024'];
/** pyright's completion lists for big modules run to a few MB; anything far beyond is a fault. */
const MAX_SERVER_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Bytes queued for the server's stdin beyond which a client is sending faster than it can read. */
const MAX_PENDING_INPUT_BYTES = 16 * 1024 * 1024;
const STDERR_TAIL_BYTES = 4096;
/**
 * Language servers one user may run at once: one per open IDE tab of a Python project, ~100 MB
 * RSS each (measured), so a runaway reconnect loop or script cannot fill the machine's memory.
 */
const DEFAULT_MAX_PER_USER = 8;

/** How a language server ended, with the end of what it wrote to stderr. */
export interface LanguageServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * One `pyright-langserver --stdio` in the project's sandbox: project read-only at /workspace, no
 * network, the pyright package read-only at /opt/pyright, its own session and process group.
 * Messages in and out are JSON-RPC texts; this class adds and strips the stdio framing and answers
 * pyright's `workspace/configuration` requests itself (the interpreter is Debian's, as in previews).
 */
export class PythonLanguageServer implements Disposable {
  private readonly child: ChildProcess;
  private readonly decoder = new ContentLengthDecoder(MAX_SERVER_MESSAGE_BYTES);
  private readonly onDidReceiveEmitter = new Emitter<string>();
  private readonly onDidExitEmitter = new Emitter<LanguageServerExit>();
  private stderrTail = '';
  private exitStatus: LanguageServerExit | undefined;
  private readonly exited: Promise<void>;

  /** One JSON-RPC message from the language server (requests the bridge answers are not included). */
  readonly onDidReceive: Event<string> = this.onDidReceiveEmitter.event;
  readonly onDidExit: Event<LanguageServerExit> = this.onDidExitEmitter.event;

  constructor(options: { projectDir: string; pyrightDir: string; identityFiles?: SandboxIdentityFiles }) {
    const args = buildSandboxArgs({
      projectDir: options.projectDir,
      projectReadOnly: true,
      network: 'none',
      newSession: true,
      command: [NODE_PATH, ...NODE_FLAGS, `${PYRIGHT_SANDBOX_DIR}/langserver.index.js`, '--stdio'],
      binds: [
        { host: options.pyrightDir, sandbox: PYRIGHT_SANDBOX_DIR, writable: false },
        ...PYTHON_SDK_FOR_CHECKS.binds,
      ],
      env: PYTHON_SDK_FOR_CHECKS.env,
      tmpSizeBytes: 64 * 1024 * 1024,
      limits: { openFiles: 4096 },
      ...(options.identityFiles ? { identityFiles: options.identityFiles } : {}),
    });
    // Detached: its own process group, so dispose() reaches bwrap; bwrap's --die-with-parent and
    // PID namespace take pyright down with it. The cast only satisfies Next's NODE_ENV typing.
    this.child = spawn(BWRAP_PATH, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: {} as NodeJS.ProcessEnv,
    });
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.exitStatus) return;
        this.exitStatus = { code, signal, stderr: this.stderrTail };
        this.onDidExitEmitter.fire(this.exitStatus);
        resolve();
      };
      // 'close', not 'exit': it waits for every holder of the pipes, pyright inside included.
      this.child.once('close', finish);
      this.child.once('error', (error) => {
        this.stderrTail += String(error);
        finish(null, null);
      });
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.onOutput(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    this.child.stdin?.on('error', () => undefined); // writing to a dead server is reported by its exit
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Frames and writes one message; false when the server is gone or not keeping up. */
  send(json: string): boolean {
    const stdin = this.child.stdin;
    if (this.exitStatus || !stdin || stdin.destroyed || stdin.writableLength > MAX_PENDING_INPUT_BYTES) return false;
    stdin.write(frameMessage(json));
    return true;
  }

  /** Stops reading the server's output (the client's socket is backed up); pipes then pause pyright. */
  pauseOutput(): void {
    this.child.stdout?.pause();
  }

  resumeOutput(): void {
    this.child.stdout?.resume();
  }

  /** Kills the sandbox's process group (SIGKILL: a language server keeps nothing worth saving). */
  async dispose(): Promise<void> {
    if (!this.exitStatus && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.exited;
    this.onDidReceiveEmitter.dispose();
    this.onDidExitEmitter.dispose();
  }

  private onOutput(chunk: Buffer): void {
    let messages: string[];
    try {
      messages = this.decoder.push(chunk);
    } catch (error) {
      // The stream cannot be resynchronised: end the server, the client reconnects to a new one.
      this.stderrTail += `\n[slipway] ${error instanceof Error ? error.message : String(error)}`;
      void this.dispose();
      return;
    }
    for (const message of messages) {
      if (!this.answerConfiguration(message)) this.onDidReceiveEmitter.fire(message);
    }
  }

  /** Answers `workspace/configuration`; true when `text` was such a request. */
  private answerConfiguration(text: string): boolean {
    // Cheap test first: most messages are large completion or hover answers.
    if (!text.includes('"workspace/configuration"')) return false;
    let request: { id?: unknown; method?: unknown; params?: { items?: { section?: unknown }[] } };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      return false;
    }
    if (request.method !== 'workspace/configuration' || request.id === undefined) return false;
    const items = Array.isArray(request.params?.items) ? request.params.items : [];
    const result = items.map((item) => (item.section === 'python' ? { pythonPath: DEBIAN_PYTHON } : {}));
    this.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));
    return true;
  }
}

/** What the pool of Python language servers needs. */
export interface PythonLanguageServersOptions {
  /** Generated passwd/group for the sandbox. */
  identityFiles?: SandboxIdentityFiles;
  /** Folder of the `pyright` npm package; default: resolved from node_modules. */
  pyrightDir?: string;
  maxPerUser?: number;
  log?: Logger;
}

/**
 * Starts Python language servers for (user, project) connections and owns every one still
 * running, so the platform's shutdown ends them too. Each server ends when its connection does.
 */
export class PythonLanguageServers implements Disposable {
  private readonly running = new Map<PythonLanguageServer, string>();
  private readonly pyrightDir: string | undefined;
  private disposed = false;

  constructor(private readonly options: PythonLanguageServersOptions = {}) {
    this.pyrightDir = options.pyrightDir ?? findPyrightPackage();
  }

  /** Throws a DomainError when no server can start for this user now: call it before accepting a socket. */
  async checkAvailable(userId: string): Promise<void> {
    this.pyrightDirOrThrow();
    if (!(await isSandboxAvailable()))
      throw new DomainError('failed-dependency', 'the sandbox (bubblewrap) is not available');
    this.checkQuota(userId);
  }

  /** Starts a language server over `projectDir`; dispose it when its connection closes. */
  start(userId: string, projectDir: string): PythonLanguageServer {
    if (this.disposed) throw new DomainError('failed-dependency', 'the platform is shutting down');
    const pyrightDir = this.pyrightDirOrThrow();
    this.checkQuota(userId);
    const server = new PythonLanguageServer({
      projectDir,
      pyrightDir,
      ...(this.options.identityFiles ? { identityFiles: this.options.identityFiles } : {}),
    });
    this.running.set(server, userId);
    server.onDidExit((exit) => {
      this.running.delete(server);
      // SIGKILL is ours (the socket closed); anything else is pyright failing.
      if (exit.signal !== 'SIGKILL' && exit.code !== 0) {
        this.options.log?.warn(`pyright language server ended (${exit.signal ?? `exit code ${exit.code}`})`, {
          stderr: exit.stderr,
        });
      }
    });
    return server;
  }

  /** Number of servers running for a user (all users when omitted). */
  count(userId?: string): number {
    if (userId === undefined) return this.running.size;
    let count = 0;
    for (const owner of this.running.values()) if (owner === userId) count += 1;
    return count;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.running.keys()].map((server) => server.dispose()));
  }

  private pyrightDirOrThrow(): string {
    if (!this.pyrightDir)
      throw new DomainError('failed-dependency', 'pyright is not installed (npm package "pyright")');
    return this.pyrightDir;
  }

  private checkQuota(userId: string): void {
    const limit = this.options.maxPerUser ?? DEFAULT_MAX_PER_USER;
    if (this.count(userId) >= limit) {
      throw new DomainError(
        'too-many-requests',
        `at most ${limit} Python language servers per user; close another IDE tab`,
      );
    }
  }
}
