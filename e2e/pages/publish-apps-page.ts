import { expect, type Locator, type Page } from '@playwright/test';

/** The "Published apps" page: each app's versions (roll back) and instances. */
export class PublishedAppsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/apps');
    await expect(this.page.getByRole('heading', { level: 1, name: /Published apps/ })).toBeVisible();
  }

  /** An app's section, found by its slug heading. */
  app(slug: string): Locator {
    return this.page.getByRole('region', { name: slug, exact: true });
  }

  versions(slug: string): Locator {
    return this.app(slug).getByRole('table', { name: `Versions of ${slug}` });
  }

  instances(slug: string): Locator {
    return this.app(slug).getByRole('table', { name: `Instances of ${slug}` });
  }

  /** The row of version N (its row header reads "vN", plus "active" when it serves). */
  versionRow(slug: string, version: number): Locator {
    return this.versions(slug)
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^v${version}\\b`) }) });
  }

  async rollBackTo(slug: string, version: number): Promise<void> {
    await this.app(slug)
      .getByRole('button', { name: `Roll back to v${version}`, exact: true })
      .click();
    await expect(this.versionRow(slug, version)).toHaveAttribute('aria-current', 'true', { timeout: 60_000 });
  }
}
