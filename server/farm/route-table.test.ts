import { describe, expect, it } from 'vitest';
import { parseAppManifest } from '../protocol/app-manifest';
import type { VersionToServe } from './deployments';
import { buildRouteTable } from './route-table';

function version(appSlug: string, runtime: 'java' | 'python'): VersionToServe {
  const manifest = parseAppManifest(
    JSON.stringify({
      name: appSlug,
      runtime,
      kind: runtime === 'java' ? 'servlet' : 'wsgi',
      ...(runtime === 'python' ? { entry: 'app:app' } : {}),
      access: 'public',
    }),
  );
  return {
    appId: `id-${appSlug}`,
    tenantId: 't1',
    appSlug,
    tenantSlug: 'acme',
    versionId: `v-${appSlug}`,
    versionNumber: 3,
    manifest,
    artifactDir: '/artifacts/x',
  };
}

const hostOf = (app: string, tenant: string) => `${app}.${tenant}.apps.localhost`;

describe('buildRouteTable', () => {
  it('routes each app to its ready endpoints, sorted by host, with affinity for Java only', () => {
    const socket = { kind: 'unix', path: '/run/a.sock' } as const;
    const routes = buildRouteTable(
      [
        { active: version('zeta', 'python'), ready: [socket] },
        { active: version('alpha', 'java'), ready: [] },
      ],
      hostOf,
    );
    expect(routes.map((route) => [route.host, route.affinity, route.upstreams.length])).toEqual([
      ['alpha.acme.apps.localhost', true, 0],
      ['zeta.acme.apps.localhost', false, 1],
    ]);
    expect(routes[1]).toMatchObject({ access: 'public', versionNumber: 3, upstreams: [socket] });
  });
});
