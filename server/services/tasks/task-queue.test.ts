import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { testDialects } from '../../test-support/test-databases';
import { TaskQueue, type TaskInput } from './task-queue';
import { disposeTaskTests, openTaskDatabase, preview, production } from './tasks-test-support';

afterEach(disposeTaskTests);

describe.each(testDialects())('TaskQueue on %s', (dialect) => {
  const t0 = Date.parse('2026-03-02T07:00:00Z');

  it('stores a task with its defaults, due after its delay', async () => {
    const { db } = await openTaskDatabase(dialect);
    const queue = new TaskQueue(db, () => t0);
    let heard = 0;
    queue.onDidEnqueue(() => (heard += 1));
    const { id } = await queue.enqueue(production, { path: '/tasks/mail', payload: { report: 17 } });
    const delayed = await queue.enqueue(production, {
      path: '/tasks/cleanup',
      method: 'DELETE',
      delaySeconds: 3600,
      maxAttempts: 3,
      queue: 'cleanup-jobs',
    });
    expect(heard).toBe(2);
    expect(await queue.store.task(production, id)).toMatchObject({
      state: 'pending',
      method: 'POST',
      queue: 'default',
      attempts: 0,
      max_attempts: 5,
      payload: '{"report":17}',
      next_run_at: '2026-03-02T07:00:00.000Z',
    });
    expect(await queue.store.task(production, delayed.id)).toMatchObject({
      method: 'DELETE',
      queue: 'cleanup-jobs',
      max_attempts: 3,
      payload: null,
      next_run_at: '2026-03-02T08:00:00.000Z',
    });
  });

  it.each<[string, TaskInput, string]>([
    ['a relative path', { path: 'tasks/mail' }, 'path: must be a path on the app starting with "/"'],
    ['a full URL', { path: 'https://evil.example/x' }, 'path: must be a path'],
    ['a path with a space', { path: '/tasks/a b' }, 'percent-encode'],
    ['a path with non-ASCII', { path: '/tâches' }, 'percent-encode'],
    ['a path over 2000 characters', { path: `/${'a'.repeat(2000)}` }, 'path: must be at most 2000'],
    [
      'an unknown method',
      { path: '/t', method: 'HEAD' as never },
      'method: must be one of GET, POST, PUT, PATCH, DELETE',
    ],
    ['a negative delay', { path: '/t', delaySeconds: -1 }, 'delaySeconds: must be a whole number from 0 to 2592000'],
    ['a delay over 30 days', { path: '/t', delaySeconds: 30 * 86_400 + 1 }, 'delaySeconds'],
    ['a fractional delay', { path: '/t', delaySeconds: 1.5 }, 'delaySeconds'],
    ['no attempts', { path: '/t', maxAttempts: 0 }, 'maxAttempts: must be a whole number from 1 to 20'],
    ['21 attempts', { path: '/t', maxAttempts: 21 }, 'maxAttempts'],
    ['a queue name with capitals', { path: '/t', queue: 'Mail' }, 'queue: must be 1–40 lowercase'],
    ['an empty queue name', { path: '/t', queue: '' }, 'queue'],
    ['a queue name over 40', { path: '/t', queue: 'q'.repeat(41) }, 'queue'],
    ['a payload on GET', { path: '/t', method: 'GET', payload: { a: 1 } }, 'a GET task has no body'],
  ])('refuses %s, saying what is wrong', async (_name, input, message) => {
    const { db } = await openTaskDatabase(dialect);
    const attempt = new TaskQueue(db).enqueue(production, input);
    await expect(attempt).rejects.toThrow(DomainError);
    await expect(attempt).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining(message) as unknown,
    });
  });

  it('refuses a payload over 256 KiB as too large, and takes one just under', async () => {
    const { db } = await openTaskDatabase(dialect);
    const queue = new TaskQueue(db);
    const text = (bytes: number) => 'x'.repeat(bytes - 2); // JSON adds the quotes
    await expect(queue.enqueue(production, { path: '/t', payload: text(256 * 1024 + 1) })).rejects.toMatchObject({
      code: 'too-large',
      message: expect.stringContaining('the limit is 262144') as unknown,
    });
    await expect(queue.enqueue(production, { path: '/t', payload: text(256 * 1024) })).resolves.toHaveProperty('id');
  });

  it('lists only the scope’s dead letters, newest first, and retries one with all its attempts', async () => {
    const { db } = await openTaskDatabase(dialect);
    let now = t0;
    const queue = new TaskQueue(db, () => now);
    const kill = async (scope: typeof production, path: string, queueName?: string) => {
      const { id } = await queue.enqueue(scope, {
        path,
        maxAttempts: 1,
        payload: { path },
        ...(queueName ? { queue: queueName } : {}),
      });
      const [due] = await queue.store.dueQueues(new Date(now), [preview.appId], 10);
      const [row] = await queue.store.candidates(due!, new Date(now), 1);
      const task = await queue.store.claim(row!, 'd1', new Date(now), 60_000);
      await queue.store.fail(task!, new Date(now), new Date(now), `HTTP 500 for ${path}`);
      now += 1000;
      return id;
    };
    const first = await kill(production, '/first');
    const second = await kill(production, '/second', 'mail');
    await kill(preview, '/preview-one');
    await kill({ ...production, appId: 'app-2' }, '/other-app');

    const listed = await queue.deadLetters(production);
    expect(listed.map((task) => task.path)).toEqual(['/second', '/first']);
    expect(listed[0]).toEqual({
      id: second,
      queue: 'mail',
      method: 'POST',
      path: '/second',
      payload: { path: '/second' },
      attempts: 1,
      maxAttempts: 1,
      lastError: 'HTTP 500 for /second',
      createdAt: '2026-03-02T07:00:01.000Z',
      failedAt: '2026-03-02T07:00:01.000Z',
    });
    expect((await queue.deadLetters(production, { limit: 1 })).map((task) => task.id)).toEqual([second]);
    expect((await queue.deadLetters(production, { queue: 'default' })).map((task) => task.id)).toEqual([first]);
    expect((await queue.deadLetters(preview)).map((task) => task.path)).toEqual(['/preview-one']);

    // Another app cannot retry it; its own app can.
    await expect(queue.retry({ ...production, appId: 'app-2' }, first)).rejects.toMatchObject({ code: 'not-found' });
    await expect(queue.retry(preview, first)).rejects.toMatchObject({ code: 'not-found' });
    expect(await queue.retry(production, first)).toEqual({ id: first });
    expect(await queue.store.task(production, first)).toMatchObject({ state: 'pending', attempts: 0 });
    await expect(queue.retry(production, first)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('enqueues a cron run once per app, path and minute', async () => {
    const { db } = await openTaskDatabase(dialect);
    const queue = new TaskQueue(db, () => t0);
    const app = { tenantId: 'tenant-a', appId: 'app-1' };
    const run = { path: '/cron/report', schedule: '0 7 * * *', scheduledAt: new Date(t0) };
    expect(await queue.enqueueCronRun(app, run)).toBe(true);
    expect(await queue.enqueueCronRun(app, run)).toBe(false);
    expect(await queue.enqueueCronRun({ ...app, appId: 'app-2' }, run)).toBe(true);
    expect(await queue.enqueueCronRun(app, { ...run, path: '/cron/other' })).toBe(true);
    expect(await queue.enqueueCronRun(app, { ...run, scheduledAt: new Date(t0 + 60_000) })).toBe(true);
    const rows = await db.selectFrom('tasks').selectAll().where('app_id', '=', 'app-1').orderBy('path').execute();
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({
      environment: 'production',
      queue: 'cron',
      method: 'POST',
      max_attempts: 3,
      payload: JSON.stringify({ schedule: '0 7 * * *', scheduledAt: '2026-03-02T07:00:00.000Z' }),
    });
  });
});
