import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test-support/test-databases';
import { TaskQueue } from './task-queue';
import { TaskStore, type ClaimedTask } from './task-store';
import { disposeTaskTests, openTaskDatabase, preview, production } from './tasks-test-support';

afterEach(disposeTaskTests);

const LEASE_MS = 60_000;
const t0 = Date.parse('2026-03-02T07:00:00Z');
const at = (ms: number) => new Date(t0 + ms);

describe.each(testDialects())('TaskStore claims and leases on %s', (dialect) => {
  async function setUp() {
    const { db, openAnother } = await openTaskDatabase(dialect);
    let now = t0;
    const queue = new TaskQueue(db, () => now);
    return { db, openAnother, queue, store: queue.store, setNow: (ms: number) => (now = t0 + ms) };
  }

  async function claimOne(store: TaskStore, owner: string, when: Date): Promise<ClaimedTask | undefined> {
    for (const due of await store.dueQueues(when, [], 10)) {
      for (const row of await store.candidates(due, when, 10)) {
        const claimed = await store.claim(row, owner, when, LEASE_MS);
        if (claimed) return claimed;
      }
    }
    return undefined;
  }

  it('claims a due task once, counting an attempt, and completes it', async () => {
    const { queue, store } = await setUp();
    const { id } = await queue.enqueue(production, { path: '/tasks/mail', payload: { report: 17 } });
    const task = await claimOne(store, 'd1', at(0));
    expect(task).toMatchObject({
      id,
      attempt: 1,
      maxAttempts: 5,
      queue: 'default',
      method: 'POST',
      path: '/tasks/mail',
    });
    expect(JSON.parse(task!.payload!)).toEqual({ report: 17 });
    expect(await claimOne(store, 'd2', at(0))).toBeUndefined();
    expect(await store.complete(task!, at(10))).toBe(true);
    expect(await store.task(production, id)).toMatchObject({ state: 'done', attempts: 1, lease_owner: null });
    expect(await claimOne(store, 'd2', at(LEASE_MS * 10))).toBeUndefined();
  });

  it('lets exactly one of two dispatchers on separate connections win each claim', async () => {
    const { queue, store, openAnother } = await setUp();
    const other = new TaskStore(await openAnother());
    for (let i = 0; i < 20; i++) await queue.enqueue(production, { path: `/t/${i}` });
    const [due] = await store.dueQueues(at(0), [], 10);
    // Both read the same candidates, then race for each.
    const [mine, theirs] = await Promise.all([store.candidates(due!, at(0), 20), other.candidates(due!, at(0), 20)]);
    const results = await Promise.all(
      mine.flatMap((row, i) => [
        store.claim(row, 'd1', at(0), LEASE_MS),
        other.claim(theirs[i]!, 'd2', at(0), LEASE_MS),
      ]),
    );
    const won = results.filter((task) => task !== undefined);
    expect(won).toHaveLength(20);
    expect(new Set(won.map((task) => task.id)).size).toBe(20);
  });

  it('honours the delay: a task is not due before it', async () => {
    const { queue, store } = await setUp();
    await queue.enqueue(production, { path: '/later', delaySeconds: 90 });
    expect(await claimOne(store, 'd1', at(89_999))).toBeUndefined();
    expect(await claimOne(store, 'd1', at(90_000))).toMatchObject({ path: '/later' });
  });

  it("retries a crashed dispatcher's task once its lease lapses, and ignores the late holder", async () => {
    const { queue, store } = await setUp();
    const { id } = await queue.enqueue(production, { path: '/t' });
    const crashed = await claimOne(store, 'crashed', at(0));
    expect(await claimOne(store, 'd2', at(LEASE_MS - 1))).toBeUndefined();
    const retried = await claimOne(store, 'd2', at(LEASE_MS));
    expect(retried).toMatchObject({ id, attempt: 2, leaseOwner: 'd2' });
    // The crashed dispatcher's late answer lands nowhere.
    expect(await store.complete(crashed!, at(LEASE_MS + 1))).toBe(false);
    expect(await store.fail(crashed!, at(LEASE_MS + 1), at(LEASE_MS * 2), 'late')).toBe('lease-lost');
    expect(await store.complete(retried!, at(LEASE_MS + 2))).toBe(true);
    expect(await store.task(production, id)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('sends a task whose last attempt was interrupted to the dead letters instead of running it again', async () => {
    const { queue, store } = await setUp();
    const { id } = await queue.enqueue(production, { path: '/once', maxAttempts: 1 });
    expect(await claimOne(store, 'crashed', at(0))).toBeDefined();
    expect(await claimOne(store, 'd2', at(LEASE_MS))).toBeUndefined();
    expect(await store.task(production, id)).toMatchObject({
      state: 'dead',
      last_error: expect.stringMatching(/interrupted/) as unknown,
    });
  });

  it('retries failures at the time given, then makes the last one a dead letter', async () => {
    const { queue, store } = await setUp();
    const { id } = await queue.enqueue(production, { path: '/flaky', maxAttempts: 2 });
    const first = await claimOne(store, 'd1', at(0));
    expect(await store.fail(first!, at(1), at(30_000), 'HTTP 500: boom')).toBe('retrying');
    expect(await store.task(production, id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: 'HTTP 500: boom',
    });
    expect(await claimOne(store, 'd1', at(29_999))).toBeUndefined();
    const second = await claimOne(store, 'd1', at(30_000));
    expect(second?.attempt).toBe(2);
    expect(await store.fail(second!, at(30_001), at(90_000), 'HTTP 503')).toBe('dead');
    expect(await store.task(production, id)).toMatchObject({ state: 'dead', attempts: 2, last_error: 'HTTP 503' });
    expect(await claimOne(store, 'd1', at(LEASE_MS * 100))).toBeUndefined();
  });

  it('gives a task back without using its attempt', async () => {
    const { queue, store } = await setUp();
    const { id } = await queue.enqueue(production, { path: '/t' });
    const task = await claimOne(store, 'd1', at(0));
    expect(await store.release(task!, at(5_000))).toBe(true);
    expect(await store.task(production, id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await claimOne(store, 'd1', at(4_999))).toBeUndefined();
    expect((await claimOne(store, 'd1', at(5_000)))?.attempt).toBe(1);
  });

  it('offers preview tasks only for previews that run, production tasks always', async () => {
    const { queue, store } = await setUp();
    await queue.enqueue(preview, { path: '/p' });
    await queue.enqueue(production, { path: '/q', queue: 'mail' });
    const queues = (previews: string[]) =>
      store.dueQueues(at(0), previews, 10).then((due) => due.map((q) => `${q.scope.environment}:${q.queue}`).sort());
    expect(await queues([])).toEqual(['production:mail']);
    expect(await queues(['other-project'])).toEqual(['production:mail']);
    expect(await queues([preview.appId])).toEqual(['preview:default', 'production:mail']);
  });

  it('purges finished tasks by age, dead letters later than done ones', async () => {
    const { queue, store } = await setUp();
    const done = await queue.enqueue(production, { path: '/done' });
    const dead = await queue.enqueue(production, { path: '/dead', maxAttempts: 1 });
    const pending = await queue.enqueue(production, { path: '/pending', delaySeconds: 3600 });
    for (let i = 0; i < 2; i++) {
      const task = await claimOne(store, 'd1', at(0));
      if (task?.id === done.id) await store.complete(task, at(0));
      else if (task) await store.fail(task, at(0), at(0), 'no');
    }
    expect(await store.purge(at(-1), at(-1))).toBe(0);
    expect(await store.purge(at(1), at(-1))).toBe(1);
    expect(await store.task(production, done.id)).toBeUndefined();
    expect(await store.purge(at(1), at(1))).toBe(1);
    expect(await store.task(production, dead.id)).toBeUndefined();
    expect(await store.task(production, pending.id)).toBeDefined();
  });
});
