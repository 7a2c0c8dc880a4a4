import { ADMIN, expect, previewPythonApp, test } from './fixtures';

// Its page enqueues a call of /tasks/sync with one attempt. The first call fails (the worker's
// counter starts at zero), so the task becomes a dead letter; a retry succeeds.
const SYNCING_APP = `import slipway

calls = {"sync": 0}


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/tasks/sync":
        calls["sync"] += 1
        if calls["sync"] == 1:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"the supplier's system is down"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"synced"]
    if environ.get("PATH_INFO") != "/":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    task = slipway.tasks.enqueue("/tasks/sync", {"supplier": 7}, max_attempts=1)
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [("<!doctype html><title>Sync</title><p>Sync queued: %s</p>" % task).encode()]
`;

test('Tasks: a task that failed its attempts shows with its error, and Retry runs it again', async ({
  page,
  loginPage,
  dashboard,
  ide,
}) => {
  await loginPage.logIn(ADMIN.email, ADMIN.password);
  await previewPythonApp({ page, dashboard, ide }, { name: 'tasks-e2e', services: ['tasks'], appPy: SYNCING_APP });
  await expect(ide.preview.getByText(/Sync queued: /)).toBeVisible({ timeout: 60_000 });

  const panel = await ide.showPanel('Tasks');
  const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
  const failed = panel.getByRole('region', { name: 'Failed' });
  await expect(async () => {
    await refresh.click();
    await expect(failed).toContainText('POST /tasks/sync', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(failed).toContainText('503');
  await expect(failed).toContainText('1/1 attempts');
  await expect(failed).toContainText('preview');

  await failed.getByRole('button', { name: 'Retry POST /tasks/sync' }).click();
  await expect(async () => {
    await refresh.click();
    await expect(panel).toContainText('No tasks.', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
});
