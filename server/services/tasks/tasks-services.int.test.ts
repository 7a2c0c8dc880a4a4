import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_SERVICES_BASE, SERVICES_SOCKET_NAME } from '../../protocol/platform-services';
import type { PreviewStatusDto } from '../../protocol/preview';
import { adminWithProject, memberOfNewTenant } from '../../test-support/fixtures';
import { testDialects } from '../../test-support/test-databases';
import { startTestPlatform, type TestPlatform } from '../../test-support/test-platform';
import { InstanceTokens } from '../instance-tokens';
import type { ServiceEnvironment } from '../service-scope';
import { eventually } from './tasks-test-support';
import { postToServices } from '../../test-support/services-socket-client';

// `tasks/*` as an instance calls it: HTTP on the services socket of a real platform whose
// dispatcher runs (tasks of apps that do not exist fail and become dead letters).

describe.each(testDialects())('tasks over the services socket (%s)', (dialect) => {
  let env: TestPlatform;
  let tenantId: string;
  let otherTenantId: string;
  let tokens: InstanceTokens;
  let socketPath: string;
  let apps = 0;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    tenantId = (await memberOfNewTenant(env, 'tasks-a', ['developer'])).tenant.id;
    otherTenantId = (await memberOfNewTenant(env, 'tasks-b', ['developer'])).tenant.id;
    tokens = new InstanceTokens(path.join(env.platform.config.dataDir, 'services', 'tokens.key'));
    socketPath = path.join(env.platform.config.dataDir, 'run', 'services', SERVICES_SOCKET_NAME);
  }, 60_000);
  afterAll(() => env.close());

  const tokenFor = (tenant = tenantId, environment: ServiceEnvironment = 'preview', appId = `app-${++apps}`) =>
    tokens.issue({ scope: { tenantId: tenant, appId, environment }, instanceId: `i-${appId}` });

  async function call(
    token: string,
    operation: string,
    body: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const answer = await postToServices(socketPath, token, `${PLATFORM_SERVICES_BASE}/${operation}`, body);
    return { status: answer.status, body: answer.body as Record<string, unknown> };
  }

  it('enqueues a task and answers its id', async () => {
    const answer = await call(await tokenFor(), 'tasks/enqueue', { path: '/tasks/mail', payload: { report: 17 } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: expect.any(String) as unknown });
  });

  it.each([
    ['no path', {}, 'path'],
    ['a relative path', { path: 'tasks/mail' }, 'path: must be a path on the app starting with "/"'],
    ['a long path', { path: `/${'x'.repeat(2000)}` }, 'path: must be at most 2000 characters'],
    ['an unknown method', { path: '/t', method: 'HEAD' }, 'method'],
    [
      'a delay over 30 days',
      { path: '/t', delaySeconds: 2_592_001 },
      'delaySeconds: must be at most 2592000 (30 days)',
    ],
    ['a fractional delay', { path: '/t', delaySeconds: 0.5 }, 'delaySeconds: must be a whole number of seconds'],
    ['zero attempts', { path: '/t', maxAttempts: 0 }, 'maxAttempts: must be at least 1'],
    ['21 attempts', { path: '/t', maxAttempts: 21 }, 'maxAttempts: must be at most 20'],
    [
      'a bad queue name',
      { path: '/t', queue: 'Mail Queue' },
      'queue: must be 1–40 lowercase letters, digits and dashes',
    ],
    ['an unknown field', { path: '/t', delay: 5 }, 'delay'],
    ['a payload on GET', { path: '/t', method: 'GET', payload: 1 }, 'a GET task has no body'],
  ])('refuses %s with a 400 saying what is wrong', async (_name, body, detail) => {
    const answer = await call(await tokenFor(), 'tasks/enqueue', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid-input' });
    expect(answer.body.detail).toContain(detail);
  });

  it('refuses a payload over 256 KiB with a 413, and a body that is not JSON with a 400', async () => {
    const big = await call(await tokenFor(), 'tasks/enqueue', { path: '/t', payload: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'too-large', limit: 262_144 });
    const broken = await call(await tokenFor(), 'tasks/enqueue', '{"path": ');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toContain('not valid JSON');
  });

  it('answers 403 naming tasks when the tenant contract leaves them out', async () => {
    const contracted = (await memberOfNewTenant(env, 'tasks-c', ['developer'])).tenant.id;
    await env.platform.services.contracts.setContract(contracted, { services: ['datastore'] });
    for (const operation of ['tasks/enqueue', 'tasks/dead-letters', 'tasks/retry']) {
      const answer = await call(await tokenFor(contracted), operation, { path: '/t' });
      expect(answer.status, operation).toBe(403);
      expect(answer.body).toMatchObject({ code: 'forbidden', service: 'tasks' });
      expect(answer.body.detail).toContain('"tasks" service is not part of');
    }
  });

  it("waits for the project's preview, then calls its instance", async () => {
    const { admin, project } = await adminWithProject(env, `preview-tasks-${++apps}`, 'python-hello');
    const token = await tokenFor(project.tenantId, 'preview', project.id);
    // The preview test toolchain's instance answers GET /headers (exactly).
    const { body } = await call(token, 'tasks/enqueue', { path: '/headers', method: 'GET', maxAttempts: 1 });
    const scope = { tenantId: project.tenantId, appId: project.id, environment: 'preview' as const };
    const store = env.platform.services.tasks.store;
    expect(await store.task(scope, body.id as string)).toMatchObject({ state: 'pending', attempts: 0 });
    const started = await admin.json<PreviewStatusDto>('POST', `/projects/${project.id}/preview/start`);
    expect(['starting', 'running']).toContain(started.state);
    await eventually(async () => (await store.task(scope, body.id as string))?.state === 'done', 60_000);
    expect(await store.task(scope, body.id as string)).toMatchObject({ attempts: 1, last_error: null });
    await admin.post(`/projects/${project.id}/preview/stop`);
  }, 90_000);

  it("lists the app's own dead letters, newest first, and lets only that app retry them", async () => {
    // A production app that does not exist: its tasks fail at once and have no attempts left.
    const appId = `gone-${++apps}`;
    const token = await tokenFor(tenantId, 'production', appId);
    const ids: string[] = [];
    for (const name of ['first', 'second']) {
      const answer = await call(token, 'tasks/enqueue', { path: `/tasks/${name}`, maxAttempts: 1, payload: { name } });
      ids.push(answer.body.id as string);
      await eventually(async () => {
        const listed = await call(token, 'tasks/dead-letters', {});
        return (listed.body.tasks as { id: string }[]).some((task) => task.id === answer.body.id) || undefined;
      });
    }
    const listed = await call(token, 'tasks/dead-letters', { limit: 10 });
    expect(listed.status).toBe(200);
    expect(listed.body.tasks).toEqual([
      expect.objectContaining({
        id: ids[1],
        path: '/tasks/second',
        payload: { name: 'second' },
        attempts: 1,
        maxAttempts: 1,
      }),
      expect.objectContaining({ id: ids[0], path: '/tasks/first', queue: 'default', method: 'POST' }),
    ]);
    expect((listed.body.tasks as { lastError: string }[])[0]!.lastError).toContain(`app ${appId} no longer exists`);
    expect((await call(token, 'tasks/dead-letters', { limit: 1 })).body.tasks).toHaveLength(1);

    // The same app id in preview, another app, another tenant: none see or retry them.
    for (const other of [
      await tokenFor(tenantId, 'preview', appId),
      await tokenFor(tenantId, 'production', `other-${appId}`),
      await tokenFor(otherTenantId, 'production', appId),
    ]) {
      expect((await call(other, 'tasks/dead-letters', {})).body.tasks).toEqual([]);
      const retry = await call(other, 'tasks/retry', { id: ids[0] });
      expect(retry.status).toBe(404);
    }
    expect(await call(token, 'tasks/retry', { id: ids[0] })).toEqual({ status: 200, body: { id: ids[0] } });
  });
});
