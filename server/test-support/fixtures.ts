import type { MemberDto, SessionDto, TenantDto } from '../protocol/identity';
import type { ProjectDto } from '../protocol/projects';
import { TEST_ADMIN, type ApiTestClient, type TestPlatform } from './test-platform';

/** The operator's first tenant and a project in it, created through the API. */
export async function adminWithProject(
  env: TestPlatform,
  name = 'demo-app',
  templateId = 'python-hello',
): Promise<{ admin: ApiTestClient; tenantId: string; project: ProjectDto }> {
  const admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
  const session = await admin.json<SessionDto>('GET', '/session');
  const tenantId = session.memberships[0]?.tenantId ?? '';
  const project = await admin.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, { name, templateId });
  return { admin, tenantId, project };
}

/** A new tenant with one member of the given roles, signed in. */
export async function memberOfNewTenant(
  env: TestPlatform,
  slug: string,
  roles: MemberDto['roles'],
): Promise<{ client: ApiTestClient; tenant: TenantDto; email: string }> {
  const operator = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
  const tenant = await operator.json<TenantDto>('POST', '/tenants', { name: slug, slug });
  const email = `${roles.join('-')}@${slug}.test`;
  const member = await operator.json<MemberDto>('POST', `/tenants/${tenant.id}/members`, { email, name: slug, roles });
  const password = `password of ${email}`;
  const accepted = await env.anonymous().post(`/invitations/${member.invitationToken}/accept`, { password });
  if (!accepted.ok) throw new Error(`accepting the invitation failed: ${accepted.status}`);
  return { client: await env.login(email, password), tenant, email };
}
