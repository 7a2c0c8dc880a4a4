import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test-support/test-databases';
import { TaskDispatcher, type TaskDispatchTiming } from './task-dispatcher';
import { TaskQueue } from './task-queue';
import { verifyTaskHeaders } from './task-signature';
import type { TaskStore } from './task-store';
import type { TaskTargets } from './task-targets';
import {
  disposeTaskTests,
  eventually,
  onTestEnd,
  openTaskDatabase,
  preview,
  production,
  quietLog,
  StandInInstance,
  testSigner,
} from './tasks-test-support';

// The dispatcher against a real HTTP server on a Unix socket standing in for the app's instance,
// on each database dialect. Retries wait milliseconds here; nothing asserts on timing.

afterEach(disposeTaskTests);

const FAST: Partial<TaskDispatchTiming> = {
  pollMs: 20,
  callTimeoutMs: 2_000,
  previewWaitMs: 20,
  backoff: { baseMs: 10, maxMs: 40 },
};

describe.each(testDialects())('TaskDispatcher on %s', (dialect) => {
  async function setUp(
    options: { timing?: Partial<TaskDispatchTiming>; now?: () => number; reachable?: (typeof production)[] } = {},
  ) {
    const { db, dir, openAnother } = await openTaskDatabase(dialect);
    const queue = new TaskQueue(db, options.now);
    const instance = await StandInInstance.start(dir);
    const signer = testSigner();
    const targets = instance.targets(options.reachable);
    const dispatcher = (store: TaskStore = queue.store, extra: { id?: string; targets?: TaskTargets } = {}) => {
      const created = new TaskDispatcher({
        store,
        targets: extra.targets ?? targets,
        sign: signer.sign,
        log: quietLog,
        onDidEnqueue: queue.onDidEnqueue,
        timing: { ...FAST, ...options.timing },
        ...(options.now ? { now: options.now } : {}),
        ...(extra.id ? { id: extra.id } : {}),
      });
      onTestEnd(() => created.dispose());
      return created;
    };
    return { db, queue, instance, signer, targets, dispatcher, openAnother };
  }

  it('calls the path on the instance with the payload and signed task headers', async () => {
    const { queue, instance, signer, dispatcher } = await setUp();
    dispatcher().start();
    const { id } = await queue.enqueue(production, {
      path: '/tasks/mail?to=ops',
      payload: { report: 17 },
      queue: 'mail',
    });
    await eventually(async () => (await queue.store.task(production, id))?.state === 'done');
    expect(instance.calls).toHaveLength(1);
    const call = instance.calls[0]!;
    expect(call).toMatchObject({ method: 'POST', url: '/tasks/mail?to=ops', body: '{"report":17}' });
    expect(call.headers).toMatchObject({
      host: 'app.example.test',
      'x-forwarded-proto': 'https',
      'content-type': 'application/json',
      'x-slipway-task-id': id,
      'x-slipway-task-attempt': '1',
      'x-slipway-task-queue': 'mail',
    });
    const fresh = { now: Date.now(), maxAgeSeconds: 60 };
    expect(verifyTaskHeaders(signer.publicKeyBase64, production.appId, call.headers, fresh)).toBe(true);
    // The signature binds the app, the task, the attempt and the time.
    expect(verifyTaskHeaders(signer.publicKeyBase64, 'another-app', call.headers, fresh)).toBe(false);
    for (const [name, value] of [
      ['x-slipway-task-id', 'forged'],
      ['x-slipway-task-attempt', '2'],
      ['x-slipway-task-time', String(Number(call.headers['x-slipway-task-time']) + 1)],
    ]) {
      expect(verifyTaskHeaders(signer.publicKeyBase64, production.appId, { ...call.headers, [name!]: value })).toBe(
        false,
      );
    }
    expect(verifyTaskHeaders(testSigner().publicKeyBase64, production.appId, call.headers)).toBe(false);
    expect(
      verifyTaskHeaders(signer.publicKeyBase64, production.appId, call.headers, {
        now: Date.now() + 600_000,
        maxAgeSeconds: 60,
      }),
    ).toBe(false);
  });

  it('sends a body of null without a payload, and no body with GET', async () => {
    const { queue, instance, dispatcher } = await setUp();
    dispatcher().start();
    const a = await queue.enqueue(production, { path: '/a' });
    const b = await queue.enqueue(production, { path: '/b?x=1', method: 'GET' });
    const c = await queue.enqueue(production, { path: '/c', method: 'PUT', payload: null });
    await eventually(async () => {
      const states = await Promise.all([a, b, c].map(({ id }) => queue.store.task(production, id)));
      return states.every((task) => task?.state === 'done');
    });
    const byUrl = Object.fromEntries(instance.calls.map((call) => [call.url, call]));
    expect(byUrl['/a']).toMatchObject({ method: 'POST', body: 'null' });
    expect(byUrl['/b?x=1']).toMatchObject({ method: 'GET', body: '' });
    expect(byUrl['/b?x=1']!.headers['content-type']).toBeUndefined();
    expect(byUrl['/c']).toMatchObject({ method: 'PUT', body: 'null' });
  });

  it('retries errors and unanswered calls with backoff until the app answers 2xx', async () => {
    const { queue, instance, dispatcher } = await setUp({ timing: { callTimeoutMs: 300 } });
    const answers = [{ status: 500, body: 'database is down' }, 'hang' as const, { status: 503 }, { status: 204 }];
    instance.answer = () => answers.shift() ?? { status: 200 };
    dispatcher().start();
    const { id } = await queue.enqueue(production, { path: '/flaky' });
    await eventually(async () => (await queue.store.task(production, id))?.state === 'done');
    expect(instance.calls.map((call) => call.headers['x-slipway-task-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(new Set(instance.calls.map((call) => call.headers['x-slipway-task-id']))).toEqual(new Set([id]));
    expect(await queue.store.task(production, id)).toMatchObject({ attempts: 4, last_error: null });
  });

  it('makes a task that fails every attempt a dead letter with its last error', async () => {
    const { queue, instance, dispatcher } = await setUp();
    instance.answer = (call) => ({
      status: 500,
      body: `no luck on attempt ${String(call.headers['x-slipway-task-attempt'])}`,
    });
    dispatcher().start();
    const { id } = await queue.enqueue(production, { path: '/doomed', maxAttempts: 3, payload: { n: 1 } });
    await eventually(async () => (await queue.store.task(production, id))?.state === 'dead');
    expect(instance.calls).toHaveLength(3);
    expect(await queue.deadLetters(production)).toEqual([
      expect.objectContaining({
        id,
        path: '/doomed',
        payload: { n: 1 },
        attempts: 3,
        maxAttempts: 3,
        lastError: 'HTTP 500: no luck on attempt 3',
      }),
    ]);
  });

  it('reports an instance that cannot be reached as the error', async () => {
    const { queue, dispatcher, instance } = await setUp();
    const nowhere: TaskTargets = {
      runningPreviews: () => [],
      endpointFor: () =>
        Promise.resolve({
          endpoint: { kind: 'unix', path: `${instance.socketPath}.missing` },
          origin: 'http://x.test',
        }),
    };
    dispatcher(queue.store, { targets: nowhere }).start();
    const { id } = await queue.enqueue(production, { path: '/t', maxAttempts: 1 });
    await eventually(async () => (await queue.store.task(production, id))?.state === 'dead');
    expect((await queue.deadLetters(production))[0]?.lastError).toMatch(/did not answer: ENOENT/);
  });

  it('does not call before the delay has passed', async () => {
    let now = Date.parse('2026-03-02T07:00:00Z');
    const { queue, instance, dispatcher } = await setUp({ now: () => now });
    const running = dispatcher();
    const { id } = await queue.enqueue(production, { path: '/later', delaySeconds: 60 });
    now += 59_000;
    await running.poll();
    await running.idle();
    expect(instance.calls).toHaveLength(0);
    now += 1_000;
    await running.poll();
    await running.idle();
    expect(instance.calls.map((call) => call.url)).toEqual(['/later']);
    expect((await queue.store.task(production, id))?.state).toBe('done');
  });

  it('retries a task whose dispatcher crashed once the lease lapses', async () => {
    const { queue, instance, dispatcher } = await setUp({ timing: { leaseMs: 300 } });
    const { id } = await queue.enqueue(production, { path: '/orphan' });
    // A dispatcher claims it and dies before calling.
    const [due] = await queue.store.dueQueues(new Date(), [], 10);
    const [row] = await queue.store.candidates(due!, new Date(), 1);
    expect(await queue.store.claim(row!, 'crashed', new Date(), 300)).toBeDefined();
    dispatcher(queue.store, { id: 'survivor' }).start();
    await eventually(async () => (await queue.store.task(production, id))?.state === 'done');
    expect(instance.calls.map((call) => call.headers['x-slipway-task-attempt'])).toEqual(['2']);
  });

  it('keeps tasks across a restart: a call cut short is given back and made by the next dispatcher', async () => {
    const { queue, instance, dispatcher, openAnother } = await setUp();
    instance.answer = () => 'hang';
    const first = dispatcher();
    first.start();
    const cut = await queue.enqueue(production, { path: '/cut-short' });
    const later = await queue.enqueue(production, { path: '/later', delaySeconds: 1 });
    await eventually(() => instance.calls.length === 1);
    await first.dispose();
    expect(await queue.store.task(production, cut.id)).toMatchObject({ state: 'pending', attempts: 0 });

    // A new platform process: its own connections, a new dispatcher.
    instance.answer = () => ({ status: 200 });
    const restarted = new TaskQueue(await openAnother());
    dispatcher(restarted.store).start();
    await eventually(async () => {
      const tasks = await Promise.all([cut, later].map(({ id }) => restarted.store.task(production, id)));
      return tasks.every((task) => task?.state === 'done');
    });
    // The cut-short attempt was given back, not used up: the retry is attempt 1 again.
    const attempts = instance.calls
      .filter((call) => call.url === '/cut-short')
      .map((call) => call.headers['x-slipway-task-attempt']);
    expect(attempts).toEqual(['1', '1']);
  });

  it('keeps preview tasks waiting while the preview is not running, without using attempts', async () => {
    const { queue, instance, dispatcher, targets } = await setUp({ reachable: [production] });
    dispatcher().start();
    const { id } = await queue.enqueue(preview, { path: '/preview-task', maxAttempts: 1 });
    const other = await queue.enqueue(production, { path: '/production-task' });
    await eventually(async () => (await queue.store.task(production, other.id))?.state === 'done');
    expect(await queue.store.task(preview, id)).toMatchObject({ state: 'pending', attempts: 0 });
    targets.reachable = [production, preview];
    await eventually(async () => (await queue.store.task(preview, id))?.state === 'done');
    expect(instance.calls.map((call) => call.url)).toEqual(['/production-task', '/preview-task']);
  });

  it('keeps to the rate of each app queue', async () => {
    let now = Date.parse('2026-03-02T07:00:00Z');
    const { queue, instance, dispatcher } = await setUp({ now: () => now, timing: { ratePerSecond: 5, burst: 5 } });
    const running = dispatcher();
    for (let i = 0; i < 12; i++) await queue.enqueue(production, { path: `/mail/${i}`, queue: 'mail' });
    for (let i = 0; i < 3; i++) await queue.enqueue(production, { path: `/other/${i}`, queue: 'other' });
    await running.poll();
    await running.idle();
    const count = (prefix: string) => instance.calls.filter((call) => call.url.startsWith(prefix)).length;
    // Five of the busy queue, and the other queue is not held up by it.
    expect([count('/mail/'), count('/other/')]).toEqual([5, 3]);
    now += 1_000;
    await running.poll();
    await running.idle();
    expect(count('/mail/')).toBe(10);
    now += 1_000;
    await running.poll();
    await running.idle();
    expect(count('/mail/')).toBe(12);
  });

  it('caps the calls in flight', async () => {
    const { queue, instance, dispatcher, db } = await setUp({ timing: { maxConcurrent: 3, maxConcurrentPerQueue: 2 } });
    instance.answer = () => 'hang';
    const running = dispatcher();
    for (let i = 0; i < 4; i++) await queue.enqueue(production, { path: `/a/${i}`, queue: 'a' });
    for (let i = 0; i < 4; i++) await queue.enqueue(production, { path: `/b/${i}`, queue: 'b' });
    for (let i = 0; i < 3; i++) await running.poll();
    const runningRows = await db.selectFrom('tasks').select(['queue']).where('state', '=', 'running').execute();
    expect(runningRows).toHaveLength(3);
    expect(runningRows.filter((row) => row.queue === 'a').length).toBeLessThanOrEqual(2);
    await eventually(() => instance.calls.length === 3);
  });
});
