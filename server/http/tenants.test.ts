import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberDto, SessionDto, TenantDto } from '../protocol/identity';
import { startTestPlatform, TEST_ADMIN, type TestPlatform } from '../test-support/test-platform';
import { testDialects } from '../test-support/test-databases';

describe.each(testDialects())('tenants and members on %s', (dialect) => {
  let env: TestPlatform;
  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
  });
  afterAll(() => env.close());

  it('lets the operator create a tenant and invite a manager, who adds a developer', async () => {
    const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const tenant = await operator.json<TenantDto>('POST', '/tenants', { name: 'Acme', slug: 'acme' });
    const manager = await operator.json<MemberDto>('POST', `/tenants/${tenant.id}/members`, {
      email: 'Boss@Acme.test',
      name: 'Boss',
      roles: ['manager'],
    });
    expect(manager.email).toBe('boss@acme.test');
    expect(manager.invitationToken).toMatch(/^inv_/);
    await env.anonymous().post(`/invitations/${manager.invitationToken}/accept`, { password: 'boss password 1' });
    const again = await env
      .anonymous()
      .post(`/invitations/${manager.invitationToken}/accept`, { password: 'boss password 2' });
    expect(again.status).toBe(404);

    const boss = await env.login('boss@acme.test', 'boss password 1');
    const session = await boss.json<SessionDto>('GET', '/session');
    expect(session.memberships.map((m) => m.tenantSlug)).toEqual(['acme']);
    const dev = await boss.json<MemberDto>('POST', `/tenants/${tenant.id}/members`, {
      email: 'dev@acme.test',
      name: 'Dev',
      roles: ['developer'],
    });
    expect(dev.roles).toEqual(['developer']);
    const promote = await boss.post(`/tenants/${tenant.id}/members`, {
      email: 'x@acme.test',
      name: 'X',
      roles: ['manager'],
    });
    expect(promote.status).toBe(403);
    const members = await boss.json<MemberDto[]>('GET', `/tenants/${tenant.id}/members`);
    expect(members.map((m) => m.email)).toEqual(['boss@acme.test', 'dev@acme.test']);
    expect((await boss.json<TenantDto[]>('GET', '/tenants')).map((t) => t.slug)).toEqual(['acme']);
  });

  it('keeps non-operators from creating tenants and developers from managing members', async () => {
    const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const tenant = await operator.json<TenantDto>('POST', '/tenants', { name: 'Beta', slug: 'beta' });
    const dev = await operator.json<MemberDto>('POST', `/tenants/${tenant.id}/members`, {
      email: 'dev@beta.test',
      name: 'Dev',
      roles: ['developer'],
    });
    await env.anonymous().post(`/invitations/${dev.invitationToken}/accept`, { password: 'dev password 1' });
    const developer = await env.login('dev@beta.test', 'dev password 1');
    expect((await developer.post('/tenants', { name: 'Mine', slug: 'mine' })).status).toBe(403);
    expect((await developer.get(`/tenants/${tenant.id}/members`)).status).toBe(403);
    expect((await operator.post('/tenants', { name: 'Beta 2', slug: 'beta' })).status).toBe(409);
  });
});
