import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN, expect, readProjectFile, test } from './fixtures';

test('a save never silently overwrites a change made on disk since the file was opened', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  const projectId = await dashboard.createApp('Python', /hello/i, 'py-conflict-e2e');
  const onDisk = path.join(process.env.SLIPWAY_E2E_DATA_DIR ?? '', 'projects', projectId, 'notes.txt');
  await ide.createFile('notes.txt');
  await ide.openFile('notes.txt');
  await ide.appendText('opened');
  await ide.saveWithShortcut();
  await expect.poll(() => readProjectFile(projectId, 'notes.txt')).toBe('opened');

  // Changed outside the editor (as a terminal or git would), then saved from the stale editor.
  await writeFile(onDisk, 'from_the_terminal');
  await ide.appendText('_edited');
  await ide.saveWithShortcut();
  const conflict = page.getByRole('dialog', { name: 'notes.txt changed on disk' });
  await expect(conflict).toBeVisible();
  expect(await readFile(onDisk, 'utf8')).toBe('from_the_terminal');
  await conflict.getByRole('button', { name: 'Reload from disk' }).click();
  await expect(ide.editor.locator('.view-lines')).toHaveText('from_the_terminal');

  // Reloaded, the editor is current again: the next save goes through without asking.
  await ide.appendText('_then_saved');
  await ide.saveWithShortcut();
  await expect.poll(() => readProjectFile(projectId, 'notes.txt')).toBe('from_the_terminal_then_saved');
  await expect(conflict).toBeHidden();

  // Changed again on disk; this time the developer keeps their version.
  await writeFile(onDisk, 'replaced_on_disk');
  await ide.appendText('_mine_wins');
  await ide.saveWithShortcut();
  await conflict.getByRole('button', { name: 'Overwrite' }).click();
  await expect.poll(() => readProjectFile(projectId, 'notes.txt')).toBe('from_the_terminal_then_saved_mine_wins');
  await expect(page.getByRole('tab', { name: /notes\.txt/ })).not.toContainText('●');
});
