import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isDomainError } from '../core/errors';
import { Emitter, type Event } from '../core/event';
import type { AppManifest } from '../protocol/app-manifest';
import { parseAppManifest } from '../protocol/app-manifest';
import type { BuildSummaryDto, PreviewServerMessage, PreviewState, PreviewStatusDto } from '../protocol/preview';
import { describeExit, InstanceProcess } from '../runtime/instance-process';
import type { ServicesAttachment } from '../services/services-attachment';
import type { InstanceLayout, Toolchain } from '../toolchain/toolchain';
import { ProjectFiles } from '../workspace/file-service';
import type { SandboxIdentityFiles } from '../workspace/sandbox';
import { LogBuffer } from './log-buffer';
import { ProjectWatcher } from './project-watcher';

/** The project a preview runs, and where its instance keeps its files. */
export interface PreviewTarget {
  projectId: string;
  tenantId: string;
  projectDir: string;
  runDir: string;
  url: string;
}

const START_TIMEOUT_MS = 30_000;
/**
 * Type checks (pyright: a second of CPU) start this long after a good build, so they do not
 * compete with the frame's reload and paint on a small machine; a newer change cancels them.
 */
const TYPE_CHECK_DELAY_MS = 400;
const MANIFEST = 'slipway.json';

/**
 * One project's preview: builds on every change (a newer change aborts the running build),
 * starts the instance after the first good build, swaps in each later good build without a
 * restart, and keeps the last good build serving when a build fails.
 */
export class PreviewSession {
  private state: PreviewState = 'stopped';
  private reason: string | null = null;
  private generation = 0;
  private lastBuild: BuildSummaryDto | null = null;
  private buildCounter = 0;
  private instance: InstanceProcess | undefined;
  private manifest: AppManifest | undefined;
  private watcher: ProjectWatcher | undefined;
  private pending = new Set<string>();
  private fullRebuild = true;
  private current: AbortController | undefined;
  private typeCheck: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly onDidEmitEmitter = new Emitter<PreviewServerMessage>();
  /** Everything the IDE should hear about: status, builds, reloads, log lines. */
  readonly onDidEmit: Event<PreviewServerMessage> = this.onDidEmitEmitter.event;
  readonly logs = new LogBuffer();

  constructor(
    readonly target: PreviewTarget,
    private readonly toolchainFor: (runtime: AppManifest['runtime']) => Toolchain,
    private readonly identityFiles?: SandboxIdentityFiles,
    private readonly services?: ServicesAttachment,
  ) {
    this.logs.onDidAppend((entry) => this.onDidEmitEmitter.fire({ type: 'logs', entries: [entry] }));
  }

  status(): PreviewStatusDto {
    return {
      projectId: this.target.projectId,
      state: this.state,
      reason: this.reason,
      url: this.state === 'stopped' ? null : this.target.url,
      lastBuild: this.lastBuild,
      generation: this.generation,
    };
  }

  /** The instance's process id while one exists (its sandbox's process group). */
  get instancePid(): number | undefined {
    return this.instance && !this.instance.exit ? this.instance.pid : undefined;
  }

  /** The host path of the instance's HTTP socket while it serves. */
  get socketPath(): string | undefined {
    return this.state === 'running' ? this.instance?.hostSocketPath : undefined;
  }

  /** Starts watching and building; resolves when the first build and start have finished. */
  async start(): Promise<PreviewStatusDto> {
    if (this.state === 'running' || this.state === 'starting') return this.status();
    // From stopped, failed or crashed alike: Run means a fresh full build and a new instance.
    this.setState('starting', null);
    if (!this.watcher) {
      this.watcher = new ProjectWatcher(this.target.projectDir);
      this.watcher.onDidChange((paths) => this.schedule(paths));
    }
    this.fullRebuild = true;
    this.schedule([]);
    await this.loop;
    return this.status();
  }

  async stop(): Promise<void> {
    this.watcher?.dispose();
    this.watcher = undefined;
    this.current?.abort();
    this.typeCheck?.abort();
    await this.loop;
    await this.instance?.dispose();
    this.instance = undefined;
    if (this.manifest) await this.toolchainFor(this.manifest.runtime).releaseProject?.(this.target.projectDir);
    this.setState('stopped', null);
  }

  /** Records a console message the app's page logged in the IDE's frame. */
  recordConsole(level: string, text: string): void {
    this.logs.append('console', `[${level}] ${text}`);
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.logs.dispose();
    this.onDidEmitEmitter.dispose();
  }

  private schedule(paths: string[]): void {
    for (const changed of paths) {
      if (changed === MANIFEST) this.fullRebuild = true;
      this.pending.add(changed);
    }
    // A newer change makes the running build and type check moot: free their CPU at once.
    this.current?.abort();
    this.typeCheck?.abort();
    this.loop ??= this.runBuilds().finally(() => (this.loop = undefined));
  }

  private async runBuilds(): Promise<void> {
    while ((this.pending.size > 0 || this.fullRebuild) && this.watcher) {
      const changed = [...this.pending];
      const full = this.fullRebuild;
      this.pending.clear();
      this.fullRebuild = false;
      const controller = new AbortController();
      this.current = controller;
      try {
        await this.buildAndServe(full ? undefined : changed, controller.signal);
      } catch (error) {
        this.fail(error);
      }
    }
    this.current = undefined;
  }

  private async buildAndServe(changedPaths: string[] | undefined, signal: AbortSignal): Promise<void> {
    if (changedPaths === undefined) {
      this.manifest = await this.readManifest();
      await this.instance?.dispose();
      this.instance = undefined;
    }
    const manifest = this.manifest ?? (await this.readManifest());
    const toolchain = this.toolchainFor(manifest.runtime);
    const id = ++this.buildCounter;
    const started = Date.now();
    this.onDidEmitEmitter.fire({ type: 'build-started', buildId: id });
    const result = await toolchain
      .build({
        projectDir: this.target.projectDir,
        outputDir: this.layout().outputDir,
        manifest,
        ...(changedPaths ? { changedPaths } : {}),
        ...(this.instance && !this.instance.exit ? { instance: this.instance } : {}),
        signal,
        log: (line) => this.logs.append('build', line),
      })
      .catch((error: unknown) => {
        // Toolchains reject with the abort reason when a newer change superseded the build.
        if (signal.aborted) return { ok: false, diagnostics: [] };
        throw error;
      });
    const outcome = signal.aborted ? 'cancelled' : result.ok ? 'succeeded' : 'failed';
    const build: BuildSummaryDto = {
      id,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      outcome,
      diagnostics: result.diagnostics,
    };
    if (outcome !== 'cancelled') this.lastBuild = build;
    if (outcome === 'succeeded') await this.serve(toolchain, manifest);
    build.durationMs = Date.now() - started;
    this.onDidEmitEmitter.fire({ type: 'build-finished', build });
    if (outcome === 'succeeded') {
      this.onDidEmitEmitter.fire({ type: 'reloaded', buildId: id, generation: this.generation });
      this.checkTypes(toolchain, build);
    } else if (outcome === 'failed' && !this.instance) {
      this.setState('failed', 'The build failed; fix the errors in Problems.');
    }
  }

  /**
   * Adds the slower type-check findings to a good build once the new code already serves; a
   * newer build cancels the check. The IDE receives the build again with the merged list.
   */
  private checkTypes(toolchain: Toolchain, build: BuildSummaryDto): void {
    const check = toolchain.checkTypes?.bind(toolchain);
    if (!check) return;
    this.typeCheck?.abort();
    const controller = new AbortController();
    this.typeCheck = controller;
    delay(TYPE_CHECK_DELAY_MS, controller.signal)
      .then(() => check({ projectDir: this.target.projectDir, signal: controller.signal }))
      .then((found) => {
        if (controller.signal.aborted || this.lastBuild !== build) return;
        build.diagnostics = [...build.diagnostics.filter((d) => d.source !== 'pyright'), ...found];
        this.onDidEmitEmitter.fire({ type: 'build-finished', build });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) this.logs.append('platform', `Type check failed: ${String(error)}`);
      });
  }

  /** Starts the instance on the first good build, hot-swaps every later one. */
  private async serve(toolchain: Toolchain, manifest: AppManifest): Promise<void> {
    if (this.instance && !this.instance.exit) {
      await toolchain.reload(this.instance, manifest);
    } else {
      await this.launch(toolchain, manifest);
    }
    this.generation++;
    this.setState('running', null);
  }

  private async launch(toolchain: Toolchain, manifest: AppManifest): Promise<void> {
    const layout = this.layout();
    await rm(layout.socketDir, { recursive: true, force: true });
    for (const dir of [layout.outputDir, layout.socketDir, layout.dataDir]) await mkdir(dir, { recursive: true });
    const spec = toolchain.launchSpec(layout, manifest, 'preview');
    // A project's preview uses its own preview data, apart from any published app's production data.
    const grant = {
      scope: { tenantId: this.target.tenantId, appId: this.target.projectId, environment: 'preview' as const },
      instanceId: `preview-${this.target.projectId}`,
    };
    const instance = new InstanceProcess(
      layout,
      this.services ? await this.services.attach(spec, grant) : spec,
      this.identityFiles ? { identityFiles: this.identityFiles } : {},
    );
    this.instance = instance;
    instance.onDidOutput((line) => {
      if (isAccessLog(line.text)) this.logs.append('access', line.text.slice(ACCESS_MARKER.length));
      else if (!line.text.startsWith(CONTROL_MARKER)) this.logs.append(line.stream, line.text);
    });
    instance.onDidExit((exit) => {
      if (this.instance !== instance || this.state === 'stopped') return;
      this.logs.append('platform', `The app stopped (${describeExit(exit)}); it restarts on the next save or Run.`);
      this.setState('crashed', `The app stopped (${describeExit(exit)}). See Output for its log.`);
    });
    await instance.waitUntilReady(START_TIMEOUT_MS);
  }

  private layout(): InstanceLayout {
    return {
      projectDir: this.target.projectDir,
      outputDir: path.join(this.target.runDir, 'build'),
      socketDir: path.join(this.target.runDir, 'sockets'),
      dataDir: path.join(this.target.runDir, 'data'),
    };
  }

  /** Reads slipway.json through the contained file API: a symlinked manifest cannot escape. */
  private async readManifest(): Promise<AppManifest> {
    const files = new ProjectFiles({
      root: this.target.projectDir,
      limits: {
        maxFileBytes: 64 * 1024,
        maxProjectBytes: Number.MAX_SAFE_INTEGER,
        maxEntries: Number.MAX_SAFE_INTEGER,
      },
    });
    return parseAppManifest((await files.read(MANIFEST)).toString('utf8'));
  }

  private fail(error: unknown): void {
    const message = isDomainError(error) ? error.message : 'The preview failed unexpectedly; see Output.';
    this.logs.append('platform', isDomainError(error) ? message : String(error));
    if (!this.instance || this.instance.exit) this.setState('failed', message);
  }

  private setState(state: PreviewState, reason: string | null): void {
    this.state = state;
    this.reason = reason;
    this.onDidEmitEmitter.fire({ type: 'status', status: this.status() });
  }
}

// Launchers mark their own lines: access-log lines go to the Output panel's access stream, the
// control channel's replies (ready, compiled, reloaded) are for the toolchain only.
const CONTROL_MARKER = '@slipway ';
const ACCESS_MARKER = '@slipway access ';

function isAccessLog(text: string): boolean {
  return text.startsWith(ACCESS_MARKER);
}

/** Resolves after `ms`, or rejects with the abort reason when `signal` aborts first. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
