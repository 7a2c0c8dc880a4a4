import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDto } from '../protocol/identity';
import type { ServiceContractDto, UrlFetchLogEntryDto } from '../protocol/platform-services';
import type { ProjectDto } from '../protocol/projects';
import { InstanceTokens } from '../services/instance-tokens';
import { memberOfNewTenant } from '../test-support/fixtures';
import { testDialects } from '../test-support/test-databases';
import { startTestPlatform, TEST_ADMIN, type TestPlatform } from '../test-support/test-platform';

describe.each(testDialects())('service contracts and the URL fetch log on %s', (dialect) => {
  let env: TestPlatform;
  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
  });
  afterAll(() => env.close());

  it('lets operators set a contract that members read and the services obey', async () => {
    const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const { client: developer, tenant } = await memberOfNewTenant(env, 'contracted', ['developer']);
    expect(await developer.json<ServiceContractDto>('GET', `/tenants/${tenant.id}/contract`)).toMatchObject({
      services: expect.arrayContaining(['datastore', 'urlfetch']) as unknown,
    });
    const set = await operator.put(
      `/tenants/${tenant.id}/contract`,
      JSON.stringify({ services: ['urlfetch'], urlPolicy: { deny: ['*.blocked.example'] } }),
      'application/json',
    );
    expect(set.status).toBe(200);
    expect(await developer.json<ServiceContractDto>('GET', `/tenants/${tenant.id}/contract`)).toEqual({
      services: ['urlfetch'],
      urlPolicy: { deny: ['*.blocked.example'] },
    });
    // Only operators change contracts; bad service names and patterns are refused clearly.
    const denied = await developer.put(
      `/tenants/${tenant.id}/contract`,
      JSON.stringify({ services: ['datastore'] }),
      'application/json',
    );
    expect(denied.status).toBe(403);
    const unknown = await operator.put(
      `/tenants/${tenant.id}/contract`,
      JSON.stringify({ services: ['datastore', 'teleport'] }),
      'application/json',
    );
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { detail: string }).detail).toContain('teleport');
    const outsider = (await memberOfNewTenant(env, 'outsider', ['developer'])).client;
    expect((await outsider.request('GET', `/tenants/${tenant.id}/contract`)).status).toBe(404);

    // The services obey at once: a fetch to a denied domain is refused and shows in the log.
    const tokens = new InstanceTokens(path.join(env.platform.config.dataDir, 'services', 'tokens.key'));
    const token = await tokens.issue({
      scope: { tenantId: tenant.id, appId: 'app-1', environment: 'production' },
      instanceId: 'i-1',
    });
    const answer = await env.platform.services.app.request('/_platform/v1/urlfetch/fetch', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://www.blocked.example/secret' }),
    });
    expect(answer.status).toBe(403);
    const log = await developer.json<UrlFetchLogEntryDto[]>('GET', `/tenants/${tenant.id}/urlfetch-log`);
    expect(log[0]).toMatchObject({
      appId: 'app-1',
      environment: 'production',
      url: 'https://www.blocked.example/secret',
      outcome: 'refused',
    });
    expect(log[0]?.reason).toContain('blocked.example');
    expect((await outsider.request('GET', `/tenants/${tenant.id}/urlfetch-log`)).status).toBe(404);
  });

  it('hands out URL Links that check the policy when followed, and logs every visit', async () => {
    const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const { client: developer, tenant } = await memberOfNewTenant(env, 'linking', ['developer']);
    const tokens = new InstanceTokens(path.join(env.platform.config.dataDir, 'services', 'tokens.key'));
    const token = await tokens.issue({
      scope: { tenantId: tenant.id, appId: 'app-links', environment: 'production' },
      instanceId: 'i-links',
    });
    const link = (url: string) =>
      env.platform.services.app.request('/_platform/v1/urlfetch/link', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
    const made = await link('https://supplier.example/catalogue?item=7');
    expect(made.status).toBe(200);
    const { url } = (await made.json()) as { url: string };
    expect(url).toMatch(/^http:\/\/slipway\.test\/api\/v1\/links\//);
    const linkPath = new URL(url).pathname.replace('/api/v1', '');
    const followed = await env.anonymous().get(linkPath);
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe('https://supplier.example/catalogue?item=7');

    // The policy is checked when the link is followed, not only when it was made.
    await operator.put(
      `/tenants/${tenant.id}/contract`,
      JSON.stringify({ services: ['urlfetch'], urlPolicy: { deny: ['*.example'] } }),
      'application/json',
    );
    const blocked = await env.anonymous().get(linkPath);
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as { detail: string }).detail).toContain('supplier.example');
    expect((await link('https://other.example/')).status).toBe(403);
    expect((await link('ftp://files.example/')).status).toBe(400);
    expect((await env.anonymous().get('/links/l1.bm90LWEtbGluaw.AAAA')).status).toBe(404);

    const log = await developer.json<UrlFetchLogEntryDto[]>('GET', `/tenants/${tenant.id}/urlfetch-log`);
    expect(log.filter((entry) => entry.method === 'LINK').map((entry) => entry.outcome)).toEqual(['refused', 'ok']);
  });

  it('pages the URL fetch log newest first, filters it, and names each app and user', async () => {
    const { client: developer, tenant } = await memberOfNewTenant(env, 'audited', ['developer']);
    const userId = (await developer.json<SessionDto>('GET', '/session')).user.id;
    const project = await developer.json<ProjectDto>('POST', `/tenants/${tenant.id}/projects`, {
      name: 'supplier-prices',
      templateId: 'python-hello',
    });
    const attempt = (minute: number, appId: string, outcome: 'ok' | 'refused') =>
      env.platform.services.fetchLog.record({
        at: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`,
        tenantId: tenant.id,
        appId,
        environment: appId === project.id ? 'preview' : 'production',
        ...(appId === project.id ? { userId } : {}),
        method: 'GET',
        url: `https://prices.example/${minute}`,
        bytesOut: 0,
        bytesIn: 10,
        ms: 3,
        outcome,
        ...(outcome === 'refused' ? { reason: 'prices.example is not allowed' } : {}),
      });
    // Two attempts in the same millisecond: paging must neither skip nor repeat one of them.
    for (const [minute, appId, outcome] of [
      [1, project.id, 'ok'],
      [2, 'app-gone', 'refused'],
      [2, project.id, 'ok'],
      [3, project.id, 'ok'],
      [4, 'app-gone', 'refused'],
    ] as const) {
      await attempt(minute, appId, outcome);
    }
    const logPath = `/tenants/${tenant.id}/urlfetch-log`;
    const all = await developer.json<UrlFetchLogEntryDto[]>('GET', logPath);
    expect(all.map((entry) => entry.url.slice(-1))).toEqual(['4', '3', '2', '2', '1']);
    expect(all[1]).toMatchObject({ appName: 'supplier-prices', userId, userName: 'audited', environment: 'preview' });
    expect(all[0]?.appName).toBeUndefined();

    const pages: UrlFetchLogEntryDto[][] = [];
    let before: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '2', ...(before ? { before } : {}) });
      const page = await developer.json<UrlFetchLogEntryDto[]>('GET', `${logPath}?${query.toString()}`);
      pages.push(page);
      before = page.length === 2 ? page[1]?.id : undefined;
    } while (before);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));

    const refused = await developer.json<UrlFetchLogEntryDto[]>('GET', `${logPath}?outcome=refused`);
    expect(refused.map((entry) => [entry.appId, entry.reason])).toEqual([
      ['app-gone', 'prices.example is not allowed'],
      ['app-gone', 'prices.example is not allowed'],
    ]);
    const ofProject = await developer.json<UrlFetchLogEntryDto[]>('GET', `${logPath}?appId=${project.id}`);
    expect(ofProject).toHaveLength(3);

    for (const [query, detail] of [
      ['limit=0', 'limit'],
      ['outcome=maybe', 'outcome'],
      ['before=nope', 'nope'],
      ['colour=red', 'colour'],
    ] as const) {
      const answer = await developer.request('GET', `${logPath}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(((await answer.json()) as { detail: string }).detail, query).toContain(detail);
    }
  });
});
