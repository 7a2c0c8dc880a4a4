import { ADMIN, expect, test } from './fixtures';

test('several terminals, exit status, copy and paste, and a flood that does not freeze the page', async ({
  page,
  context,
  loginPage,
  dashboard,
  ide,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Python', /hello/i, 'py-terminal-e2e');

  // Opening a project starts its first terminal by itself.
  await expect(page.getByRole('tab', { name: /^Terminal 1/ })).toBeVisible();
  const first = page.locator('.xterm').first();
  await ide.runInTerminal(first, 'echo one-$((1+0))');
  await expect(first.locator('.xterm-rows')).toContainText('one-1');
  const second = await ide.newTerminal();
  await expect(page.getByRole('tab', { name: /^Terminal 2/ })).toHaveAttribute('aria-selected', 'true');
  await ide.runInTerminal(second, 'echo two-$((1+1))');
  await expect(second.locator('.xterm-rows')).toContainText('two-2');

  // A flood is paced by acknowledgements: the page stays responsive and the shell answers after it.
  await ide.runInTerminal(second, 'yes | head -c 5000000 | tail -c 20; echo flood-$((3*3))');
  await expect(second.locator('.xterm-rows')).toContainText('flood-9', { timeout: 30_000 });
  const responsive = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const start = performance.now();
        setTimeout(() => resolve(performance.now() - start), 0);
      }),
  );
  expect(responsive).toBeLessThan(1_000);

  // Paste with Ctrl+Shift+V puts the clipboard into the shell.
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((2+3))'));
  await second.click();
  await page.keyboard.press('Control+Shift+V');
  await page.keyboard.press('Enter');
  await expect(second.locator('.xterm-rows')).toContainText('pasted-5');

  await ide.runInTerminal(second, 'exit 7');
  await expect(second.locator('.xterm-rows')).toContainText('[process exited with code 7]');
  await expect(page.getByRole('tab', { name: /^Terminal 2/ })).toContainText('exited');

  await page.getByRole('tab', { name: /^Terminal 1/ }).click();
  await ide.runInTerminal(first, 'echo still-$((4+4))');
  await expect(first.locator('.xterm-rows')).toContainText('still-8');
});
