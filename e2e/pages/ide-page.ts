import { expect, type Locator, type Page } from '@playwright/test';

/** The IDE: explorer, Monaco editor, terminal panel and source control. */
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

  async newTerminal(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'New terminal' }).click();
    const terminal = this.page.locator('.xterm').last();
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
}
