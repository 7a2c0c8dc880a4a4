import { spawn, type ChildProcess } from 'node:child_process';
import { BWRAP_PATH, buildSandboxArgs, type SandboxBind } from '../../workspace/sandbox';

/** A helper process the Python toolchain runs on a project's code (checker, pyright). */
export interface SandboxedCommand {
  /** The project folder; read-only at /workspace inside. */
  projectDir: string;
  /** argv inside the sandbox, absolute executable first. */
  command: readonly string[];
  binds: readonly SandboxBind[];
  env?: Readonly<Record<string, string>>;
}

/**
 * Starts a command in a sealed sandbox over the project: no network, the project read-only, only
 * the given binds. The platform user never reads the project's files itself (they may be links
 * pointing anywhere on the host); inside the sandbox a link can only reach the sandbox's view.
 */
export function spawnSandboxed(options: SandboxedCommand): ChildProcess {
  const args = buildSandboxArgs({
    projectDir: options.projectDir,
    projectReadOnly: true,
    network: 'none',
    newSession: true,
    command: options.command,
    binds: options.binds,
    ...(options.env ? { env: options.env } : {}),
  });
  // Own process group (detached) so killSandboxed reaches bwrap however it was started; bwrap's
  // --die-with-parent and PID namespace then take everything inside down with it.
  // An empty environment on purpose: bwrap gets the sandbox's own (the cast only satisfies Next's
  // NODE_ENV augmentation of ProcessEnv).
  const env = {} as NodeJS.ProcessEnv;
  return spawn(BWRAP_PATH, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env });
}

/** Kills a sandboxed helper (SIGKILL: helpers hold no state worth a graceful stop). */
export function killSandboxed(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Resolves once the child has exited or failed to start (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}
