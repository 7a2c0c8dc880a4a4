import { expect, type Locator, type Page } from '@playwright/test';

/** The IDE's Publish button and its progress dialog. */
export class PublishDialogPage {
  constructor(private readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: /^Publish / });
  }

  get openAppLink(): Locator {
    return this.dialog.getByRole('link', { name: 'Open app', exact: true });
  }

  /** One stage's list item; its `data-state` is pending, running, done or failed. */
  stage(name: string): Locator {
    return this.dialog.getByRole('list', { name: 'Publish stages' }).getByRole('listitem').filter({ hasText: name });
  }

  /** Presses Publish in the IDE's title bar and waits for the progress dialog. */
  async publish(): Promise<void> {
    await this.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect(this.dialog).toBeVisible();
  }

  /** Waits until the publish succeeded and returns the app's live URL (the "Open app" link). */
  async waitForDone(): Promise<string> {
    await expect(this.openAppLink).toBeVisible({ timeout: 120_000 });
    return (await this.openAppLink.getAttribute('href')) ?? '';
  }

  async close(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(this.dialog).toBeHidden();
  }
}
