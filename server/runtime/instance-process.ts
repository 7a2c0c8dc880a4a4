import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DomainError } from '../core/errors';
import { Emitter, type Event } from '../core/event';
import type { Disposable } from '../core/disposable';
import { answersHttp } from './http-probe';
import type { LaunchSpec, RunningInstance, InstanceLayout } from '../toolchain/toolchain';
import { BWRAP_PATH, buildSandboxArgs, type SandboxIdentityFiles } from '../workspace/sandbox';

/** One line an instance printed. */
export interface InstanceOutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** How an instance ended. */
export interface InstanceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where things are mounted inside every instance sandbox. */
export const INSTANCE_PATHS = {
  project: '/workspace',
  output: '/app/build',
  sockets: '/run/slipway',
  data: '/app/data',
} as const;

/**
 * A launcher process in its own sealed sandbox (no network; project read-only; only its build
 * output, socket folder and data folder writable), with its output as events.
 */
export class InstanceProcess implements RunningInstance, Disposable {
  private readonly child: ChildProcess;
  private readonly onDidOutputEmitter = new Emitter<InstanceOutputLine>();
  private readonly onDidExitEmitter = new Emitter<InstanceExit>();
  private exitStatus: InstanceExit | undefined;
  private readonly exited: Promise<InstanceExit>;

  /** Every line the instance writes to stdout or stderr. */
  readonly onDidOutput: Event<InstanceOutputLine> = this.onDidOutputEmitter.event;
  readonly onDidExit: Event<InstanceExit> = this.onDidExitEmitter.event;

  constructor(
    readonly layout: InstanceLayout,
    readonly spec: LaunchSpec,
    options: { identityFiles?: SandboxIdentityFiles; memoryLimitBytes?: number } = {},
  ) {
    const args = buildSandboxArgs({
      projectDir: layout.projectDir,
      projectReadOnly: true,
      network: 'none',
      newSession: true,
      command: spec.command,
      env: spec.env,
      binds: [
        ...spec.readOnlyBinds.map((bind) => ({ ...bind, writable: false })),
        ...spec.writableBinds.map((bind) => ({ ...bind, writable: true })),
      ],
      ...(options.identityFiles ? { identityFiles: options.identityFiles } : {}),
    });
    this.child = spawn(BWRAP_PATH, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: {} as NodeJS.ProcessEnv,
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Infinity }).on('line', (text) =>
        this.onDidOutputEmitter.fire({ stream, text }),
      );
    }
    this.child.stdin?.on('error', () => undefined); // writing to a dead launcher is reported by its exit
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        this.onDidExitEmitter.fire(this.exitStatus);
        resolve(this.exitStatus);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exit(): InstanceExit | undefined {
    return this.exitStatus;
  }

  /** The Unix socket on the host side that the instance listens on. */
  get hostSocketPath(): string {
    return hostPathOf(this.spec, this.spec.socketPath);
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exitStatus) this.child.kill(signal);
  }

  writeControl(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  waitForOutput(predicate: (line: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new DomainError('failed-dependency', 'the instance did not answer in time')),
        timeoutMs,
      );
      const output = this.onDidOutput((line) => {
        if (line.stream === 'stdout' && predicate(line.text)) finish(undefined, line.text);
      });
      const exit = this.onDidExit(() => finish(new DomainError('failed-dependency', 'the instance exited')));
      function finish(error: Error | undefined, line?: string): void {
        clearTimeout(timer);
        void output.dispose();
        void exit.dispose();
        if (error) reject(error);
        else resolve(line ?? '');
      }
    });
  }

  /** Polls the health path over the Unix socket until any HTTP answer, the exit, or the deadline. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitStatus)
        throw new DomainError('failed-dependency', `the app exited during start-up (${describeExit(this.exitStatus)})`);
      if (await answersHttp({ socketPath: this.hostSocketPath }, this.spec.healthPath)) return;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    throw new DomainError('failed-dependency', `the app did not answer on its socket within ${timeoutMs} ms`);
  }

  /** Ends the process group: SIGTERM, then SIGKILL after a grace period. */
  async dispose(graceMs = 3_000): Promise<void> {
    if (this.exitStatus) return;
    killGroup(this.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // The sandbox's inner processes die with bwrap a moment later; no new request may reach them.
    await rm(this.hostSocketPath, { force: true });
    this.onDidOutputEmitter.dispose();
    this.onDidExitEmitter.dispose();
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Maps a path inside the sandbox back to the host through the spec's writable binds. */
export function hostPathOf(spec: LaunchSpec, sandboxPath: string): string {
  for (const bind of spec.writableBinds) {
    const relative = path.relative(bind.sandbox, sandboxPath);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return path.join(bind.host, relative);
  }
  throw new DomainError('invalid-input', `the socket ${sandboxPath} is not inside a writable bind`);
}

export function describeExit(exit: InstanceExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
}
