import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { abortable } from '../core/abortable';
import { DomainError, isDomainError, notFound } from '../core/errors';
import type { AppLogLineDto, InstanceDto } from '../protocol/apps';
import { AppLogs } from './app-logs';
import type { Deployments, FarmStage, VersionToServe } from './deployments';
import type { InstanceEndpoint } from './driver';
import { DEFAULT_FARM_TIMING, type FarmOptions, type FarmTiming } from './farm-options';
import { InstanceLifecycle, type ManagedInstance } from './instance-lifecycle';
import { InstanceRows } from './instance-rows';
import { RoutePublisher } from './route-publisher';
import type { AppWaker } from './routing';
import { ServedApp, type AppServingState } from './served-app';
import { FarmScaler } from './farm-scaler';
import { reconcileInstances } from './farm-reconcile';

type ActivateOptions = Parameters<Deployments['activate']>[1];

/**
 * The farm: serves each app's active version with sealed instances through one driver, keeps the
 * gateway's routing table current, restarts crashed instances with backoff, detects crash loops,
 * scales with traffic (to zero and back) and reconciles with the database on start (decision 009).
 */
export class Farm implements Deployments, AppWaker {
  private readonly apps = new Map<string, ServedApp>();
  private readonly timing: FarmTiming;
  private readonly rows: InstanceRows;
  private readonly appLogs = new AppLogs();
  private readonly lifecycle: InstanceLifecycle;
  private readonly scaler: FarmScaler;
  private readonly background = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private readonly routePublisher: RoutePublisher;
  private disposed = false;

  constructor(private readonly options: FarmOptions) {
    this.timing = { ...DEFAULT_FARM_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
    this.rows = new InstanceRows(options.db, options.driver.name, () => new Date(this.now()));
    this.lifecycle = new InstanceLifecycle({
      driver: options.driver,
      toolchains: options.toolchains,
      rows: this.rows,
      logs: this.appLogs,
      runRoot: options.runRoot,
      appDataRoot: options.appDataRoot,
      readyTimeoutMs: this.timing.readyTimeoutMs,
      stopGraceMs: this.timing.stopGraceMs,
      pidsLimit: options.pidsLimit ?? 256,
      instanceEnv: options.instanceEnv ?? {},
      ...(options.services ? { services: options.services } : {}),
    });
    this.lifecycle.onDidCrash(({ instance }) => this.track(this.crashed(instance)));
    this.routePublisher = new RoutePublisher(
      options.routes,
      () =>
        [...this.apps.values()].flatMap((app) =>
          app.active
            ? [{ active: app.active, ready: app.ready().flatMap((i) => (i.endpoint ? [i.endpoint] : [])) }]
            : [],
        ),
      options.hostOf,
      options.log,
    );
    this.scaler = new FarmScaler({
      timing: this.timing,
      now: this.now,
      apps: () => this.apps.values(),
      scaleOut: (app) => this.track(this.startOne(app).catch(() => undefined)),
      scaleIn: (app, instances) => this.track(this.retireInstances(app, instances, 0)),
    });
  }

  /**
   * Reconciles with the database and the driver (adopt live instances of active versions, stop
   * everything else, start what is missing), pushes the routes and starts the scaler.
   */
  async start(activeVersions: readonly VersionToServe[]): Promise<void> {
    for (const version of activeVersions) this.appOf(version.appId).active = version;
    const adopted = await reconcileInstances({
      rows: this.rows,
      driver: this.options.driver,
      lifecycle: this.lifecycle,
      activeVersionOf: (appId) => this.apps.get(appId)?.active,
      log: this.options.log,
    });
    for (const instance of adopted) this.appOf(instance.version.appId).instances.set(instance.id, instance);
    await this.pushRoutesAnyway();
    await Promise.all(
      [...this.apps.values()].map(async (app) => {
        const missing = (app.active?.manifest.scaling.min ?? 0) - app.current().length;
        for (let i = 0; i < missing; i++) await this.startOne(app).catch(() => undefined);
      }),
    );
    this.scaler.start();
  }

  activate(version: VersionToServe, options: ActivateOptions): Promise<void> {
    this.assertOpen();
    return this.appOf(version.appId).serialize(() => this.runActivate(version, options));
  }

  retire(appId: string): Promise<void> {
    const app = this.apps.get(appId);
    if (!app) return Promise.resolve();
    return app.serialize(async () => {
      app.active = undefined;
      await this.retireInstances(app, [...app.instances.values()], 0);
      this.apps.delete(appId);
      this.appLogs.forget(appId);
      await this.pushRoutes();
    });
  }

  async instances(appId: string): Promise<InstanceDto[]> {
    const live = this.apps.get(appId)?.instances;
    const rows = await this.rows.listed(appId);
    return Promise.all(
      rows.map(async (row): Promise<InstanceDto> => {
        const handle = live?.get(row.id)?.handle;
        const bytes = handle ? await this.options.driver.memoryBytes?.(handle).catch(() => undefined) : undefined;
        return {
          id: row.id,
          appId: row.app_id,
          version: row.number ?? 0,
          driver: this.options.driver.name,
          state: row.state as InstanceDto['state'],
          memoryMb: bytes === undefined ? row.memory_mb : Math.round(bytes / (1024 * 1024)),
          restarts: row.restarts,
          startedAt: row.started_at,
          readyAt: row.ready_at,
        };
      }),
    );
  }

  logs(appId: string, options: { follow: boolean; signal: AbortSignal }): AsyncIterable<AppLogLineDto> {
    return this.appLogs.read(appId, options);
  }

  async wake(appId: string, signal: AbortSignal): Promise<InstanceEndpoint> {
    this.assertOpen();
    const app = this.apps.get(appId);
    if (!app?.active) throw notFound(`app ${appId} has no active version`);
    app.lastTrafficAt = Math.max(app.lastTrafficAt, this.now());
    const ready = app.ready()[0]?.endpoint;
    if (ready) return ready;
    if (app.state() === 'crash-loop') {
      throw new DomainError(
        'failed-dependency',
        `version ${app.active.versionNumber} of ${app.active.appSlug} keeps crashing; publish a fix or roll back`,
        { appId, state: 'crash-loop' },
      );
    }
    app.pendingStart ??= this.startOne(app).finally(() => (app.pendingStart = undefined));
    // The caller (a held request) may go away; the start goes on for the next one.
    return abortable(app.pendingStart, signal).catch((error: unknown) => {
      if (signal.aborted) throw new DomainError('failed-dependency', 'the request went away');
      throw error;
    });
  }

  noteTraffic(appId: string, sample: { requests: number; concurrency: number; at: number }): void {
    const app = this.apps.get(appId);
    if (!app) return;
    if (sample.requests > 0 || sample.concurrency > 0) app.lastTrafficAt = Math.max(app.lastTrafficAt, sample.at);
    app.concurrency = Math.max(0, sample.concurrency);
    this.scaler.check(app);
  }

  /** How an app stands (the activator tells "starting" from "crash-loop" from "not deployed"). */
  status(appId: string): AppServingState {
    return this.apps.get(appId)?.state() ?? 'not-deployed';
  }

  /** Resolves when background work (draining, restarts, scale steps) started so far is done. */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Stops the scaler and (unless `keepInstancesOnDispose`) every instance; idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.scaler.dispose();
    for (const app of this.apps.values())
      for (const instance of app.instances.values()) clearTimeout(instance.restartTimer);
    await this.settled();
    if (!this.options.keepInstancesOnDispose) {
      const all = [...this.apps.values()].flatMap((app) => [...app.instances.values()]);
      await Promise.all(all.map((instance) => this.lifecycle.stop(instance, 'stopped')));
    }
    this.lifecycle.dispose();
    this.appLogs.dispose();
  }

  private async runActivate(version: VersionToServe, options: ActivateOptions): Promise<void> {
    await this.checkVersion(version);
    this.scaler.start(); // also when the registry activates before `start` (tests, first boot)
    const app = this.appOf(version.appId);
    const count = Math.max(1, version.manifest.scaling.min);
    const fresh: ManagedInstance[] = [];
    let stage: FarmStage = 'start';
    try {
      options.progress('start', 'started');
      for (let i = 0; i < count; i++) fresh.push(await this.lifecycle.create(version));
      for (const instance of fresh) app.instances.set(instance.id, instance);
      const launched = fresh.map((instance) => this.lifecycle.launch(instance, options.signal));
      // The first failure ends the wait and retires the others, whose launches then fail quietly.
      for (const launch of launched) launch.catch(() => undefined);
      options.progress('start', 'done', `${count} instance${count === 1 ? '' : 's'}`);
      stage = 'health';
      options.progress('health', 'started');
      await Promise.all(launched);
      options.progress('health', 'done');
      stage = 'switch';
      options.progress('switch', 'started');
      options.signal?.throwIfAborted();
      await options.commit();
    } catch (error) {
      await this.retireInstances(app, fresh, 0, 'crashed');
      throw stageError(stage, error);
    }
    const previous = app.active;
    app.active = version;
    app.crashLoopVersion = undefined;
    app.lastTrafficAt = this.now();
    await this.rows.setVersionHealth(version.versionId, 'healthy');
    // The version is committed and healthy; a table the gateway refuses is still a failed switch
    // (the old instances keep serving; the next change pushes the whole table again).
    await this.pushRoutes().catch((error: unknown) => {
      throw stageError('switch', error);
    });
    options.log?.(`version ${version.versionNumber} is serving with ${count} instance(s)`);
    // Everything but the new instances: the old version's, and those of this very version
    // started before (re-activating the active version replaces its instances).
    const old = [...app.instances.values()].filter((instance) => !fresh.includes(instance));
    if (previous && previous.versionId !== version.versionId) {
      this.options.log.info(
        `farm: ${version.appSlug} switched from v${previous.versionNumber} to v${version.versionNumber}`,
      );
    }
    this.track(this.retireInstances(app, old, this.timing.drainMs));
    options.progress('switch', 'done');
  }

  /** Starts one instance of the app's active version and resolves with its endpoint once it answers. */
  private async startOne(app: ServedApp): Promise<InstanceEndpoint> {
    const version = app.active;
    if (!version) throw notFound(`app ${app.appId} has no active version`);
    const instance = await this.lifecycle.create(version);
    app.instances.set(instance.id, instance);
    try {
      await this.lifecycle.launch(instance);
    } catch (error) {
      await this.retireInstances(app, [instance], 0, 'crashed');
      throw error;
    }
    if (app.active?.versionId !== version.versionId) {
      // Another version was activated meanwhile: this one must not linger unrouted.
      await this.retireInstances(app, [instance], 0);
      return app.ready()[0]?.endpoint ?? this.startOne(app);
    }
    app.lastTrafficAt = Math.max(app.lastTrafficAt, this.now());
    // The caller (the activator) proxies its held request to the endpoint itself: it need not wait
    // for nginx's reload (~150 ms here), which routes the requests after it.
    this.track(this.pushRoutes());
    if (!instance.endpoint) throw new DomainError('failed-dependency', 'the instance has no endpoint');
    return instance.endpoint;
  }

  /** Takes instances out of the routes, lets requests in flight finish for `drainMs`, then stops them. */
  private async retireInstances(
    app: ServedApp,
    instances: readonly ManagedInstance[],
    drainMs: number,
    state: 'stopped' | 'crashed' = 'stopped',
  ): Promise<void> {
    if (instances.length === 0) return;
    const wasRouted = instances.some((instance) => instance.state === 'ready');
    for (const instance of instances) await this.lifecycle.drain(instance);
    if (wasRouted) await this.pushRoutesAnyway();
    if (drainMs > 0) await sleep(drainMs);
    await Promise.all(instances.map((instance) => this.lifecycle.stop(instance, state)));
    for (const instance of instances) app.instances.delete(instance.id);
  }

  private async crashed(instance: ManagedInstance): Promise<void> {
    const app = this.apps.get(instance.version.appId);
    const wasReady = instance.state === 'ready';
    instance.state = 'starting'; // out of the routes until it answers again
    if (wasReady) {
      await this.rows.ended(instance.id, 'crashed');
      await this.pushRoutesAnyway();
    }
    // A start in progress (activate, wake) handles its own failure.
    if (!wasReady || !app || instance.version.versionId !== app.active?.versionId || this.disposed) return;
    await this.afterExit(app, instance);
  }

  private async afterExit(app: ServedApp, instance: ManagedInstance): Promise<void> {
    if (app.crashLoopVersion === instance.version.versionId) {
      await this.retireInstances(app, [instance], 0, 'crashed'); // its version already gave up
      return;
    }
    const verdict = app.restartPolicy(instance.version.versionId, this.timing).recordExit(this.now());
    if (verdict.kind === 'crash-loop') {
      await this.crashLoop(app, instance, verdict.exits);
      return;
    }
    this.lifecycle.platformLine(instance, `restarting instance ${instance.id} in ${verdict.afterMs} ms`);
    instance.restartTimer = setTimeout(() => this.track(this.restart(app, instance)), verdict.afterMs);
  }

  private async restart(app: ServedApp, instance: ManagedInstance): Promise<void> {
    if (instance.retiring || this.disposed) return;
    if (instance.handle) await this.options.driver.stop(instance.handle, 0).catch(() => undefined);
    instance.restarts += 1;
    try {
      await this.lifecycle.launch(instance);
      await this.pushRoutesAnyway();
    } catch (error) {
      if (instance.retiring || this.disposed) return;
      this.options.log.warn(`farm: restart of ${instance.id} failed: ${errorText(error)}`);
      await this.afterExit(app, instance);
    }
  }

  private async crashLoop(app: ServedApp, instance: ManagedInstance, exits: number): Promise<void> {
    const version = instance.version;
    app.crashLoopVersion = version.versionId;
    this.options.log.warn(`farm: ${version.appSlug} v${version.versionNumber} is crash-looping (${exits} exits)`);
    this.lifecycle.platformLine(instance, `version ${version.versionNumber} keeps crashing: no more restarts`);
    await this.rows.setVersionHealth(version.versionId, 'unhealthy');
    await this.retireInstances(app, [instance], 0, 'crashed');
    await this.pushRoutesAnyway();
    const switched = await this.options
      .switchBack?.(app.appId, { versionId: version.versionId, versionNumber: version.versionNumber })
      .catch((error: unknown) => {
        this.options.log.error(`farm: switching ${version.appSlug} back failed`, error);
        return false;
      });
    if (switched) this.options.log.info(`farm: ${version.appSlug} switched back from v${version.versionNumber}`);
  }

  private pushRoutes(): Promise<void> {
    return this.routePublisher.push();
  }

  /**
   * For changes that must go on when the gateway refuses a table (taking instances out, restarts,
   * boot): the refusal is logged by the publisher, and the next change pushes the whole table again.
   */
  private pushRoutesAnyway(): Promise<void> {
    return this.pushRoutes().catch(() => undefined);
  }

  private async checkVersion(version: VersionToServe): Promise<void> {
    if (!path.isAbsolute(version.artifactDir)) throw new DomainError('invalid-input', 'artifactDir must be absolute');
    await access(version.artifactDir).catch(() => {
      throw new DomainError('invalid-input', `start: the artifact of version ${version.versionNumber} is missing`);
    });
    if (!Object.hasOwn(this.options.toolchains, version.manifest.runtime)) {
      throw new DomainError('unsupported', `start: no toolchain for runtime ${version.manifest.runtime}`);
    }
  }

  private appOf(appId: string): ServedApp {
    let app = this.apps.get(appId);
    if (!app) this.apps.set(appId, (app = new ServedApp(appId, this.now())));
    return app;
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.log.error('farm: background work failed', error));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private assertOpen(): void {
    if (this.disposed) throw new DomainError('conflict', 'the farm is shutting down');
  }
}

function stageError(stage: FarmStage, error: unknown): DomainError {
  const code = isDomainError(error) && error.code !== 'failed-dependency' ? error.code : 'failed-dependency';
  return new DomainError(code, `${stage}: ${errorText(error)}`, { stage });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
