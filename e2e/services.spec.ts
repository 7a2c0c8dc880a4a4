import { ADMIN, expect, previewPythonApp, test } from './fixtures';

// Each request, the app tries a loopback address (always refused) and an outside site (no
// network here: it fails, until the contract denies it and it is refused).
const FETCHING_APP = `import html

import slipway
from slipway.errors import SlipwayError

TARGETS = ("http://127.0.0.1/internal", "https://www.blocked.example/prices")


def fetch_both(environ, start_response):
    lines = []
    for url in TARGETS:
        try:
            lines.append("%s: %d" % (url, slipway.urlfetch.fetch(url).status))
        except SlipwayError as error:
            lines.append("%s: %s" % (url, type(error).__name__))
    items = "".join("<li>%s</li>" % html.escape(line) for line in lines)
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [("<!doctype html><title>Fetch audit</title><ul>%s</ul>" % items).encode()]


# The signed-in user's identity goes with each call, so the log names who made the request.
app = slipway.IdentityMiddleware(fetch_both)
`;

test('Services: the URL fetch log names the app and why a request was refused; an operator denies a site', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await previewPythonApp(
    { page, dashboard, ide },
    { name: 'fetch-audit-e2e', services: ['urlfetch'], appPy: FETCHING_APP },
  );
  await expect(ide.preview.getByText('http://127.0.0.1/internal: ForbiddenError')).toBeVisible({ timeout: 60_000 });
  await expect(ide.preview.getByText(/www\.blocked\.example\/prices: (?!ForbiddenError)/)).toBeVisible();

  await page.goto('/services');
  const log = page.getByRole('table', { name: 'URL fetch log' });
  const loopback = log.getByRole('row').filter({ hasText: '127.0.0.1/internal' }).first();
  await expect(loopback).toContainText('fetch-audit-e2e');
  await expect(loopback).toContainText('preview');
  await expect(loopback).toContainText('loopback');
  // The preview signs the developer's identity, so the app's calls (and the log) name them.
  await expect(loopback).toContainText('Operator');

  // The operator denies the site; the app's next request is refused by the policy, and says so.
  const contract = page.getByRole('region', { name: 'Service contract' });
  await contract.getByRole('button', { name: 'Change' }).click();
  await contract.getByLabel('Never these sites').fill('*.blocked.example');
  await contract.getByRole('button', { name: 'Save contract' }).click();
  await expect(contract).toContainText('never *.blocked.example');

  await page.goBack();
  // The preview is still running: reloading it makes the app's requests again.
  await page.getByRole('button', { name: 'Reload preview' }).click();
  await expect(ide.preview.getByText('https://www.blocked.example/prices: ForbiddenError')).toBeVisible({
    timeout: 60_000,
  });
  await page.goto('/services');
  await page.getByLabel('Show').selectOption('refused');
  const denied = log.getByRole('row').filter({ hasText: 'www.blocked.example/prices' }).first();
  await expect(denied).toContainText('refused');
  await expect(denied).toContainText('blocked.example');
  await expect(log.getByRole('row').filter({ hasText: /allowed|failed/ })).toHaveCount(0);

  // Put the shared organisation's contract back as it was.
  await contract.getByRole('button', { name: 'Change' }).click();
  await contract.getByLabel('Never these sites').fill('');
  await contract.getByRole('button', { name: 'Save contract' }).click();
  await expect(contract).toContainText('any public site.');
});
