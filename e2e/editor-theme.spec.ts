import { ADMIN, expect, test } from './fixtures';

test.use({ colorScheme: 'dark' });

test('an IDE opened in dark mode shows code in the dark theme, and follows a switch to light', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Python', /hello/i, 'py-dark-e2e');
  await ide.openFile('app.py');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The theme service applies its own default once extensions are registered; ours must win.
  const monaco = ide.editor.locator('.monaco-editor');
  await expect(monaco).toHaveClass(/\bvs-dark\b/);
  await page.reload();
  await expect(monaco).toHaveClass(/\bvs-dark\b/);

  await page.getByRole('button', { name: 'Switch to light theme' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(monaco).toHaveClass(/\bvs\b(?!-)/);
});
