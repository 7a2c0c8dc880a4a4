import type { Page } from '@playwright/test';

/** The dashboard with the project list and the new-app wizard. */
export class DashboardPage {
  constructor(private readonly page: Page) {}

  /** Creates an app through the wizard and waits for the IDE; returns the project id. */
  async createApp(runtime: 'Java' | 'Python', templateTitle: RegExp, name: string): Promise<string> {
    await this.page.getByRole('button', { name: 'New app' }).click();
    const wizard = this.page.getByRole('dialog');
    await wizard
      .getByRole('radio', { name: new RegExp(runtime) })
      .first()
      .check();
    await wizard.getByRole('radio', { name: templateTitle }).check();
    await wizard.getByLabel('Name').fill(name);
    await wizard.getByRole('button', { name: 'Create' }).click();
    await this.page.waitForURL(/\/ide\/[0-9a-f-]{36}/);
    return new URL(this.page.url()).pathname.split('/').pop() ?? '';
  }
}
