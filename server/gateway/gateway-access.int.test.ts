import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import type { AppRoute } from '../farm/routing';
import { IdentityService } from '../identity/identity-service';
import { newId } from '../identity/tokens';
import type { MemberDto, SessionDto, TenantDto } from '../protocol/identity';
import { memberOfNewTenant } from '../test-support/fixtures';
import { startTestPlatform, TEST_ADMIN, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';
import { BrowserTestClient } from './browser-test-client';
import type { Gateway } from './gateway';
import { freePort, startTestGateway, tempDir, TestBackend, testRoute } from './gateway-test-support';
import { verifyIdentityHeaders } from './identity-signer';

describe('access control and the login hop, with a real platform and nginx', () => {
  let env: TestPlatform;
  let db: Kysely<Database>;
  let gateway: Gateway;
  let backend: TestBackend;
  let port: number;
  let acme: TenantDto;
  const clients: Record<'developer' | 'manager' | 'outsider', ApiTestClient> = {} as never;
  const apps = { notes: newId(), payroll: newId(), site: newId() };

  const url = (app: string, urlPath: string) => `http://${app}.acme.apps.localhost:${port}${urlPath}`;
  const browserOf = (client?: ApiTestClient) => {
    const browser = new BrowserTestClient(env.platform, port);
    const [name = '', value = ''] = (client?.cookie ?? '').split('=');
    if (client) browser.setCookie('slipway.test', name, value);
    return browser;
  };
  const seenBy = (body: string) => JSON.parse(body) as { headers: Record<string, string>; url: string };

  beforeAll(async () => {
    port = await freePort();
    env = await startTestPlatform({
      configure: (config) => (config.gateway.appsUrl = new URL(`http://apps.localhost:${port}`)),
    });
    const developer = await memberOfNewTenant(env, 'acme', ['developer']);
    acme = developer.tenant;
    clients.developer = developer.client;
    clients.manager = await addMember(env, acme, 'boss@acme.test', ['manager']);
    clients.outsider = (await memberOfNewTenant(env, 'other', ['manager'])).client;

    db = await openDatabase({ kind: 'sqlite', file: path.join(env.dataDir, 'slipway.db') });
    const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const adminId = (await admin.json<SessionDto>('GET', '/session')).user.id;
    for (const [slug, id] of Object.entries(apps)) {
      await db
        .insertInto('apps')
        .values({
          id,
          tenant_id: acme.id,
          slug,
          title: slug,
          runtime: 'python',
          project_id: null,
          active_version_id: null,
          created_by: adminId,
          created_at: new Date().toISOString(),
        })
        .execute();
    }
    const dir = await tempDir();
    backend = await TestBackend.start(dir, 'app');
    gateway = await startTestGateway({
      dir,
      port,
      db,
      publicUrl: env.platform.config.publicUrl,
      identity: new IdentityService(db),
    });
    const route = (slug: keyof typeof apps, access: AppRoute['access']) =>
      testRoute({
        appId: apps[slug],
        tenantId: acme.id,
        host: `${slug}.acme.apps.localhost`,
        access,
        upstreams: [backend.endpoint],
      });
    await gateway.apply([route('notes', 'tenant'), route('payroll', ['manager']), route('site', 'public')]);
  });

  afterAll(async () => {
    await gateway?.dispose();
    await backend?.close();
    await db?.destroy();
    await env?.close();
  });

  it('sends anonymous visitors to the platform login and back', async () => {
    const result = await browserOf().navigate(url('notes', '/page?x=1'));
    expect(result.steps[0]?.status).toBe(302);
    const login = new URL(result.url);
    expect(login.origin + login.pathname).toBe('http://slipway.test/login');
    const next = new URL(login.searchParams.get('next') ?? '', 'http://slipway.test');
    expect(next.pathname).toBe('/api/v1/gateway/authorize');
    expect(next.searchParams.get('app')).toBe(apps.notes);
    expect(next.searchParams.get('return')).toBe('/page?x=1');
  });

  it('lets a member in after the hop and hands the app a signed identity', async () => {
    const browser = browserOf(clients.developer);
    const result = await browser.navigate(url('notes', '/page?x=1'), { 'x-slipway-user-id': 'forged-admin' });
    expect(result.status).toBe(200);
    expect(result.url).toBe(url('notes', '/page?x=1'));
    const seen = seenBy(result.body);
    const session = await clients.developer.json<SessionDto>('GET', '/session');
    expect(seen.headers['x-slipway-user-id']).toBe(session.user.id);
    expect(seen.headers['x-slipway-user-roles']).toBe('developer');
    expect(decodeURIComponent(seen.headers['x-slipway-user-email'] ?? '')).toBe(session.user.email);
    expect(verifyIdentityHeaders(gateway.signer.publicKeyBase64, apps.notes, seen.headers)).toBe(true);
    expect(verifyIdentityHeaders(gateway.signer.publicKeyBase64, apps.payroll, seen.headers)).toBe(false);
    expect(seen.headers.cookie).toBeUndefined(); // the app cookie and the state cookie stay with the gateway
    const cookie = browser.cookie(`notes.acme.apps.localhost:${port}`, 'slipway_app');
    expect(cookie).toMatch(/^aps_/);
    // The next request needs no hop; a forged identity header is still replaced.
    const again = await browser.navigate(url('notes', '/other'), { 'x-slipway-user-id': 'forged-admin' });
    expect(again.steps).toHaveLength(1);
    expect(seenBy(again.body).headers['x-slipway-user-id']).toBe(session.user.id);
  });

  it('refuses members of another tenant and members without the role, with a clear page', async () => {
    const outsider = await browserOf(clients.outsider).navigate(url('notes', '/'));
    expect(outsider.status).toBe(403);
    expect(outsider.body).toContain('You do not have access to this app');
    const developer = await browserOf(clients.developer).navigate(url('payroll', '/'));
    expect(developer.status).toBe(403);
    const manager = await browserOf(clients.manager).navigate(url('payroll', '/'));
    expect(manager.status).toBe(200);
    expect(seenBy(manager.body).headers['x-slipway-user-roles']).toBe('manager');
  });

  it('serves public apps without a hop and without identity', async () => {
    const result = await browserOf().navigate(url('site', '/'), { 'x-slipway-user-id': 'forged' });
    expect(result.steps).toHaveLength(1);
    expect(seenBy(result.body).headers['x-slipway-user-id']).toBeUndefined();
  });

  it('never redirects off the app host, refuses used codes and signs out', async () => {
    const browser = browserOf(clients.developer);
    const evil = await browser.navigate(url('notes', '/_slipway/login?return=//evil.example/x'));
    expect(evil.url).toBe(url('notes', '/'));
    const start = await browser.navigate(url('notes', '/_slipway/logout'));
    expect(start.body).toContain('Signed out');
    // Replaying a callback URL fails: codes work once.
    const hop = await browserOf(clients.developer).navigate(url('notes', '/a'));
    const callback = hop.steps.find((step) => step.url.includes('/_slipway/callback'))?.url ?? '';
    const replay = await browser.navigate(callback);
    expect(replay.status).toBe(400);
    // After logout the app session is gone: the next visit goes through the hop again.
    const afterLogout = await browser.navigate(url('notes', '/b'));
    expect(afterLogout.steps.some((step) => step.url.includes('/api/v1/gateway/authorize'))).toBe(true);
  });

  it('answers bad authorize requests with problem+json', async () => {
    const response = await clients.developer.get('/gateway/authorize?app=x%3Cy&state=short');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    const unknown = await clients.developer.get(`/gateway/authorize?app=${newId()}&state=${'s'.repeat(20)}`);
    expect(unknown.status).toBe(404);
  });
});

async function addMember(
  env: TestPlatform,
  tenant: TenantDto,
  email: string,
  roles: MemberDto['roles'],
): Promise<ApiTestClient> {
  const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
  const member = await operator.json<MemberDto>('POST', `/tenants/${tenant.id}/members`, {
    email,
    name: 'Boss Ünlü',
    roles,
  });
  const password = `password of ${email}`;
  const accepted = await env.anonymous().post(`/invitations/${member.invitationToken}/accept`, { password });
  if (!accepted.ok) throw new Error(`accepting the invitation failed: ${accepted.status}`);
  return env.login(email, password);
}
