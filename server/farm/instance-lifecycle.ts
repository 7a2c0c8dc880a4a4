import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Emitter, type Event } from '../core/event';
import { DomainError } from '../core/errors';
import type { Selectable } from 'kysely';
import type { InstancesTable } from '../db/schema';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import type { InstanceLayout } from '../toolchain/toolchain';
import type { ServicesAttachment } from '../services/services-attachment';
import type { AppLogs } from './app-logs';
import type { VersionToServe } from './deployments';
import type { Driver, DriverExit, InstanceEndpoint } from './driver';
import { waitUntilAnswers } from './endpoint-probe';
import { parseEndpoint, type InstanceRowState, type InstanceRows } from './instance-rows';

/** An instance the farm manages, in memory; its row in `instances` mirrors it. */
export interface ManagedInstance {
  readonly id: string;
  readonly version: VersionToServe;
  state: InstanceRowState;
  handle: string | undefined;
  endpoint: InstanceEndpoint | undefined;
  restarts: number;
  /** The farm stops it on purpose (drain, scale in, retire): its end is not a crash. */
  retiring: boolean;
  /** Aborted when the current process ends, which ends a readiness wait early. */
  attempt: AbortController | undefined;
  lastExit: DriverExit | undefined;
  restartTimer: NodeJS.Timeout | undefined;
}

/** Timing and limits of single instances. */
export interface InstanceLifecycleOptions {
  driver: Driver;
  toolchains: ToolchainRegistry;
  rows: InstanceRows;
  logs: AppLogs;
  /** Host folder with one socket folder per instance. */
  runRoot: string;
  /** Host folder with one data folder per app (kept across versions). */
  appDataRoot: string;
  readyTimeoutMs: number;
  stopGraceMs: number;
  pidsLimit: number;
  /** Platform variables every instance gets on top of its launch spec's. */
  instanceEnv: Readonly<Record<string, string>>;
  /** Connects instances to the platform services (socket, token); none in farm-only tests. */
  services?: ServicesAttachment;
}

/** A recent exit of a handle not (yet) registered: a process can end before `start` returned. */
const EARLY_EXITS = 64;

/**
 * Creates, starts, health-checks and stops single instances, keeping their rows and the app log
 * up to date. Policy (how many, when to restart, routes) belongs to the Farm.
 */
export class InstanceLifecycle {
  private readonly byHandle = new Map<string, ManagedInstance>();
  private readonly earlyExits = new Map<string, DriverExit>();
  private readonly onDidCrashEmitter = new Emitter<{ instance: ManagedInstance; exit: DriverExit }>();
  /** An instance ended on its own (not stopped by the farm). */
  readonly onDidCrash: Event<{ instance: ManagedInstance; exit: DriverExit }> = this.onDidCrashEmitter.event;
  private readonly subscriptions: { dispose(): unknown }[];

  constructor(private readonly options: InstanceLifecycleOptions) {
    const { driver } = options;
    this.subscriptions = [
      driver.onDidOutput((line) => {
        const instance = this.byHandle.get(line.handle);
        if (instance) this.log(instance, line.stream, line.text);
      }),
      driver.onDidExit((exit) => this.exited(exit)),
    ];
  }

  /** A new instance of `version`: a row in state `starting`, nothing running yet. */
  async create(version: VersionToServe): Promise<ManagedInstance> {
    const id = `i${randomBytes(6).toString('hex')}`;
    await this.options.rows.insert({
      id,
      appId: version.appId,
      versionId: version.versionId,
      memoryMb: version.manifest.memory,
    });
    return {
      id,
      version,
      state: 'starting',
      handle: undefined,
      endpoint: undefined,
      restarts: 0,
      retiring: false,
      attempt: undefined,
      lastExit: undefined,
      restartTimer: undefined,
    };
  }

  /** Starts the instance's process and resolves once it answers; throws a DomainError naming why not. */
  async launch(instance: ManagedInstance, signal?: AbortSignal): Promise<void> {
    const { version } = instance;
    const layout = await this.prepareLayout(instance);
    const launch = this.options.toolchains[version.manifest.runtime].launchSpec(layout, version.manifest, 'production');
    // The launchers answer every request with the version (X-Slipway-Version) the gateway meters by.
    const env = { ...launch.env, ...this.options.instanceEnv, SLIPWAY_VERSION_ID: version.versionId };
    const grant = {
      scope: { tenantId: version.tenantId, appId: version.appId, environment: 'production' as const },
      instanceId: instance.id,
    };
    const spec = this.options.services
      ? await this.options.services.attach({ ...launch, env }, grant)
      : { ...launch, env };
    const attempt = new AbortController();
    instance.attempt = attempt;
    instance.lastExit = undefined;
    instance.state = 'starting';
    const started = await this.options.driver.start({
      instanceId: instance.id,
      appId: version.appId,
      versionId: version.versionId,
      tenantId: version.tenantId,
      spec,
      layout,
      limits: { memoryMb: version.manifest.memory, pids: this.options.pidsLimit },
    });
    if (instance.retiring) {
      // Stopped (a failed sibling, a newer version) while the driver was starting it.
      await this.options.driver.stop(started.handle, 0).catch(() => undefined);
      throw new DomainError('failed-dependency', 'the instance was stopped while it started');
    }
    instance.handle = started.handle;
    instance.endpoint = started.endpoint;
    this.register(instance);
    await this.options.rows.started(instance.id, started.handle, started.endpoint, instance.restarts);
    this.platformLine(instance, `instance ${instance.id} started (version ${version.versionNumber})`);
    await this.awaitReady(instance, attempt.signal, spec.healthPath, signal);
  }

  /** Takes over a still-running instance from a previous platform process; true if it answers. */
  async adopt(row: Selectable<InstancesTable>, version: VersionToServe): Promise<ManagedInstance | undefined> {
    const endpoint = parseEndpoint(row.endpoint);
    if (!row.handle || !endpoint) return undefined;
    const instance: ManagedInstance = {
      id: row.id,
      version,
      state: 'starting',
      handle: row.handle,
      endpoint,
      restarts: row.restarts,
      retiring: false,
      attempt: new AbortController(),
      lastExit: undefined,
      restartTimer: undefined,
    };
    this.register(instance);
    try {
      await this.awaitReady(instance, instance.attempt?.signal ?? new AbortController().signal, '/');
    } catch {
      this.byHandle.delete(row.handle);
      return undefined;
    }
    this.platformLine(instance, `instance ${instance.id} adopted after a platform restart`);
    return instance;
  }

  /** Stops the instance (gracefully unless `graceMs` is 0) and records how it ended. Idempotent. */
  async stop(instance: ManagedInstance, state: 'stopped' | 'crashed', graceMs = this.options.stopGraceMs) {
    instance.retiring = true;
    clearTimeout(instance.restartTimer);
    instance.attempt?.abort();
    const handle = instance.handle;
    instance.handle = undefined;
    if (handle) {
      this.byHandle.delete(handle);
      await this.options.driver.stop(handle, graceMs).catch(() => undefined);
    }
    if (instance.state !== 'stopped' && instance.state !== 'crashed') {
      instance.state = state;
      await this.options.rows.ended(instance.id, state);
      this.platformLine(instance, `instance ${instance.id} ${state === 'stopped' ? 'stopped' : 'removed'}`);
    }
    await rm(this.socketDirOf(instance), { recursive: true, force: true });
  }

  /** Marks the instance as draining (it leaves the routes; requests in flight finish). */
  async drain(instance: ManagedInstance): Promise<void> {
    instance.retiring = true;
    if (instance.state === 'ready' || instance.state === 'starting') {
      instance.state = 'draining';
      await this.options.rows.draining(instance.id);
    }
  }

  /** Writes a farm line into the app's log. */
  platformLine(instance: ManagedInstance, text: string): void {
    this.log(instance, 'platform', text);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.onDidCrashEmitter.dispose();
  }

  private async awaitReady(
    instance: ManagedInstance,
    processEnded: AbortSignal,
    healthPath: string,
    caller?: AbortSignal,
  ): Promise<void> {
    const signal = caller ? AbortSignal.any([processEnded, caller]) : processEnded;
    const endpoint = instance.endpoint;
    if (!endpoint) throw new DomainError('failed-dependency', 'the instance has no endpoint');
    const failure = await waitUntilAnswers(endpoint, healthPath, { timeoutMs: this.options.readyTimeoutMs, signal });
    if (failure === undefined && !processEnded.aborted) {
      instance.state = 'ready';
      await this.options.rows.ready(instance.id);
      this.platformLine(instance, `instance ${instance.id} ready`);
      return;
    }
    if (caller?.aborted) throw new DomainError('failed-dependency', 'the start was cancelled');
    const exit = instance.lastExit;
    const why = exit
      ? `the app exited during start-up (${describeExit(exit)})`
      : `the app did not answer GET ${healthPath} within ${Math.round(this.options.readyTimeoutMs / 1000)} s`;
    // Enough lines that the app's own last words survive a server's long shutdown traceback
    // (gunicorn's halt can print two nested tracebacks after the app's line).
    const output = exit?.lastOutput.slice(-40).join('\n') ?? '';
    throw new DomainError('failed-dependency', output ? `${why}; last output:\n${output}` : why, {
      instanceId: instance.id,
    });
  }

  private register(instance: ManagedInstance): void {
    if (!instance.handle) return;
    this.byHandle.set(instance.handle, instance);
    const early = this.earlyExits.get(instance.handle);
    if (early) {
      this.earlyExits.delete(instance.handle);
      this.exited(early);
    }
  }

  private exited(exit: DriverExit): void {
    const instance = this.byHandle.get(exit.handle);
    if (!instance) {
      this.earlyExits.set(exit.handle, exit);
      for (const key of this.earlyExits.keys()) if (this.earlyExits.size > EARLY_EXITS) this.earlyExits.delete(key);
      return;
    }
    this.byHandle.delete(exit.handle);
    instance.lastExit = exit;
    instance.attempt?.abort();
    if (instance.retiring) return;
    this.platformLine(instance, `instance ${instance.id} crashed (${describeExit(exit)})`);
    this.onDidCrashEmitter.fire({ instance, exit });
  }

  private async prepareLayout(instance: ManagedInstance): Promise<InstanceLayout> {
    const socketDir = this.socketDirOf(instance);
    const dataDir = path.join(this.options.appDataRoot, instance.version.appId);
    // A restarted instance reuses its folder: a socket left by the killed process must not linger.
    await rm(socketDir, { recursive: true, force: true });
    await mkdir(socketDir, { recursive: true, mode: 0o700 });
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return {
      projectDir: instance.version.artifactDir,
      outputDir: instance.version.artifactDir,
      socketDir,
      dataDir,
    };
  }

  private socketDirOf(instance: ManagedInstance): string {
    return path.join(this.options.runRoot, instance.id);
  }

  private log(instance: ManagedInstance, stream: 'stdout' | 'stderr' | 'platform', text: string): void {
    this.options.logs.append(instance.version.appId, {
      instanceId: instance.id,
      version: instance.version.versionNumber,
      stream,
      text,
    });
  }
}

/** "exit 3", "signal SIGKILL" or "exit 137". */
export function describeExit(exit: Pick<DriverExit, 'code' | 'signal'>): string {
  if (exit.signal) return `signal ${exit.signal}`;
  return exit.code === null ? 'ended' : `exit ${exit.code}`;
}
