import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalInfo } from '../protocol/terminal';
import { adminWithProject, memberOfNewTenant } from '../test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

let env: TestPlatform;
let ownerA: ApiTestClient;
let outsider: ApiTestClient;
let tenantA: string;
let projectA: string;
let terminalA: string;

beforeAll(async () => {
  env = await startTestPlatform();
  const a = await adminWithProject(env, 'secret-app');
  ownerA = a.admin;
  tenantA = a.tenantId;
  projectA = a.project.id;
  terminalA = (await ownerA.json<TerminalInfo>('POST', `/projects/${projectA}/terminals`, { cols: 80, rows: 24 })).id;
  outsider = (await memberOfNewTenant(env, 'tenant-b', ['manager', 'developer'])).client;
});
afterAll(() => env.close());

/** Every route that takes the id of something in tenant A. */
function routesOfTenantA(): { method: string; path: string; body?: unknown; raw?: string }[] {
  const p = `/projects/${projectA}`;
  return [
    { method: 'GET', path: `/tenants/${tenantA}/projects` },
    { method: 'POST', path: `/tenants/${tenantA}/projects`, body: { name: 'intruder', templateId: 'python-hello' } },
    {
      method: 'POST',
      path: `/tenants/${tenantA}/projects/import`,
      body: { name: 'intruder', url: 'https://example.com/x.git' },
    },
    { method: 'GET', path: `/tenants/${tenantA}/members` },
    {
      method: 'POST',
      path: `/tenants/${tenantA}/members`,
      body: { email: 'x@b.test', name: 'X', roles: ['developer'] },
    },
    { method: 'GET', path: p },
    { method: 'DELETE', path: p },
    { method: 'POST', path: `${p}/close` },
    { method: 'GET', path: `${p}/files` },
    { method: 'GET', path: `${p}/files/content?path=app.py` },
    { method: 'PUT', path: `${p}/files/content?path=app.py`, raw: 'owned' },
    { method: 'POST', path: `${p}/files`, body: { path: 'x.txt', type: 'file' } },
    { method: 'POST', path: `${p}/files/move`, body: { from: 'app.py', to: 'y.py' } },
    { method: 'DELETE', path: `${p}/files?path=app.py` },
    { method: 'GET', path: `${p}/archive?format=zip` },
    { method: 'GET', path: `${p}/git/status` },
    { method: 'GET', path: `${p}/git/diff?path=app.py` },
    { method: 'GET', path: `${p}/git/log` },
    { method: 'POST', path: `${p}/git/commit`, body: { message: 'pwned' } },
    { method: 'POST', path: `${p}/git/revert`, body: { path: 'app.py' } },
    { method: 'GET', path: `${p}/terminals` },
    { method: 'POST', path: `${p}/terminals`, body: { cols: 80, rows: 24 } },
    { method: 'DELETE', path: `${p}/terminals/${terminalA}` },
    { method: 'GET', path: `${p}/preview` },
    { method: 'POST', path: `${p}/preview/start` },
    { method: 'POST', path: `${p}/preview/stop` },
    { method: 'GET', path: `${p}/preview/logs` },
    { method: 'POST', path: `${p}/preview/link`, body: { path: '/' } },
  ];
}

describe('tenant isolation', () => {
  it('answers a member of tenant B with 404 on every route that takes an id of tenant A', async () => {
    for (const route of routesOfTenantA()) {
      const init =
        route.raw !== undefined
          ? { body: route.raw, headers: { 'content-type': 'text/plain' } }
          : route.body !== undefined
            ? { body: JSON.stringify(route.body), headers: { 'content-type': 'application/json' } }
            : {};
      const response = await outsider.request(route.method, route.path, init);
      expect(response.status, `${route.method} ${route.path}`).toBe(404);
    }
  });

  it('leaves tenant A untouched and still usable by its owner', async () => {
    expect((await ownerA.get(`/projects/${projectA}/files/content?path=app.py`)).status).toBe(200);
    const terminals = await ownerA.json<TerminalInfo[]>('GET', `/projects/${projectA}/terminals`);
    expect(terminals.map((t) => t.id)).toContain(terminalA);
    expect(await (await ownerA.get(`/projects/${projectA}/files/content?path=app.py`)).text()).not.toBe('owned');
  });

  it('keeps a plain user of tenant A out of its projects', async () => {
    const user = (await memberOfNewTenant(env, 'tenant-c', ['user'])).client;
    const session = (await user.json<{ memberships: { tenantId: string }[] }>('GET', '/session')).memberships[0];
    expect((await user.get(`/tenants/${session?.tenantId}/projects`)).status).toBe(403);
  });
});
