import { expect, type FrameLocator, type Locator, type Page } from '@playwright/test';

/** The IDE: explorer, Monaco editor, bottom panel (Problems, Output, Terminal), source control and emulator. */
export class IdePage {
  constructor(private readonly page: Page) {}

  get editor(): Locator {
    return this.page.getByTestId('editor');
  }

  async openFile(name: string): Promise<void> {
    await this.page.getByRole('treeitem', { name, exact: true }).first().click();
    await expect(this.page.getByRole('tab', { name: new RegExp(name) })).toBeVisible();
    await this.page.waitForFunction(
      () => (window as { __slipwayEditorReady?: number }).__slipwayEditorReady !== undefined,
    );
  }

  /** Creates a file at the project's root with the explorer's "New file" button. */
  async createFile(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New file' }).click();
    await this.page.getByRole('textbox', { name: 'New file name' }).fill(name);
    await this.page.keyboard.press('Enter');
    await expect(this.page.getByRole('tree', { name: 'Files' }).getByRole('treeitem', { name })).toBeVisible();
  }

  async expandFolder(name: string): Promise<void> {
    const item = this.page.getByRole('treeitem', { name, exact: true }).first();
    if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click();
  }

  /** Types at the end of the open file. */
  async appendText(text: string): Promise<void> {
    await this.editor.locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.type(text);
  }

  async saveWithShortcut(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+S');
  }

  /** Opens another terminal and returns it, once it is the selected one. */
  async newTerminal(): Promise<Locator> {
    // The IDE starts (or restores) a terminal by itself; wait for it, so the one opened here is
    // the newest tab and nothing starting late can take its place.
    const tabs = this.page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab');
    await expect(tabs.first()).toBeVisible();
    const before = await tabs.count();
    await this.page.getByRole('button', { name: 'New terminal' }).click();
    await expect(tabs).toHaveCount(before + 1);
    const opened = tabs.last();
    await expect(opened).toHaveAttribute('aria-selected', 'true');
    const name = ((await opened.textContent()) ?? '').trim();
    const terminal = this.page.getByRole('tabpanel', { name, exact: true }).locator('.xterm');
    await expect(terminal).toBeVisible();
    return terminal;
  }

  async runInTerminal(terminal: Locator, command: string): Promise<void> {
    await terminal.click();
    await this.page.keyboard.type(command);
    await this.page.keyboard.press('Enter');
  }

  async commitAll(message: string): Promise<void> {
    await this.page.getByRole('button', { name: /Source Control/ }).click();
    await this.page.getByRole('textbox', { name: 'Commit message' }).fill(message);
    await this.page.getByRole('button', { name: 'Commit', exact: true }).click();
  }

  /** The app inside the emulator's frame (on the preview origin). */
  get preview(): FrameLocator {
    return this.page.frameLocator('iframe[title="Preview"]');
  }

  /** Presses Run in the emulator and waits until the frame shows the app. */
  async runPreview(): Promise<void> {
    await this.page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(this.page.locator('iframe[title="Preview"]')).toBeVisible({ timeout: 60_000 });
  }

  /** Shows a view of the bottom panel and returns its region. */
  async showPanel(view: 'Problems' | 'Output' | 'Tasks' | 'Terminal'): Promise<Locator> {
    await this.page
      .getByRole('tablist', { name: 'Panel views' })
      .getByRole('tab', { name: new RegExp(`^${view}`) })
      .click();
    return this.page.getByRole('region', { name: view === 'Terminal' ? 'Terminal panel' : view, exact: true });
  }
}
