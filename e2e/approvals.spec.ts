import { devices, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { ADMIN, expect, test } from './fixtures';

const STAFF = { email: 'sam@approvals-e2e.test', name: 'Sam Staff', password: 'staff password e2e' };
const MANAGER = { email: 'mia@approvals-e2e.test', name: 'Mia Manager', password: 'manager password e2e' };

/** The admin's API: signed in, with the CSRF token on every change. */
async function adminApi(request: APIRequestContext) {
  const login = await request.post('/api/v1/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(login.status(), await login.text()).toBe(200);
  const { csrfToken, memberships } = (await login.json()) as { csrfToken: string; memberships: { tenantId: string }[] };
  const post = async (url: string, data: unknown): Promise<string> => {
    const response = await request.post(url, { data, headers: { 'x-csrf-token': csrfToken }, timeout: 240_000 });
    const text = await response.text();
    expect(response.ok(), `${url}: ${text}`).toBe(true);
    return text;
  };
  return { post, tenantId: memberships[0]?.tenantId ?? '' };
}

/** Creates a project from a template and publishes it; answers the app's URL. */
async function publishTemplate(api: Awaited<ReturnType<typeof adminApi>>, name: string, templateId: string) {
  const project = JSON.parse(await api.post(`/api/v1/tenants/${api.tenantId}/projects`, { name, templateId })) as {
    id: string;
  };
  // The publish answers one JSON event a line; the last one is `done` (with the app) or `failed`.
  const events = (await api.post(`/api/v1/projects/${project.id}/publish`, {}))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; app?: { url: string }; detail?: string });
  const last = events.at(-1);
  expect(last?.type, JSON.stringify(last)).toBe('done');
  return { projectId: project.id, url: last?.app?.url ?? '' };
}

/** A fresh browser (phone or desktop) signed in as `who` through the gateway's login hop to `url`. */
async function signedInPage(browser: Browser, who: { email: string; password: string }, url: string, phone: boolean) {
  const context = await browser.newContext(phone ? { ...devices['Pixel 7'] } : {});
  const page = await context.newPage();
  await page.goto(url);
  await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/login\?next=/);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => u.origin === new URL(url).origin, { timeout: 30_000 });
  return page;
}

const PLATFORM_URL = `http://localhost:${process.env.SLIPWAY_E2E_PORT ?? '3217'}`;

/** A phone signed in to the platform, showing its launcher (`/m`) connected for push. */
async function launcherOnPhone(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'] });
  const page = await context.newPage();
  await page.goto(`${PLATFORM_URL}/m`);
  await expect(page).toHaveURL(/\/login\?next=%2Fm$|\/login\?next=\/m$/);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${PLATFORM_URL}/m`);
  await expect(page.getByText('Live', { exact: true })).toBeVisible({ timeout: 30_000 });
  return page;
}

/** Opens another tenant app in the same browser: already signed in, the login hop comes straight back. */
async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL((u) => u.origin === new URL(url).origin, { timeout: 30_000 });
}

test('a staff member files an expense and a purchase request; the manager sees it arrive live, on the launcher too, and approves it', async ({
  browser,
  request,
}) => {
  test.setTimeout(420_000);
  const api = await adminApi(request);
  for (const [who, roles] of [
    [STAFF, ['user']],
    [MANAGER, ['manager']],
  ] as const) {
    const member = JSON.parse(
      await api.post(`/api/v1/tenants/${api.tenantId}/members`, { email: who.email, name: who.name, roles }),
    ) as { invitationToken: string };
    await api.post(`/api/v1/invitations/${member.invitationToken}/accept`, { password: who.password });
  }
  const expenses = await publishTemplate(api, 'expenses-approvals-e2e', 'python-expense-reports');
  const approvals = await publishTemplate(api, 'approvals-e2e', 'java-purchase-requests');

  // The manager's phone shows the launcher: both apps, and push connected.
  const managerPhone = await launcherOnPhone(browser, MANAGER);
  await expect(managerPhone.getByRole('link', { name: /Purchase requests \(Java\)/ })).toBeVisible();
  await expect(managerPhone.getByRole('link', { name: /Expense reports/ })).toBeVisible();

  // The manager's list page is open and listening before anything is submitted.
  const manager = await signedInPage(browser, MANAGER, approvals.url, false);
  await expect(manager.getByRole('heading', { level: 1 })).toHaveText('Purchase requests');
  await expect(manager.locator('.request-list')).toHaveAttribute('data-live', 'connected', { timeout: 30_000 });

  // The staff member, on a phone, records an expense in the Python app…
  const staff = await signedInPage(browser, STAFF, expenses.url, true);
  await expect(staff.getByText('No expenses yet.')).toBeVisible({ timeout: 30_000 });
  await staff.getByRole('link', { name: 'Add your first expense' }).click();
  await staff.getByLabel('Date').fill('2026-03-01');
  await staff.getByLabel('Amount').fill('12.50');
  await staff.getByLabel('Category').selectOption('Travel');
  await staff.getByLabel('Description').fill('Taxi to the supplier');
  await staff.getByRole('button', { name: 'Save expense' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Travel · 12.50');

  // …and submits a purchase request in the Java app.
  await openApp(staff, approvals.url);
  await staff.getByRole('link', { name: '+ New' }).click();
  await staff.getByLabel('What do you need?').fill('Ergonomic chair');
  await staff.getByLabel('Amount').fill('349.90');
  await staff.getByRole('button', { name: 'Submit request' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Ergonomic chair');
  await expect(staff.getByText('Pending', { exact: true })).toBeVisible();
  await expect(staff.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // The manager's page shows it without a reload: a banner and a new row.
  const managerUrl = manager.url();
  await expect(manager.getByRole('status')).toHaveText('New request: Ergonomic chair (349.90)', { timeout: 30_000 });
  const row = manager.getByRole('link', { name: /Ergonomic chair/ });
  await expect(row).toContainText('Sam Staff');
  expect(manager.url()).toBe(managerUrl);

  // The manager's launcher gets a notification at the same time; tapping it opens the request.
  await managerPhone.getByRole('tab', { name: /^Notifications/ }).click();
  const notification = managerPhone.getByRole('article').filter({ hasText: 'New purchase request' });
  await expect(notification).toContainText('Sam Staff: Ergonomic chair, 349.90', { timeout: 30_000 });
  await expect(notification).toContainText('Purchase requests (Java)');
  await notification.click();
  await managerPhone.waitForURL((u) => u.origin === new URL(approvals.url).origin, { timeout: 30_000 });
  await expect(managerPhone.getByRole('heading', { level: 1 })).toHaveText('Ergonomic chair');
  await managerPhone.context().close();

  await row.click();
  await manager.getByRole('button', { name: 'Approve' }).click();
  await expect(manager.getByText('Approved', { exact: true })).toBeVisible();
  await expect(manager.getByText('Mia Manager')).toBeVisible();

  // The staff member sees the decision; the summary mail reaches the project's outbox.
  await staff.reload();
  await expect(staff.getByText('Approved', { exact: true })).toBeVisible();

  // The staff member's launcher was not open when the decision was made: the notification waited.
  await staff.goto(`${PLATFORM_URL}/m`);
  await staff.getByRole('tab', { name: /^Notifications/ }).click();
  await expect(staff.getByRole('article').filter({ hasText: 'Purchase request approved' })).toContainText(
    'Ergonomic chair, 349.90 by Mia Manager',
    { timeout: 30_000 },
  );
  await expect
    .poll(
      async () => {
        const outbox = (await (await request.get(`/api/v1/projects/${approvals.projectId}/outbox`)).json()) as {
          mails: { to: string[]; subject: string }[];
        };
        return outbox.mails.find((mail) => mail.to.includes(STAFF.email))?.subject;
      },
      { timeout: 90_000 },
    )
    .toBe('Purchase request approved: Ergonomic chair');

  await staff.context().close();
  await manager.context().close();
});
