import { ADMIN, apiSession, expect, test } from './fixtures';

test('Python: completion and hover come from pyright', async ({ page, loginPage, dashboard, ide }) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Python', /hello/i, 'py-language-e2e');
  await ide.openFile('app.py');

  await ide.appendText('\nimport os\nos.pa');
  await page.keyboard.press('Escape'); // the '.' may have opened suggestions already; ask explicitly
  await page.keyboard.press('Control+Space');
  const suggestions = page.locator('.suggest-widget.visible');
  // `path` is also a word in app.py; `pathsep` is not: only pyright knows os's members.
  await expect(suggestions.getByRole('option', { name: /^path, / })).toBeVisible();
  await expect(suggestions.getByRole('option', { name: /^pathsep, / })).toBeVisible();
  await page.keyboard.press('Escape');

  // A call of a function defined in app.py, on a line of its own so it is a token of its own.
  await page.keyboard.press('End');
  await page.keyboard.type('\nplain_text');
  await page.keyboard.press('Escape');
  await ide.editor
    .locator('.view-line span', { hasText: /^plain_text$/ })
    .last()
    .hover();
  const hover = page.locator('.monaco-hover').filter({ hasText: 'def plain_text(' });
  await expect(hover).toBeVisible();
  await expect(hover).toContainText('start_response');
});

test('Python: go to definition opens the file that defines the name', async ({
  page,
  request,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  const projectId = await dashboard.createApp('Python', /hello/i, 'py-definition-e2e');
  const api = await apiSession(request, ADMIN.email, ADMIN.password);
  await api.post(`/api/v1/projects/${projectId}/files`, {
    path: 'greetings.py',
    type: 'file',
    content: '"""Shared greetings."""\n\n\ndef greet(name: str) -> str:\n    return f"Hello, {name}!"\n',
  });
  await ide.openFile('app.py');

  await ide.appendText('\nfrom greetings import greet\ngreet("x")');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Home');
  await page.keyboard.press('F12');
  await expect(page.getByRole('tab', { name: /greetings\.py/ })).toHaveAttribute('aria-selected', 'true');
  await expect(ide.editor.locator('.view-lines')).toContainText('def greet(name: str)');
  // The cursor is on the name in `def greet` (line 4, column 5).
  await expect(page.getByText('Ln 4, Col 5')).toBeVisible();
});
