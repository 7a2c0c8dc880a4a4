import type { VersionToServe } from './deployments';
import type { InstanceEndpoint } from './driver';
import type { AppRoute } from './routing';

/** One app as the routing table needs it: its active version and the endpoints that are ready. */
export interface RoutedApp {
  active: VersionToServe;
  ready: readonly InstanceEndpoint[];
}

/**
 * The gateway's whole table: one route per app with an active version. An app with no ready
 * instance keeps its route with no upstreams, so the gateway sends its requests to the activator.
 * Session affinity comes from slipway.json `affinity` (default: on for Java, whose servlet sessions
 * live in one instance; off for Python).
 */
export function buildRouteTable(
  apps: Iterable<RoutedApp>,
  hostOf: (appSlug: string, tenantSlug: string) => string,
): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const { active, ready } of apps) {
    routes.push({
      appId: active.appId,
      tenantId: active.tenantId,
      appSlug: active.appSlug,
      tenantSlug: active.tenantSlug,
      host: hostOf(active.appSlug, active.tenantSlug),
      versionId: active.versionId,
      versionNumber: active.versionNumber,
      access: active.manifest.access,
      affinity: active.manifest.affinity,
      upstreams: [...ready],
    });
  }
  return routes.sort((a, b) => a.host.localeCompare(b.host));
}
