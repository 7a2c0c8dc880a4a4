import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseLocationFrom, openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import type { SessionDto } from '../protocol/identity';
import type { ProjectTasksDto } from '../protocol/tasks';
import type { ProjectDto } from '../protocol/projects';
import { eventually } from '../services/tasks/tasks-test-support';
import { memberOfNewTenant } from '../test-support/fixtures';
import { PlatformServicesTestClient } from '../test-support/platform-services-client';
import { testDialects } from '../test-support/test-databases';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

// The IDE's Tasks view over a real platform whose dispatcher runs. A preview's tasks wait for the
// preview to run; the published app here has no version to wake, so its tasks fail, and one with
// a single attempt becomes a dead letter.

describe.each(testDialects())("a project's tasks on %s", (dialect) => {
  let env: TestPlatform;
  let services: PlatformServicesTestClient;
  let dev: ApiTestClient;
  let project: ProjectDto;
  let db: Kysely<Database>;
  const appId = 'app-reminders';

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    services = await PlatformServicesTestClient.for(env);
    const acme = await memberOfNewTenant(env, 'tasks-view', ['developer']);
    dev = acme.client;
    project = await dev.json<ProjectDto>('POST', `/tenants/${acme.tenant.id}/projects`, {
      name: 'reminders',
      templateId: 'python-hello',
    });
    db = await openDatabase(databaseLocationFrom(env.platform.config.databaseUrl, env.platform.config.dataDir));
    await db
      .insertInto('apps')
      .values({
        id: appId,
        tenant_id: project.tenantId,
        slug: 'reminders',
        title: 'Reminders',
        runtime: 'python',
        project_id: project.id,
        active_version_id: null,
        created_by: (await dev.json<SessionDto>('GET', '/session')).user.id,
        created_at: new Date().toISOString(),
      })
      .execute();
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await env?.close();
  });

  it('lists what waits and the dead letters with their errors, and retries a dead one', async () => {
    const preview = await services.token({ tenantId: project.tenantId, appId: project.id, environment: 'preview' });
    const production = await services.token({ tenantId: project.tenantId, appId, environment: 'production' });
    const later = await services.call<{ id: string }>(preview, 'tasks/enqueue', { path: '/later', delaySeconds: 60 });
    const failing = await services.call<{ id: string }>(production, 'tasks/enqueue', {
      path: '/fails',
      maxAttempts: 1,
    });
    const tasksPath = `/projects/${project.id}/tasks`;

    const listed = await eventually(async () => {
      const tasks = await dev.json<ProjectTasksDto>('GET', tasksPath);
      return tasks.dead.length > 0 ? tasks : undefined;
    });
    expect(listed.waiting).toEqual([
      expect.objectContaining({
        id: later.body.id,
        environment: 'preview',
        path: '/later',
        state: 'pending',
        attempts: 0,
        nextRunAt: expect.any(String) as string,
      }),
    ]);
    expect(Date.parse(listed.waiting[0]?.nextRunAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
    const dead = listed.dead[0];
    expect(dead).toMatchObject({
      id: failing.body.id,
      environment: 'production',
      path: '/fails',
      state: 'dead',
      attempts: 1,
      maxAttempts: 1,
    });
    expect(dead?.lastError).toBeTruthy();

    // A retry runs it again from its first attempt (it fails again: the app still has no version).
    const retried = await dev.post(`${tasksPath}/${failing.body.id}/retry`);
    expect(retried.status).toBe(200);
    await eventually(async () => {
      const again = (await dev.json<ProjectTasksDto>('GET', tasksPath)).dead[0];
      return again && Date.parse(again.failedAt ?? '') > Date.parse(dead?.failedAt ?? '') ? again : undefined;
    });

    for (const [taskId, detail] of [
      [later.body.id, 'only dead letters'],
      ['no-such-task', 'no-such-task'],
    ] as const) {
      const refused = await dev.post(`${tasksPath}/${taskId}/retry`);
      expect(refused.status).toBe(404);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(((await refused.json()) as { detail: string }).detail).toContain(detail);
    }
    const outsider = (await memberOfNewTenant(env, 'tasks-view-outsider', ['developer'])).client;
    expect((await outsider.get(tasksPath)).status).toBe(404);
    expect((await outsider.post(`${tasksPath}/${failing.body.id}/retry`)).status).toBe(404);
  });
});
