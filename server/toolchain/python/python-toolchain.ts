import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { DomainError } from '../../core/errors';
import type { AppManifest } from '../../protocol/app-manifest';
import type { DiagnosticDto } from '../../protocol/preview';
import type {
  BuildRequest,
  BuildResult,
  InstanceLayout,
  InstancePurpose,
  LaunchSpec,
  RunningInstance,
  Toolchain,
} from '../toolchain';
import { DEFAULT_GUNICORN_OPTIONS, gunicornLaunchSpec, type GunicornOptions } from './gunicorn-launch';
import { PendingChanges } from './pending-changes';
import { findPyrightPackage, PyrightRunner } from './pyright-runner';
import { PythonChecker } from './python-checker';
import { parsePythonInstanceLine } from './python-instance-output';
import { SerialQueue } from './serial-queue';

/** Tuning of the Python toolchain; every field has a default suited to previews. */
export interface PythonToolchainOptions extends Partial<GunicornOptions> {
  /** Sync workers of a production instance (default 2: one slow request does not hold up others). */
  productionWorkers?: number;
  /** Folder of the `pyright` npm package; default: resolved from node_modules. */
  pyrightDir?: string;
  /** A project's warm checker stops after this long without builds (default 10 min). */
  checkerIdleMs?: number;
  /** How long a reload may take until the new workers have loaded the app (default 30 s). */
  reloadTimeoutMs?: number;
  /** Time limit of one pyright run (default 60 s). */
  typeCheckTimeoutMs?: number;
}

/** A type check of a project's current files (not only the last good build). */
export interface TypeCheckRequest {
  projectDir: string;
  /** Abort when a newer save supersedes this check or the preview stops. */
  signal: AbortSignal;
  log?: (line: string) => void;
}

interface ProjectState {
  readonly projectDir: string;
  readonly checker: PythonChecker;
  readonly pending: PendingChanges;
  readonly queue: SerialQueue;
}

interface ReloadState {
  generation: number;
  running: Promise<void> | undefined;
  queued: Promise<void> | undefined;
}

/**
 * Python apps (WSGI callables and CGI scripts) on Debian's gunicorn and Python 3.
 *
 * - `build` compiles the changed files in a warm sandboxed checker (a few ms) and, only if none
 *   has a syntax error, copies them to the build output, which is what instances serve. So a
 *   worker that restarts, or a module imported late, never picks up code that does not compile.
 * - `checkTypes` runs pyright (about a second) separately: its findings never block a reload.
 * - `reload` has gunicorn's master re-fork its workers (graceful, same master) and resolves once
 *   every new worker has loaded the app.
 */
export class PythonToolchain implements Toolchain {
  readonly runtime = 'python' as const;
  private readonly gunicorn: GunicornOptions;
  private readonly productionWorkers: number;
  private readonly projects = new Map<string, ProjectState>();
  private readonly reloads = new WeakMap<RunningInstance, ReloadState>();
  private readonly pyright: PyrightRunner;
  private disposed = false;

  constructor(private readonly options: PythonToolchainOptions = {}) {
    const defaults = DEFAULT_GUNICORN_OPTIONS;
    this.gunicorn = {
      runtimeDir: options.runtimeDir ?? defaults.runtimeDir,
      workers: options.workers ?? defaults.workers,
      timeoutSeconds: options.timeoutSeconds ?? defaults.timeoutSeconds,
      gracefulTimeoutSeconds: options.gracefulTimeoutSeconds ?? defaults.gracefulTimeoutSeconds,
      cgiTimeoutSeconds: options.cgiTimeoutSeconds ?? defaults.cgiTimeoutSeconds,
    };
    this.productionWorkers = options.productionWorkers ?? 2;
    this.pyright = new PyrightRunner({
      pyrightDir: options.pyrightDir ?? findPyrightPackage(),
      timeoutMs: options.typeCheckTimeoutMs ?? 60_000,
    });
  }

  /**
   * Checks the syntax of the changed `.py` files (and of any that failed before), then copies the
   * changes to `outputDir`. `ok` is false when a file has a syntax error; the output is then left
   * untouched. Rejects with the signal's reason when a newer save supersedes it.
   */
  async build(request: BuildRequest): Promise<BuildResult> {
    const state = this.projectState(request.projectDir, request.outputDir);
    state.pending.add(request.changedPaths);
    // The output folder is the platform's own (never the project's), so the platform may create it.
    await mkdir(request.outputDir, { recursive: true });
    const started = performance.now();
    const answer = await state.queue.run(async () => {
      const taken = state.pending.take();
      try {
        const result = await state.checker.run(taken);
        if (!result.synced) state.pending.restore(taken);
        return result;
      } catch (error) {
        state.pending.restore(taken);
        throw error;
      }
    }, request.signal);
    const elapsed = Math.round(performance.now() - started);
    for (const found of answer.diagnostics) request.log(formatDiagnostic(found));
    request.log(
      answer.synced
        ? `python: ${answer.checked} file(s) compiled in ${elapsed} ms; ${answer.copied} copied, ${answer.removed} removed`
        : `python: syntax errors; the app keeps running the last good code (${elapsed} ms)`,
    );
    return { ok: answer.synced, diagnostics: answer.diagnostics };
  }

  /** Runs pyright over the project; call it after the reload, abort it on the next save. */
  async checkTypes(request: TypeCheckRequest): Promise<DiagnosticDto[]> {
    this.assertAlive();
    const started = performance.now();
    const diagnostics = await this.pyright.check(request.projectDir, request.signal);
    request.log?.(`pyright: ${diagnostics.length} finding(s) in ${Math.round(performance.now() - started)} ms`);
    return diagnostics;
  }

  /** gunicorn on the build output; production instances get `productionWorkers` workers. */
  launchSpec(layout: InstanceLayout, manifest: AppManifest, purpose: InstancePurpose = 'preview'): LaunchSpec {
    const workers = purpose === 'production' ? this.productionWorkers : this.gunicorn.workers;
    return gunicornLaunchSpec(layout, manifest, { ...this.gunicorn, workers });
  }

  /**
   * Makes gunicorn serve the current build output: the master forks new workers and stops the
   * old ones gracefully (its pid and socket stay). Resolves once every new worker has loaded the
   * app (an app that fails at import counts: it answers 500 and its traceback is on stderr).
   * Calls are serialised per instance; calls made while one waits share the next reload.
   */
  reload(instance: RunningInstance, _manifest: AppManifest): Promise<void> {
    let state = this.reloads.get(instance);
    if (!state) {
      state = { generation: 0, running: undefined, queued: undefined };
      this.reloads.set(instance, state);
    }
    if (state.queued) return state.queued;
    const reloadState = state;
    const start = (): Promise<void> => {
      const running = this.reloadNow(instance, reloadState).finally(() => {
        if (reloadState.running === running) reloadState.running = undefined;
      });
      reloadState.running = running;
      return running;
    };
    if (!state.running) return start();
    const queued = state.running
      .catch(() => undefined)
      .then(() => {
        reloadState.queued = undefined;
        return start();
      });
    state.queued = queued;
    return queued;
  }

  /** Stops a project's warm checker and forgets its state (e.g. when its preview stops). */
  async releaseProject(projectDir: string): Promise<void> {
    for (const [key, state] of [...this.projects]) {
      if (state.projectDir !== projectDir) continue;
      this.projects.delete(key);
      await state.checker.dispose();
    }
  }

  /** Stops every checker and running type check; idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const states = [...this.projects.values()];
    this.projects.clear();
    await Promise.all([...states.map((state) => state.checker.dispose()), this.pyright.dispose()]);
  }

  private async reloadNow(instance: RunningInstance, state: ReloadState): Promise<void> {
    const generation = ++state.generation;
    const ready = new Set<number>();
    const served = instance.waitForOutput((line) => {
      const parsed = parsePythonInstanceLine(line);
      if (parsed.kind !== 'worker-ready' || parsed.worker.generation !== generation) return false;
      ready.add(parsed.worker.pid);
      return ready.size >= parsed.worker.workers;
    }, this.options.reloadTimeoutMs ?? 30_000);
    // Not instance.signal('SIGHUP'): that reaches bwrap, which dies of it. The master reads stdin.
    instance.writeControl(`reload ${generation}`);
    await served;
  }

  private projectState(projectDir: string, outputDir: string): ProjectState {
    this.assertAlive();
    const key = `${projectDir}\0${outputDir}`;
    let state = this.projects.get(key);
    if (!state) {
      state = {
        projectDir,
        checker: new PythonChecker({
          projectDir,
          outputDir,
          runtimeDir: this.gunicorn.runtimeDir,
          idleMs: this.options.checkerIdleMs ?? 10 * 60_000,
        }),
        pending: new PendingChanges(),
        queue: new SerialQueue(),
      };
      this.projects.set(key, state);
    }
    return state;
  }

  private assertAlive(): void {
    if (this.disposed) throw new DomainError('failed-dependency', 'the Python toolchain was stopped');
  }
}

function formatDiagnostic(found: DiagnosticDto): string {
  return `${found.file}:${found.line}:${found.column}: ${found.severity}: ${found.message}`;
}
