import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { DashboardPage } from './pages/dashboard-page';
import { IdePage } from './pages/ide-page';
import { LoginPage } from './pages/login-page';

export const ADMIN = { email: 'admin@e2e.test', password: 'e2e admin password' };

/** Where a project's file lives in the platform's data directory (to change it behind the IDE's back). */
export function projectFilePath(projectId: string, file: string): string {
  return path.join(process.env.SLIPWAY_E2E_DATA_DIR ?? '', 'projects', projectId, file);
}

/** Reads a file of a project straight from the platform's data directory. */
export function readProjectFile(projectId: string, file: string): Promise<string> {
  return readFile(projectFilePath(projectId, file), 'utf8');
}

/** Saves a project file through the file API as the page's signed-in user, as the editor does. */
export async function saveProjectFile(page: Page, projectId: string, file: string, text: string): Promise<void> {
  const { csrfToken } = (await (await page.request.get('/api/v1/session')).json()) as { csrfToken: string };
  const saved = await page.request.put(`/api/v1/projects/${projectId}/files/content?path=${encodeURIComponent(file)}`, {
    data: text,
    headers: { 'x-csrf-token': csrfToken, 'content-type': 'text/plain; charset=utf-8' },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
}

/**
 * Creates a Python app from the hello template whose `app.py` is `appPy` and which may call
 * `services`, and runs its preview. Returns the project's id.
 */
export async function previewPythonApp(
  { page, dashboard, ide }: { page: Page; dashboard: DashboardPage; ide: IdePage },
  app: { name: string; services: readonly string[]; appPy: string },
): Promise<string> {
  const projectId = await dashboard.createApp('Python', /hello/i, app.name);
  const manifest = JSON.parse(await readProjectFile(projectId, 'slipway.json')) as Record<string, unknown>;
  await saveProjectFile(
    page,
    projectId,
    'slipway.json',
    JSON.stringify({ ...manifest, services: app.services }, null, 2),
  );
  await saveProjectFile(page, projectId, 'app.py', app.appPy);
  await ide.runPreview();
  return projectId;
}

/** Calls the API as a signed-in user: logs in, then sends the CSRF token on every change. */
export async function apiSession(request: APIRequestContext, email: string, password: string) {
  const login = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(login.status(), await login.text()).toBe(200);
  const { csrfToken, memberships } = (await login.json()) as { csrfToken: string; memberships: { tenantId: string }[] };
  const post = async <T>(url: string, data: unknown): Promise<T> => {
    const response = await request.post(url, { data, headers: { 'x-csrf-token': csrfToken } });
    expect(response.ok(), `${url}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  };
  return { post, tenantId: memberships[0]?.tenantId ?? '' };
}

export const test = base.extend<{ loginPage: LoginPage; dashboard: DashboardPage; ide: IdePage }>({
  loginPage: async ({ page }, use) => use(new LoginPage(page)),
  dashboard: async ({ page }, use) => use(new DashboardPage(page)),
  ide: async ({ page }, use) => use(new IdePage(page)),
});

export { expect };
