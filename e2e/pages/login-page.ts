import type { Page } from '@playwright/test';

/** The login screen. */
export class LoginPage {
  constructor(private readonly page: Page) {}

  async logIn(email: string, password: string): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
    await this.page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }
}
