import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { InstanceEndpoint } from '../farm/driver';
import type { AppRoute } from '../farm/routing';

/** A slot's socket path and the socket it should lead to. */
export interface SlotLink {
  slot: string;
  target: string;
}

/** A routing table as nginx's configuration names it, and where each slot must point. */
export interface SlottedTable {
  /** The routes with Unix upstreams replaced by their slots (what the configuration lists). */
  routes: AppRoute[];
  links: SlotLink[];
}

/**
 * Stable Unix socket paths ("slots") between nginx and instances. nginx's configuration names
 * `<slots>/<appId>/<n>.sock`, a symlink the gateway swaps atomically to the instance behind it,
 * so a version switch, a wake from zero or a restarted instance changes links, not the
 * configuration, and needs no reload (a reload closes clients' idle keep-alive connections,
 * which a client may be reusing that very moment). An app scaled to zero has one slot leading
 * to the activator. Routes with TCP upstreams (Kubernetes services) are listed as they are.
 */
export class UpstreamSlots {
  /** Where each slot leads now, as far as this process set it. */
  private readonly current = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly activatorSocket: string,
  ) {}

  /** The table with slots in place of Unix upstreams, and the links that make it true. */
  plan(routes: readonly AppRoute[]): SlottedTable {
    const links: SlotLink[] = [];
    const slotted = routes.map((route): AppRoute => {
      if (route.upstreams.some((endpoint) => endpoint.kind !== 'unix')) return route;
      const targets = route.upstreams.length === 0 ? [this.activatorSocket] : route.upstreams.map(socketPathOf);
      const upstreams = targets.map((target, index): InstanceEndpoint => {
        const slot = this.slotPath(route.appId, index);
        links.push({ slot, target });
        return { kind: 'unix', path: slot };
      });
      return { ...route, upstreams };
    });
    return { routes: slotted, links };
  }

  /** Points every slot at its target; each swap is one rename, so a connect sees old or new, never nothing. */
  async point(links: readonly SlotLink[]): Promise<void> {
    for (const { slot, target } of links) {
      if (this.current.get(slot) === target) continue;
      await mkdir(path.dirname(slot), { recursive: true, mode: 0o755 });
      const temporary = `${slot}.${randomBytes(4).toString('hex')}`;
      await symlink(target, temporary);
      try {
        await rename(temporary, slot);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      this.current.set(slot, target);
    }
  }

  /** Where the slots led before a change, to point them back when the change is refused. */
  snapshot(links: readonly SlotLink[]): SlotLink[] {
    return links.flatMap(({ slot }) => {
      const target = this.current.get(slot);
      return target === undefined ? [] : [{ slot, target }];
    });
  }

  /** Removes every slot the configuration no longer names (and slots left by an earlier process). */
  async prune(keep: readonly SlotLink[]): Promise<void> {
    const kept = new Set(keep.map((link) => link.slot));
    const apps = await readdir(this.dir).catch(() => [] as string[]);
    for (const app of apps) {
      const appDir = path.join(this.dir, app);
      const entries = await readdir(appDir).catch(() => [] as string[]);
      const stale = entries.map((entry) => path.join(appDir, entry)).filter((slot) => !kept.has(slot));
      for (const slot of stale) {
        await rm(slot, { force: true });
        this.current.delete(slot);
      }
      if (stale.length === entries.length) await rm(appDir, { recursive: true, force: true });
    }
  }

  private slotPath(appId: string, index: number): string {
    return path.join(this.dir, appId, `${index}.sock`);
  }
}

function socketPathOf(endpoint: InstanceEndpoint): string {
  if (endpoint.kind !== 'unix') throw new Error('only Unix endpoints have slots');
  return endpoint.path;
}
