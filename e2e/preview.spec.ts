import type { Page } from '@playwright/test';
import { ADMIN, expect, test } from './fixtures';
import type { IdePage } from './pages/ide-page';

/** Replaces text in the open file with Monaco's own find/replace widget, then saves. */
async function replaceInEditor(page: Page, ide: IdePage, find: string, replacement: string): Promise<void> {
  await ide.editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+H');
  await ide.editor.getByRole('textbox', { name: 'Find' }).fill(find);
  await ide.editor.getByRole('textbox', { name: 'Replace' }).fill(replacement);
  await ide.editor.getByRole('button', { name: /^Replace All/ }).click();
  await page.keyboard.press('Escape');
  await ide.saveWithShortcut();
}

/** Appends a line at the end of the open file and saves. */
async function appendAndSave(page: Page, ide: IdePage, text: string): Promise<void> {
  await ide.appendText(text);
  await ide.saveWithShortcut();
}

test('Python: Run shows the app in the phone; a save updates it; a syntax error shows in Problems and keeps the last good page', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Python', /hello/i, 'py-preview-e2e');
  await ide.openFile('app.py');
  await ide.runPreview();
  await expect(ide.preview.getByRole('heading', { level: 1 })).toHaveText('Hello, world!', { timeout: 60_000 });

  await replaceInEditor(page, ide, '{greeting}, {name}!', 'Expenses of {name}');
  await expect(ide.preview.getByRole('heading', { level: 1 })).toHaveText('Expenses of world');

  await appendAndSave(page, ide, '\nbroken = = 1\n');
  const problems = await ide.showPanel('Problems');
  await expect(problems).toContainText('app.py');
  await expect(problems.getByText(/\[Ln \d+, Col \d+\]/).first()).toBeVisible();
  await expect(ide.preview.getByRole('heading', { level: 1 })).toHaveText('Expenses of world');

  await replaceInEditor(page, ide, 'broken = = 1', '');
  await expect(problems).not.toContainText('app.py', { timeout: 30_000 });
  await expect(ide.preview.getByRole('heading', { level: 1 })).toHaveText('Expenses of world');
});

test('Java: Run, navigate to the servlet, edit it live, see a compile error at its line, fix it', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Java', /hello/i, 'java-preview-e2e');
  for (const folder of ['src', 'main', 'java', 'com', 'example', 'hello']) await ide.expandFolder(folder);
  await ide.openFile('HelloServlet.java');
  await ide.runPreview();
  const address = page.getByRole('textbox', { name: 'Address' });
  await expect(address).toBeEnabled({ timeout: 60_000 });
  await address.fill('/hello');
  await address.press('Enter');
  await expect(ide.preview.getByText('This page was rendered by')).toBeVisible({ timeout: 30_000 });

  await replaceInEditor(page, ide, 'This page was rendered by', 'Rendered live by');
  await expect(ide.preview.getByText('Rendered live by')).toBeVisible({ timeout: 30_000 });

  await appendAndSave(page, ide, '\nclass Broken { int x = ; }\n');
  const problems = await ide.showPanel('Problems');
  await expect(problems).toContainText('HelloServlet.java', { timeout: 30_000 });
  await expect(problems.getByText(/\[Ln \d+, Col \d+\]/).first()).toBeVisible();
  await expect(ide.preview.getByText('Rendered live by')).toBeVisible();

  await replaceInEditor(page, ide, 'class Broken { int x = ; }', '');
  await expect(problems).not.toContainText('HelloServlet.java', { timeout: 30_000 });
  await ide.preview.locator('body').waitFor();
  await expect(ide.preview.getByText('Rendered live by')).toBeVisible();
});
