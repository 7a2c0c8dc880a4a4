import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { DomainError } from '../core/errors';
import type { AppRoute, RouteSink } from '../farm/routing';
import { renderNginxConfig, type NginxConfigOptions } from './nginx-config';
import type { NginxProcess } from './nginx-process';
import type { UpstreamSlots } from './upstream-slots';

/** What the router needs: the nginx child and how to render its configuration. */
export interface GatewayRouterOptions {
  nginx: NginxProcess;
  config: NginxConfigOptions;
  /** Stable socket paths nginx names, swapped to instances without a reload. */
  slots: UpstreamSlots;
  /** How long apply() waits for new workers after a reload (default 15 s). */
  reloadTimeoutMs?: number;
}

interface PendingApply {
  routes: readonly AppRoute[];
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * The gateway's routing table. nginx's configuration names apps, hosts and slots (see
 * UpstreamSlots), not instances or versions: a table that changes only which instances serve
 * (a version switch, a wake, a restart) just swaps slot links. Any other change renders the
 * whole configuration, checks it with `nginx -t`, renames it into place, reloads gracefully and
 * resolves once new workers serve it. A configuration nginx rejects never replaces the working
 * one. Applies run one at a time; tables pushed while one runs are coalesced into the newest.
 */
export class GatewayRouter implements RouteSink {
  private generation = 0;
  private table: readonly AppRoute[] = [];
  /** The configuration nginx serves, rendered without its generation: what a reload would change. */
  private shape: string | undefined;
  private byHost = new Map<string, AppRoute>();
  private byApp = new Map<string, AppRoute>();
  private pending: PendingApply | undefined;
  private running = false;

  constructor(private readonly options: GatewayRouterOptions) {}

  /** Writes the configuration for the current table without reloading (before nginx first starts). */
  async writeInitialConfig(): Promise<void> {
    const plan = this.options.slots.plan(this.table);
    await this.options.slots.prune(plan.links);
    await this.options.slots.point(plan.links);
    await this.writeChecked(plan.routes, ++this.generation);
    this.shape = renderNginxConfig(plan.routes, 0, this.options.config);
  }

  apply(routes: readonly AppRoute[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending ??= { routes, waiters: [] };
      this.pending.routes = routes;
      this.pending.waiters.push({ resolve, reject });
      void this.drain();
    });
  }

  /** The route served on a host name (lower case, no port). */
  routeByHost(host: string): AppRoute | undefined {
    return this.byHost.get(host);
  }

  routeOf(appId: string): AppRoute | undefined {
    return this.byApp.get(appId);
  }

  /** The table nginx serves (or is being reloaded to). */
  get routes(): readonly AppRoute[] {
    return this.table;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending) {
        const batch = this.pending;
        this.pending = undefined;
        try {
          await this.applyNow(batch.routes);
          for (const waiter of batch.waiters) waiter.resolve();
        } catch (error) {
          for (const waiter of batch.waiters) waiter.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async applyNow(routes: readonly AppRoute[]): Promise<void> {
    const { slots } = this.options;
    const plan = slots.plan(routes);
    const shape = renderNginxConfig(plan.routes, 0, this.options.config);
    if (shape === this.shape) {
      await slots.point(plan.links);
      this.setTable(routes);
      return;
    }
    const generation = ++this.generation;
    const previousText = await readFile(this.options.nginx.configFile, 'utf8');
    const previousTable = this.table;
    const previousLinks = slots.snapshot(plan.links);
    await this.writeChecked(plan.routes, generation);
    this.setTable(routes);
    try {
      await slots.point(plan.links);
      this.options.nginx.reload();
      await this.waitForGeneration(generation);
    } catch (error) {
      // nginx keeps its old configuration when a reload fails; the file and the slots must say the same.
      await this.replaceConfig(previousText);
      await slots.point(previousLinks);
      this.setTable(previousTable);
      throw error;
    }
    this.shape = shape;
    await slots.prune(plan.links);
  }

  private async writeChecked(routes: readonly AppRoute[], generation: number): Promise<void> {
    const text = renderNginxConfig(routes, generation, this.options.config);
    const candidate = `${this.options.nginx.configFile}.${generation}.${randomBytes(4).toString('hex')}`;
    try {
      await writeFile(candidate, text, { mode: 0o600 });
      await this.options.nginx.test(candidate);
      await rename(candidate, this.options.nginx.configFile);
    } finally {
      await rm(candidate, { force: true });
    }
  }

  private async replaceConfig(text: string): Promise<void> {
    const temporary = `${this.options.nginx.configFile}.restore`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, this.options.nginx.configFile);
  }

  private setTable(routes: readonly AppRoute[]): void {
    this.table = routes;
    this.byHost = new Map(routes.map((route) => [route.host, route]));
    this.byApp = new Map(routes.map((route) => [route.appId, route]));
  }

  private async waitForGeneration(generation: number): Promise<void> {
    const deadline = Date.now() + (this.options.reloadTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      const served = await this.options.nginx.servedGeneration();
      // Old workers may accept a connection or two until they close their listeners.
      if (served !== null && served >= generation) {
        if ((await this.options.nginx.acceptingWorkers()) <= this.options.config.workerProcesses) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new DomainError('failed-dependency', `nginx did not take up configuration ${generation} after a reload.`);
  }
}
