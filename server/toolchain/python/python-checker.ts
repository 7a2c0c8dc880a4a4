import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Disposable } from '../../core/disposable';
import { DomainError } from '../../core/errors';
import type { DiagnosticDto } from '../../protocol/preview';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import { DEBIAN_PYTHON, PYTHON_RUNTIME_SANDBOX_DIR } from './gunicorn-launch';
import { exitOf, killSandboxed, spawnSandboxed } from './sandboxed-process';

/** What the checker did for one request (see runtime/slipway_check.py). */
export interface CheckerAnswer {
  diagnostics: DiagnosticDto[];
  /** True when no file had a syntax error and the paths were copied to the build output. */
  synced: boolean;
  checked: number;
  copied: number;
  removed: number;
}

/** Where one project's checker runs. */
export interface PythonCheckerOptions {
  projectDir: string;
  outputDir: string;
  /** Host folder holding slipway_check.py. */
  runtimeDir: string;
  /** The process stops after this long without requests; the next request starts it again. */
  idleMs: number;
}

const diagnosticSchema = z.object({
  file: z.string(),
  line: z.int().min(1),
  column: z.int().min(1),
  endLine: z.int().min(1).optional(),
  endColumn: z.int().min(1).optional(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  source: z.literal('python'),
  code: z.string().optional(),
});
const answerSchema = z.union([
  z.object({
    id: z.int(),
    diagnostics: z.array(diagnosticSchema),
    synced: z.boolean(),
    checked: z.int(),
    copied: z.int(),
    removed: z.int(),
  }),
  z.object({ id: z.int(), error: z.string() }),
]);

const STOP_GRACE_MS = 1_000;
const REQUEST_TIMEOUT_MS = 60_000;

interface Waiter {
  resolve: (answer: CheckerAnswer) => void;
  reject: (error: Error) => void;
}

/**
 * One warm `python3 slipway_check.py` in a sandbox over one project: the project read-only at
 * /workspace, the build output writable at /app/build. A check costs a few milliseconds instead
 * of a sandbox and interpreter start (~100 ms). Requests are answered in order.
 */
export class PythonChecker implements Disposable {
  private child: ChildProcess | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private stderrTail: string[] = [];
  private disposed = false;

  constructor(private readonly options: PythonCheckerOptions) {}

  /** Checks `paths` (project-relative; null = everything) and copies them out if they compile. */
  run(paths: readonly string[] | null): Promise<CheckerAnswer> {
    if (this.disposed) return Promise.reject(new DomainError('failed-dependency', 'the Python checker was stopped'));
    const child = this.child ?? this.start();
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise<CheckerAnswer>((resolve, reject) => {
      // A checker that hangs (it should not: it only compiles and copies) is replaced.
      const timer = setTimeout(() => {
        this.failAll('the Python checker did not answer in time');
        void this.stop();
      }, REQUEST_TIMEOUT_MS);
      this.waiters.set(id, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.stdin?.write(`${JSON.stringify({ id, paths })}\n`);
    });
  }

  /** Stops the process; idempotent. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  private start(): ChildProcess {
    const child = spawnSandboxed({
      projectDir: this.options.projectDir,
      command: [
        DEBIAN_PYTHON,
        '-I',
        `${PYTHON_RUNTIME_SANDBOX_DIR}/slipway_check.py`,
        INSTANCE_PATHS.project,
        INSTANCE_PATHS.output,
      ],
      binds: [
        { host: this.options.runtimeDir, sandbox: PYTHON_RUNTIME_SANDBOX_DIR, writable: false },
        { host: this.options.outputDir, sandbox: INSTANCE_PATHS.output, writable: true },
      ],
    });
    this.child = child;
    this.stderrTail = [];
    child.stdin?.on('error', () => undefined); // a dead checker is reported by its exit
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => this.answer(line));
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) => {
        this.stderrTail = [...this.stderrTail.slice(-19), line];
      });
    }
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const how = signal ? `signal ${signal}` : `exit code ${code ?? '?'}`;
      this.failAll(`the Python checker exited (${how}): ${this.stderrTail.join('\n')}`);
    });
    child.once('error', (error) => {
      if (this.child === child) this.child = undefined;
      this.failAll(`the Python checker could not start: ${error.message}`);
    });
    return child;
  }

  private answer(line: string): void {
    let parsed: z.infer<typeof answerSchema>;
    try {
      parsed = answerSchema.parse(JSON.parse(line));
    } catch {
      this.stderrTail = [...this.stderrTail.slice(-19), `unexpected output: ${line.slice(0, 200)}`];
      return;
    }
    const waiter = this.waiters.get(parsed.id);
    if (!waiter) return;
    this.waiters.delete(parsed.id);
    if ('error' in parsed)
      waiter.reject(new DomainError('failed-dependency', `the Python checker failed: ${parsed.error}`));
    else waiter.resolve(parsed);
    if (this.waiters.size === 0) this.armIdleTimer();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.options.idleMs);
    this.idleTimer.unref();
  }

  private failAll(message: string): void {
    const waiters = [...this.waiters.values()];
    this.waiters.clear();
    for (const waiter of waiters) waiter.reject(new DomainError('failed-dependency', message));
  }

  private async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    // End of input ends the checker, and bwrap exits only once its PID namespace is empty, so the
    // exit means nothing is left. SIGKILL (bwrap first, the rest through --die-with-parent a
    // moment later) only if it does not leave in time.
    child.stdin?.end();
    const timer = setTimeout(() => killSandboxed(child), STOP_GRACE_MS);
    await exitOf(child);
    clearTimeout(timer);
  }
}
