import { ADMIN, apiSession, expect, test } from './fixtures';

test('a user of tenant B cannot open tenant A’s project', async ({ page, request, loginPage }) => {
  const admin = await apiSession(request, ADMIN.email, ADMIN.password);
  const project = await admin.post<{ id: string }>(`/api/v1/tenants/${admin.tenantId}/projects`, {
    name: 'tenant-a-secret',
    templateId: 'python-hello',
  });
  const tenantB = await admin.post<{ id: string }>('/api/v1/tenants', { name: 'Tenant B', slug: 'tenant-b-e2e' });
  const member = await admin.post<{ invitationToken: string }>(`/api/v1/tenants/${tenantB.id}/members`, {
    email: 'dev@tenant-b.test',
    name: 'B Developer',
    roles: ['developer'],
  });
  await admin.post(`/api/v1/invitations/${member.invitationToken}/accept`, { password: 'tenant b password' });

  await page.context().clearCookies();
  await loginPage.logIn('dev@tenant-b.test', 'tenant b password');
  await expect(page.getByText('tenant-a-secret')).toHaveCount(0);
  await page.goto(`/ide/${project.id}`);
  await expect(page.getByRole('heading', { name: 'Cannot open this project' })).toBeVisible();
  await expect(page.getByRole('treeitem', { name: 'app.py' })).toHaveCount(0);
  const direct = await page.request.get(`/api/v1/projects/${project.id}/files/content?path=app.py`);
  expect(direct.status()).toBe(404);
});
