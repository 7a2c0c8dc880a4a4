import { ADMIN, expect, readProjectFile, test } from './fixtures';

test('a developer edits a Java servlet with highlighting and commits it', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  const projectId = await dashboard.createApp('Java', /hello/i, 'java-hello-e2e');

  const servlet = 'src/main/java/com/example/hello/HelloServlet.java';
  const content = await readProjectFile(projectId, servlet);
  expect(content).toContain('class HelloServlet');
  for (const folder of ['src', 'main', 'java', 'com', 'example', 'hello']) await ide.expandFolder(folder);
  await ide.openFile('HelloServlet.java');
  // TextMate highlighting gives keywords their own token class (mtk*), not the default one.
  const keyword = ide.editor.locator('.view-lines span', { hasText: /^public$/ }).first();
  await expect(keyword).toBeVisible();
  expect(await keyword.getAttribute('class')).toMatch(/mtk(?!1\b)\d+/);

  await ide.appendText('\n// reviewed in Slipway\n');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => readProjectFile(projectId, servlet)).toContain('// reviewed in Slipway');

  const terminal = await ide.newTerminal();
  await ide.runInTerminal(terminal, 'javac -version');
  await expect(terminal.locator('.xterm-rows')).toContainText('javac 17');

  await ide.commitAll('Review HelloServlet');
  await expect(page.getByRole('list', { name: /history/i })).toContainText('Review HelloServlet');
});
