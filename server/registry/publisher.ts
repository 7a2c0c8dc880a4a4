import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Disposable } from '../core/disposable';
import { DomainError, isDomainError } from '../core/errors';
import type { Deployments, FarmStage, VersionToServe } from '../farm/deployments';
import { newId } from '../identity/tokens';
import type { AppManifest } from '../protocol/app-manifest';
import type { PublishEvent, PublishStage, VersionSource } from '../protocol/apps';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import type { ArtifactStore } from './artifact-store';
import {
  operationDto,
  versionDto,
  type AppRecords,
  type AppRow,
  type OperationRow,
  type VersionRow,
} from './app-records';
import type { PreparedSource } from './publish-sources';

/** One publish to run: the app it publishes and how to get its files (the `commit` stage). */
export interface PublishJob {
  app: AppRow;
  userId: string;
  source: VersionSource;
  /** Produces the folder to build inside `workDir` (commit + checkout, or an unpacked upload). */
  prepare: (workDir: string, log: (line: string) => void) => Promise<PreparedSource>;
  /** Runs after the publish ended, either way (releases what the job holds). */
  cleanup?: () => Promise<void>;
}

/** What the publisher needs. */
export interface PublisherDeps {
  records: AppRecords;
  artifacts: ArtifactStore;
  toolchains: ToolchainRegistry;
  deployments: Deployments;
  /** Scratch space for checkouts and build outputs; emptied on start. */
  workRoot: string;
}

const MAX_LOG_LINES = 5_000;
const REGISTRY_STAGES: readonly PublishStage[] = ['commit', 'build', 'package', 'store'];

/** A publish that failed at a stage: its message is what the IDE and CLI show. */
class StageFailure extends Error {
  constructor(
    readonly stage: PublishStage,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs publishes: commit → build → package → store here, then start → health → switch in the
 * farm, which calls back to record the version as active only once its instances answer. A
 * failed stage leaves the serving version as it was; one publish per app at a time.
 */
export class Publisher implements Disposable {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: PublisherDeps) {}

  /**
   * Call once at start, before any publish: empties the scratch space (a crash may have left
   * checkouts), settles interrupted publishes, and deletes artifacts no version refers to (a crash
   * between packaging and recording the version). Returns how many artifacts it deleted.
   */
  async recover(): Promise<number> {
    await rm(this.deps.workRoot, { recursive: true, force: true });
    await mkdir(this.deps.workRoot, { recursive: true });
    await this.deps.records.settleInterrupted();
    let collected = 0;
    for (const hash of await this.deps.artifacts.list()) {
      if (await this.deps.records.artifactInUse(hash)) continue;
      await this.deps.artifacts.remove(hash);
      collected++;
    }
    return collected;
  }

  /** Whether a publish (or a rollback) of the app is under way. */
  isBusy(appId: string): boolean {
    return this.running.has(appId);
  }

  /**
   * Claims the app for one change (publish, rollback, promote); a second claim is a conflict.
   * Returns the signal that aborts it on shutdown and the release function.
   */
  claim(appId: string): { signal: AbortSignal; release: () => void } {
    if (this.running.has(appId)) {
      throw new DomainError('conflict', 'A publish or rollback of this app is already running.', {
        reason: 'publish-running',
      });
    }
    const controller = new AbortController();
    this.running.set(appId, controller);
    return { signal: controller.signal, release: () => void this.running.delete(appId) };
  }

  /** Runs a job the caller has claimed; reports every step to `emit`. Never throws for a failed stage. */
  async run(job: PublishJob, signal: AbortSignal, emit: (event: PublishEvent) => void): Promise<void> {
    const workDir = path.join(this.deps.workRoot, newId());
    const run = new PublishRun(this.deps, job, signal, emit);
    try {
      await mkdir(workDir, { recursive: true });
      await run.execute(workDir);
    } finally {
      await rm(workDir, { recursive: true, force: true });
      await job.cleanup?.();
    }
  }

  /** Aborts running publishes (their farm stages stop; nothing switches). */
  dispose(): void {
    for (const controller of this.running.values()) controller.abort(new Error('the platform is stopping'));
  }
}

// The state of one publish while it runs.
class PublishRun {
  private operation: OperationRow | undefined;
  private version: VersionRow | undefined;
  private stage: PublishStage = 'commit';
  private readonly logLines: string[] = [];
  private persisting: Promise<void> = Promise.resolve();

  private finished = false;
  private readonly emit: (event: PublishEvent) => void;

  constructor(
    private readonly deps: PublisherDeps,
    private readonly job: PublishJob,
    private readonly signal: AbortSignal,
    emit: (event: PublishEvent) => void,
  ) {
    // Callbacks handed to the farm (log, progress) may fire after the end: nothing follows `done`/`failed`.
    this.emit = (event) => {
      if (this.finished) return;
      if (event.type === 'done' || event.type === 'failed') this.finished = true;
      emit(event);
    };
  }

  async execute(workDir: string): Promise<void> {
    try {
      this.operation = await this.deps.records.startOperation(this.job.app.id, this.job.userId);
      this.begin('commit');
      const source = await this.job.prepare(path.join(workDir, 'source'), this.log);
      this.done('commit', source.commit ?? `${this.job.source} upload`);
      this.version = await this.deps.records.createVersion({
        appId: this.job.app.id,
        source: this.job.source,
        commit: source.commit,
        manifest: JSON.stringify(source.manifest),
        createdBy: this.job.userId,
      });
      await this.moveTo('build');
      const outputDir = await this.build(source, path.join(workDir, 'output'));
      await this.moveTo('package');
      const artifact = await this.deps.artifacts.pack(outputDir, this.log);
      this.done('package', `${artifact.bytes} bytes`);
      await this.moveTo('store');
      await this.deps.records.finishVersion(this.version.id, { state: 'ready', buildLog: this.buildLog(), artifact });
      const artifactDir = await this.deps.artifacts.unpacked(artifact.hash);
      this.done('store', `sha256:${artifact.hash}`);
      await this.serve(source.manifest, artifactDir);
      await this.succeed();
    } catch (error) {
      await this.fail(error);
    }
  }

  private readonly log = (line: string): void => {
    if (this.finished) return;
    if (this.logLines.length < MAX_LOG_LINES) this.logLines.push(line);
    this.emit({ type: 'log', line });
  };

  private async build(source: PreparedSource, outputDir: string): Promise<string> {
    if (source.prebuilt) {
      this.done('build', 'prebuilt web application');
      return source.dir;
    }
    const toolchain = this.deps.toolchains[source.manifest.runtime];
    try {
      const result = await toolchain.build({
        projectDir: source.dir,
        outputDir,
        manifest: source.manifest,
        signal: this.signal,
        log: this.log,
      });
      const errors = result.diagnostics.filter((found) => found.severity === 'error');
      for (const found of errors) this.log(`${found.file}:${found.line}:${found.column}: ${found.message}`);
      if (!result.ok) {
        const first = errors[0];
        const where = first ? ` (first: ${first.file}:${first.line}: ${first.message})` : '';
        throw new StageFailure('build', `The build failed with ${errors.length} error(s)${where}.`);
      }
    } finally {
      // The checkout is thrown away: nothing warm should stay for it.
      await toolchain.releaseProject?.(source.dir);
    }
    this.done('build');
    return outputDir;
  }

  private async serve(manifest: AppManifest, artifactDir: string): Promise<void> {
    const app = this.job.app;
    const version = this.version!;
    const toServe: VersionToServe = {
      appId: app.id,
      tenantId: app.tenant_id,
      appSlug: app.slug,
      tenantSlug: app.tenant_slug,
      versionId: version.id,
      versionNumber: version.number,
      manifest,
      artifactDir,
    };
    try {
      await this.deps.deployments.activate(toServe, {
        commit: () => this.deps.records.activate(app.id, version.id),
        progress: (stage, state, detail) => void this.farmProgress(stage, state, detail),
        log: this.log,
        signal: this.signal,
      });
    } catch (error) {
      await this.deps.records.setHealth(version.id, 'unhealthy');
      throw new StageFailure(this.stage, messageOf(error));
    }
  }

  private async farmProgress(stage: FarmStage, state: 'started' | 'done', detail?: string): Promise<void> {
    if (state === 'started') await this.moveTo(stage, detail).catch(() => undefined);
    else this.done(stage, detail);
  }

  /** Emits at once (farm callbacks are synchronous); the operation row follows in order. */
  private async moveTo(stage: PublishStage, detail?: string): Promise<void> {
    this.begin(stage, detail);
    const change = this.stageChange();
    this.persisting = this.persisting.then(async () => {
      if (this.operation) this.operation = await this.deps.records.updateOperation(this.operation, change);
    });
    await this.persisting;
  }

  private stageChange(): { stage: PublishStage; versionId?: string } {
    return this.version ? { stage: this.stage, versionId: this.version.id } : { stage: this.stage };
  }

  private begin(stage: PublishStage, detail?: string): void {
    this.stage = stage;
    this.emit({ type: 'stage', stage, state: 'started', ...(detail ? { detail } : {}) });
  }

  private done(stage: PublishStage, detail?: string): void {
    this.emit({ type: 'stage', stage, state: 'done', ...(detail ? { detail } : {}) });
  }

  private async succeed(): Promise<void> {
    const { records } = this.deps;
    await this.persisting;
    this.operation = await records.updateOperation(this.operation!, { state: 'succeeded' });
    const app = (await records.app(this.job.app.id))!;
    const version = (await records.versionById(this.version!.id))!;
    const dto = records.appDto(app);
    this.emit({
      type: 'done',
      operation: operationDto(this.operation, version.number, dto.url),
      app: dto,
      version: versionDto(version, app.active_version_id),
    });
  }

  private async fail(error: unknown): Promise<void> {
    const stage = error instanceof StageFailure ? error.stage : this.stage;
    const detail = messageOf(error);
    if (!(error instanceof StageFailure) && !isDomainError(error) && !this.signal.aborted) {
      this.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    const { records } = this.deps;
    try {
      await this.persisting.catch(() => undefined);
      if (this.version && REGISTRY_STAGES.includes(stage)) {
        await records.finishVersion(this.version.id, { state: 'failed', buildLog: this.buildLog() });
      } else if (this.version) {
        await this.appendLog(this.version.id);
      }
      if (this.operation)
        this.operation = await records.updateOperation(this.operation, { state: 'failed', error: detail });
    } finally {
      this.emit({ type: 'stage', stage, state: 'failed', detail });
      const operation = this.operation ?? transientOperation(this.job.app.id, stage, detail);
      this.emit({
        type: 'failed',
        operation: operationDto(operation, this.version?.number ?? null, null),
        stage,
        detail,
      });
    }
  }

  // A version whose instances never answered keeps its artifact; its log says why it did not serve.
  private async appendLog(versionId: string): Promise<void> {
    const row = await this.deps.records.versionById(versionId);
    if (row?.state !== 'ready' || !row.artifact_hash || row.artifact_bytes === null) return;
    await this.deps.records.finishVersion(versionId, {
      state: 'ready',
      buildLog: this.buildLog(),
      artifact: { hash: row.artifact_hash, bytes: row.artifact_bytes },
    });
  }

  private buildLog(): string {
    return this.logLines.join('\n');
  }
}

function transientOperation(appId: string, stage: PublishStage, error: string): OperationRow {
  const now = new Date().toISOString();
  return {
    id: newId(),
    app_id: appId,
    version_id: null,
    stage,
    state: 'failed',
    error,
    created_by: '',
    started_at: now,
    finished_at: now,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
