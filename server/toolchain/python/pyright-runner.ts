import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import type { Disposable } from '../../core/disposable';
import { DomainError } from '../../core/errors';
import type { DiagnosticDto } from '../../protocol/preview';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import { DEBIAN_PYTHON, PYTHON_SDK_FOR_CHECKS } from './gunicorn-launch';
import { exitOf, killSandboxed, spawnSandboxed } from './sandboxed-process';
import { SerialQueue } from './serial-queue';

/** Where the pyright npm package is mounted inside the sandbox. */
export const PYRIGHT_SANDBOX_DIR = '/opt/pyright';
/** Node from Debian: under /usr, so the sandbox sees it. */
const NODE_PATH = '/usr/bin/node';
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

const pyrightReportSchema = z.object({
  generalDiagnostics: z.array(
    z.object({
      file: z.string(),
      severity: z.enum(['error', 'warning', 'information']),
      message: z.string(),
      range: z
        .object({
          start: z.object({ line: z.int(), character: z.int() }),
          end: z.object({ line: z.int(), character: z.int() }),
        })
        .optional(),
      rule: z.string().optional(),
    }),
  ),
});

/** The folder of the installed `pyright` npm package, or undefined when it is not installed. */
export function findPyrightPackage(): string | undefined {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('pyright/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Converts pyright's `--outputjson` report into diagnostics: 1-based positions, paths relative to
 * the project (`workspaceDir` is the project's path where pyright ran). Findings outside the
 * project are dropped.
 */
export function parsePyrightReport(json: string, workspaceDir: string): DiagnosticDto[] {
  const report = pyrightReportSchema.parse(JSON.parse(json));
  const diagnostics: DiagnosticDto[] = [];
  for (const found of report.generalDiagnostics) {
    const file = path.posix.relative(workspaceDir, found.file);
    if (file === '' || file.startsWith('..') || path.posix.isAbsolute(file)) continue;
    const start = found.range?.start ?? { line: 0, character: 0 };
    const end = found.range?.end;
    diagnostics.push({
      file,
      line: start.line + 1,
      column: start.character + 1,
      ...(end ? { endLine: end.line + 1, endColumn: end.character + 1 } : {}),
      severity: found.severity === 'information' ? 'info' : found.severity,
      message: found.message,
      source: 'pyright',
      ...(found.rule ? { code: found.rule } : {}),
    });
  }
  return diagnostics;
}

/**
 * Runs the pyright CLI over a project in a sandbox (project read-only, no network), one run at a
 * time per runner: a run costs a CPU core for about a second. Settings come from the project's own
 * pyrightconfig.json or pyproject.toml when it has one; the interpreter is always Debian's, so
 * imports of Debian's python3-* packages resolve.
 */
export class PyrightRunner implements Disposable {
  private readonly running = new Set<ChildProcess>();
  private readonly queue = new SerialQueue();
  private disposed = false;

  constructor(private readonly options: { pyrightDir: string | undefined; timeoutMs: number }) {}

  /** Type-checks the project; rejects with the signal's reason when aborted. */
  check(projectDir: string, signal: AbortSignal): Promise<DiagnosticDto[]> {
    return this.queue.run(() => this.runOnce(projectDir, signal), signal);
  }

  /** Kills running checks; idempotent. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const children = [...this.running];
    for (const child of children) killSandboxed(child);
    await Promise.all(children.map(exitOf));
  }

  private async runOnce(projectDir: string, signal: AbortSignal): Promise<DiagnosticDto[]> {
    if (this.disposed) throw new DomainError('failed-dependency', 'the type checker was stopped');
    const pyrightDir = this.options.pyrightDir;
    if (!pyrightDir) throw new DomainError('failed-dependency', 'pyright is not installed (npm package "pyright")');
    const child = spawnSandboxed({
      projectDir,
      command: [NODE_PATH, `${PYRIGHT_SANDBOX_DIR}/index.js`, '--outputjson', '--pythonpath', DEBIAN_PYTHON],
      ...PYTHON_SDK_FOR_CHECKS,
      binds: [{ host: pyrightDir, sandbox: PYRIGHT_SANDBOX_DIR, writable: false }, ...PYTHON_SDK_FOR_CHECKS.binds],
    });
    this.running.add(child);
    const stop = (): void => killSandboxed(child);
    signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(stop, this.options.timeoutMs);
    try {
      const { stdout, stderr, code } = await collect(child);
      signal.throwIfAborted();
      // 0: no errors, 1: errors found; anything else is pyright failing (bad config, crash, timeout).
      if (code !== 0 && code !== 1) {
        const reason = code === null ? 'was stopped (time limit)' : `exited with ${code}`;
        throw new DomainError(
          'failed-dependency',
          `pyright ${reason}: ${stderr.slice(-2000) || stdout.slice(0, 2000)}`,
        );
      }
      try {
        return parsePyrightReport(stdout, INSTANCE_PATHS.project);
      } catch (error) {
        throw new DomainError('failed-dependency', `pyright's report could not be read: ${String(error)}`, {
          stderr: stderr.slice(-2000),
        });
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      this.running.delete(child);
    }
  }
}

function collect(child: ChildProcess): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) killSandboxed(child);
      else stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), code }),
    );
  });
}
