import { readFile, writeFile } from 'node:fs/promises';
import { ADMIN, expect, projectFilePath, readProjectFile, test } from './fixtures';
import type { DashboardPage } from './pages/dashboard-page';
import type { IdePage } from './pages/ide-page';
import type { LoginPage } from './pages/login-page';

/** A new Python project with notes.txt open in the editor, holding `text` saved; answers where it is on disk. */
async function noteSavedInTheEditor(
  { loginPage, dashboard, ide }: { loginPage: LoginPage; dashboard: DashboardPage; ide: IdePage },
  projectName: string,
  text: string,
): Promise<{ projectId: string; onDisk: string }> {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  const projectId = await dashboard.createApp('Python', /hello/i, projectName);
  await ide.createFile('notes.txt');
  await ide.openFile('notes.txt');
  await ide.appendText(text);
  await ide.saveWithShortcut();
  await expect.poll(() => readProjectFile(projectId, 'notes.txt')).toBe(text);
  return { projectId, onDisk: projectFilePath(projectId, 'notes.txt') };
}

test('a save never silently overwrites a change made on disk since the file was opened', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  const { projectId, onDisk } = await noteSavedInTheEditor({ loginPage, dashboard, ide }, 'py-conflict-e2e', 'opened');

  // Edited in the editor, changed outside it meanwhile (as a terminal or git would), then saved.
  await ide.appendText('_edited');
  await writeFile(onDisk, 'from_the_terminal');
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
  await ide.appendText('_mine_wins');
  await writeFile(onDisk, 'replaced_on_disk');
  await ide.saveWithShortcut();
  await conflict.getByRole('button', { name: 'Overwrite' }).click();
  await expect.poll(() => readProjectFile(projectId, 'notes.txt')).toBe('from_the_terminal_then_saved_mine_wins');
  await expect(page.getByRole('tab', { name: /notes\.txt/ })).not.toContainText('●');
});

test('a file without unsaved edits shows what changed on disk when the developer comes back to it', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  const { projectId, onDisk } = await noteSavedInTheEditor(
    { loginPage, dashboard, ide },
    'py-refresh-e2e',
    'saved_in_the_editor',
  );

  // Changed in the terminal while the developer is there; back in the editor, it shows.
  const terminal = await ide.newTerminal();
  await writeFile(onDisk, 'changed_by_a_script');
  await terminal.click();
  await ide.editor.locator('.view-lines').click();
  await expect(ide.editor.locator('.view-lines')).toHaveText('changed_by_a_script');
  await expect(page.getByRole('tab', { name: /notes\.txt/ })).not.toContainText('●');

  // The refreshed text is the saved state: editing and saving again needs no question.
  await ide.appendText('_and_edited');
  await ide.saveWithShortcut();
  await expect.poll(() => readProjectFile(projectId, 'notes.txt')).toBe('changed_by_a_script_and_edited');
  await expect(page.getByRole('dialog')).toHaveCount(0);
});
