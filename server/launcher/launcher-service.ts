import { notFound } from '../core/errors';
import { admits } from '../gateway/app-access';
import type { IdentityService } from '../identity/identity-service';
import type { Principal } from '../identity/principal';
import { parseAppManifest } from '../protocol/app-manifest';
import type { LauncherAppDto, LauncherDto, LauncherTenantDto } from '../protocol/launcher';
import type { AppRecords } from '../registry/app-records';
import type { PushService } from '../services/push/push-service';
import type { ServiceContracts } from '../services/service-contracts';

/** What the launcher is built from. */
export interface LauncherServiceDeps {
  identity: Pick<IdentityService, 'getUser' | 'memberships'>;
  records: Pick<AppRecords, 'liveApps' | 'appDto'>;
  contracts: Pick<ServiceContracts, 'servicesOf'>;
  push: Pick<PushService, 'launcher'>;
  warn(message: string): void;
}

/**
 * The mobile launcher's view for a signed-in user (decision 015): their organisations, the apps of
 * one that their roles admit — by the gateway's own rule, so no tile leads to "no access" — and
 * the token its push socket connects with.
 */
export class LauncherService {
  constructor(private readonly deps: LauncherServiceDeps) {}

  /** The launcher for `tenantId`, or for the user's first organisation when it is not given. */
  async view(principal: Principal, tenantId?: string): Promise<LauncherDto> {
    const user = await this.deps.identity.getUser(principal.userId);
    const memberships = await this.deps.identity.memberships(principal.userId);
    const tenants: LauncherTenantDto[] = memberships.map((m) => ({
      id: m.tenantId,
      slug: m.tenantSlug,
      name: m.tenantName,
    }));
    const chosen = tenantId === undefined ? memberships[0] : memberships.find((m) => m.tenantId === tenantId);
    if (tenantId !== undefined && !chosen)
      throw notFound('No such organisation among yours: the launcher shows only organisations you belong to.');
    const base = { user: { id: user.id, name: user.name, email: user.email }, tenants };
    if (!chosen) return { ...base, tenant: null, apps: [], push: null };
    const hasPush = (await this.deps.contracts.servicesOf(chosen.tenantId)).has('push');
    return {
      ...base,
      tenant: tenants.find((t) => t.id === chosen.tenantId) ?? null,
      apps: await this.appsFor(chosen.tenantId, chosen.roles),
      push: hasPush ? await this.deps.push.launcher(chosen.tenantId, principal.userId) : null,
    };
  }

  private async appsFor(tenantId: string, roles: readonly string[]): Promise<LauncherAppDto[]> {
    const apps: LauncherAppDto[] = [];
    for (const row of await this.deps.records.liveApps(tenantId)) {
      let manifest;
      try {
        manifest = parseAppManifest(row.manifest);
      } catch (error) {
        // Versions are checked when built; one that no longer parses is left off, not fatal.
        this.deps.warn(`launcher: app ${row.id} has an unreadable slipway.json: ${String(error)}`);
        continue;
      }
      if (!admits(manifest.access, roles)) continue;
      const { id, title, runtime, url } = this.deps.records.appDto(row);
      apps.push({ id, title, description: manifest.description, runtime, url });
    }
    return apps;
  }
}
