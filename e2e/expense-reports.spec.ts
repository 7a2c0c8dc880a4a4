import sharp from 'sharp';
import { ADMIN, expect, test } from './fixtures';

/** A 3000×2000 phone photo stored sideways (EXIF orientation 6: turn it 90° clockwise to view). */
function sidewaysPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#d9c9a8' } })
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
}

test('Expense reports in the preview: fill the form with a phone photo, see it upright and small, listed with its thumbnail', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await dashboard.createApp('Python', /Expense reports/i, 'expenses-e2e');
  await ide.runPreview();
  // At 100 % the phone is not scaled, so clicks land where Playwright aims them.
  await page.getByRole('combobox', { name: 'Zoom' }).selectOption('100 %');
  const app = ide.preview;
  await expect(app.getByText('No expenses yet.')).toBeVisible({ timeout: 60_000 });

  await app.getByRole('link', { name: 'Add your first expense' }).click();
  await app.getByLabel('Date').fill('2026-03-01');
  await app.getByLabel('Amount').fill('12.50');
  await app.getByLabel('Category').selectOption('Travel');
  await app.getByLabel('Description').fill('Taxi to the airport');
  await app
    .getByLabel('Receipt photo (optional)')
    .setInputFiles({ name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: await sidewaysPhoto() });
  await app.getByRole('button', { name: 'Save expense' }).click();

  await expect(app.getByRole('heading', { level: 1 })).toHaveText('Travel · 12.50');
  const receipt = app.getByRole('img', { name: /^Receipt photo for expense/ });
  await expect(receipt).toHaveJSProperty('naturalWidth', 1067);
  await expect(receipt).toHaveJSProperty('naturalHeight', 1600);

  await app.getByRole('link', { name: 'Back to the list' }).click();
  const row = app.getByRole('link', { name: /Taxi to the airport/ });
  await expect(row).toContainText('12.50');
  await expect(row.getByRole('img', { name: 'Receipt attached' })).toHaveJSProperty('naturalWidth', 160);

  // The preview signs the developer in, as the gateway will in production: their list, and tabs to
  // everyone's. Shown as signed out, the app lists everyone's expenses without tabs.
  const views = app.getByRole('navigation', { name: 'Whose expenses' });
  await expect(views.getByRole('link', { name: 'Mine' })).toHaveAttribute('aria-current', 'page');
  const identity = page.getByLabel('Preview identity');
  await identity.selectOption('signed-out');
  await expect(views).toHaveCount(0);
  await expect(app.getByRole('link', { name: /Taxi to the airport/ })).toBeVisible();
  await identity.selectOption('self');
  await expect(views.getByRole('link', { name: 'Everyone' })).toBeVisible();
});
