import { ADMIN, expect, readProjectFile, test } from './fixtures';

test('a developer creates a Python app, edits, saves, uses the terminal and commits', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  const projectId = await dashboard.createApp('Python', /hello/i, 'py-hello-e2e');

  await ide.openFile('app.py');
  await expect(ide.editor.locator('.view-lines')).toContainText('import html');
  const marker = `# edited in the browser ${Date.now()}`;
  await ide.appendText(`\n${marker}\n`);
  await expect(page.getByRole('tab', { name: /app\.py/ })).toHaveAttribute('data-dirty', 'true');
  await ide.saveWithShortcut();
  await expect.poll(() => readProjectFile(projectId, 'app.py')).toContain(marker);
  await expect(page.getByRole('tab', { name: /app\.py/ })).not.toHaveAttribute('data-dirty', 'true');
  // A second edit after a save marks the tab dirty again.
  await page.keyboard.type('# second edit\n');
  await expect(page.getByRole('tab', { name: /app\.py/ })).toHaveAttribute('data-dirty', 'true');
  await ide.saveWithShortcut();
  await expect.poll(() => readProjectFile(projectId, 'app.py')).toContain('# second edit');
  await expect(page.getByRole('tab', { name: /app\.py/ })).not.toHaveAttribute('data-dirty', 'true');

  const terminal = await ide.newTerminal();
  await ide.runInTerminal(terminal, 'ls -1');
  await expect(terminal.locator('.xterm-rows')).toContainText('slipway.json');
  await expect(terminal.locator('.xterm-rows')).toContainText('app.py');

  await ide.commitAll('Edit app.py from the browser');
  await expect(page.getByRole('list', { name: /history/i })).toContainText('Edit app.py from the browser');
});

test('a reload keeps the open tabs, the layout and the terminal with its output', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Python', /hello/i, 'py-reload-e2e');
  await ide.openFile('README.md');
  await ide.openFile('app.py');
  const terminal = await ide.newTerminal();
  await ide.runInTerminal(terminal, 'echo before-$((40+2))');
  await expect(terminal.locator('.xterm-rows')).toContainText('before-42');

  await page.reload();
  await expect(page.getByRole('tab', { name: 'README.md' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'app.py' })).toHaveAttribute('aria-selected', 'true');
  const reattached = page.locator('.xterm').filter({ visible: true });
  await expect(reattached.locator('.xterm-rows')).toContainText('before-42');
  await ide.runInTerminal(reattached, 'echo after-$((40+3))');
  await expect(reattached.locator('.xterm-rows')).toContainText('after-43');
});
