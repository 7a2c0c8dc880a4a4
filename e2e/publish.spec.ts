import { devices, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN, expect, test } from './fixtures';
import { PublishedAppsPage } from './pages/publish-apps-page';
import { PublishDialogPage } from './pages/publish-dialog-page';

/** Rewrites one project file through the API with the page's own session (cookie + CSRF token). */
async function editProjectFile(
  request: APIRequestContext,
  projectId: string,
  file: string,
  edit: (text: string) => string,
): Promise<void> {
  const { csrfToken } = (await (await request.get('/api/v1/session')).json()) as { csrfToken: string };
  const url = `/api/v1/projects/${projectId}/files/content?path=${encodeURIComponent(file)}`;
  const before = await (await request.get(url)).text();
  const after = edit(before);
  expect(after).not.toBe(before);
  const saved = await request.put(url, {
    data: after,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-csrf-token': csrfToken },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
}

/**
 * Opens a tenant-only app on a phone that is signed in nowhere: the gateway sends it through the
 * platform's login, which brings it back to the app.
 */
async function openOnPhoneWithLogin(phone: Page, url: string): Promise<void> {
  await phone.goto(url);
  await expect(phone).toHaveURL(/^http:\/\/localhost:\d+\/login\?next=/);
  await phone.getByLabel('Email').fill(ADMIN.email);
  await phone.getByLabel('Password').fill(ADMIN.password);
  await phone.getByRole('button', { name: 'Log in' }).click();
  await phone.waitForURL((u) => u.origin === new URL(url).origin);
}

test('create from a template → Publish → open the app on a phone → publish again → roll back', async ({
  page,
  browser,
  loginPage,
  dashboard,
}) => {
  test.setTimeout(300_000);
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  const projectId = await dashboard.createApp('Python', /hello/i, 'publish-e2e');
  const publish = new PublishDialogPage(page);

  await publish.publish();
  const url = await publish.waitForDone();
  for (const stage of ['commit', 'build', 'package', 'store', 'start', 'health', 'switch']) {
    await expect(publish.stage(stage)).toHaveAttribute('data-state', 'done');
  }
  // <app>.<tenant>.<apps domain>: a site apart from the IDE's.
  expect(url).toMatch(/^http:\/\/publish-e2e\.[a-z0-9-]+\.apps\.localhost(:\d+)?\/?$/);
  await expect(publish.dialog.getByRole('img', { name: `QR code of ${url}` })).toBeVisible();
  await expect(publish.dialog.getByRole('status')).toHaveText('Published version 1 of publish-e2e.');
  await publish.close();

  // A phone: a fresh context (not signed in anywhere) with a mobile viewport and touch.
  const phoneContext = await browser.newContext({ ...devices['Pixel 7'] });
  const phone = await phoneContext.newPage();
  await openOnPhoneWithLogin(phone, url);
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText(/^Hello, .+!$/);
  expect(phone.viewportSize()?.width).toBeLessThan(500);

  // Version 2 changes the heading; the phone sees it after the switch.
  await editProjectFile(page.request, projectId, 'app.py', (text) =>
    text.replace('<h1>{greeting}, {name}!</h1>', '<h1>Second: {greeting}, {name}!</h1>'),
  );
  await publish.publish();
  expect(await publish.waitForDone()).toBe(url);
  await expect(publish.dialog.getByRole('status')).toHaveText('Published version 2 of publish-e2e.');
  await publish.close();
  await phone.reload();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText(/^Second: Hello/);

  // The Apps view lists both versions, v2 active, and rolls back to v1 in one click.
  const apps = new PublishedAppsPage(page);
  await apps.open();
  await expect(apps.versionRow('publish-e2e', 2)).toHaveAttribute('aria-current', 'true');
  await expect(apps.versionRow('publish-e2e', 1)).toContainText('ready');
  await expect(apps.instances('publish-e2e').getByRole('row')).not.toHaveCount(0);
  await apps.rollBackTo('publish-e2e', 1);
  await expect(apps.app('publish-e2e')).toContainText('serving v1');
  await phone.reload();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText(/^Hello, .+!$/);

  await phoneContext.close();
});

test('a publish that fails at build says why and leaves the running version serving', async ({
  page,
  browser,
  loginPage,
  dashboard,
}) => {
  test.setTimeout(240_000);
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  const projectId = await dashboard.createApp('Python', /hello/i, 'publish-broken-e2e');
  const publish = new PublishDialogPage(page);
  await publish.publish();
  const url = await publish.waitForDone();
  await publish.close();

  await editProjectFile(page.request, projectId, 'app.py', (text) => `${text}\ndef broken(:\n`);
  await publish.publish();
  await expect(publish.dialog.getByRole('alert')).toContainText(
    /Failed at build: .*Nothing that serves was changed\./,
    {
      timeout: 120_000,
    },
  );
  await expect(publish.stage('build')).toHaveAttribute('data-state', 'failed');
  await expect(publish.stage('switch')).toHaveAttribute('data-state', 'pending');
  await expect(publish.openAppLink).toHaveCount(0);

  const phoneContext = await browser.newContext({ ...devices['Pixel 7'] });
  const phone = await phoneContext.newPage();
  await openOnPhoneWithLogin(phone, url);
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText(/^Hello, .+!$/);
  await phoneContext.close();
});

test('slipway in the IDE terminal: log in once, publish the project folder, the token stays out of git', async ({
  loginPage,
  dashboard,
  ide,
}) => {
  test.setTimeout(240_000);
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Python', /hello/i, 'cli-terminal-e2e');
  const terminal = await ide.newTerminal();
  const rows = terminal.locator('.xterm-rows');
  // SLIPWAY_URL is set in the terminal; only the credentials are typed.
  await ide.runInTerminal(terminal, `slipway login --email ${ADMIN.email} --password '${ADMIN.password}'`);
  await expect(rows).toContainText(`as ${ADMIN.email}; token saved`, { timeout: 30_000 });
  await ide.runInTerminal(
    terminal,
    `slipway publish --json | python3 -c "import json,sys; d=json.load(sys.stdin); print('PUBLISHED', d['version'], d['url'])"`,
  );
  await expect(rows).toContainText(/PUBLISHED 1 http:\/\/cli-terminal-e2e\.[a-z0-9-]+\.apps\.localhost/, {
    timeout: 120_000,
  });
  await ide.runInTerminal(terminal, 'echo "UNTRACKED[$(git status --porcelain --untracked-files=all | wc -l)]"');
  await expect(rows).toContainText('UNTRACKED[0]');
});
