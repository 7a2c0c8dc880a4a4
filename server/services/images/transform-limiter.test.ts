import { describe, expect, it } from 'vitest';
import { TransformLimiter } from './transform-limiter';

/** A task the test finishes by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TransformLimiter', () => {
  it('runs at most maxRunning tasks and starts waiting ones in order as slots free', async () => {
    const limiter = new TransformLimiter(2, 10);
    const tasks = [0, 1, 2, 3].map(() => deferred<number>());
    const started: number[] = [];
    const results = tasks.map((task, index) =>
      limiter.run(() => {
        started.push(index);
        return task.promise;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect([limiter.running, limiter.waiting]).toEqual([2, 2]);

    tasks[1]!.resolve(1);
    await settle();
    expect(started).toEqual([0, 1, 2]);
    expect([limiter.running, limiter.waiting]).toEqual([2, 1]);

    tasks[0]!.reject(new Error('decoder failed'));
    await expect(results[0]).rejects.toThrow('decoder failed');
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);

    tasks[2]!.resolve(2);
    tasks[3]!.resolve(3);
    expect(await Promise.all(results.slice(1))).toEqual([1, 2, 3]);
    expect([limiter.running, limiter.waiting]).toEqual([0, 0]);
  });

  it('refuses a task with too-many-requests when the queue is full', async () => {
    const limiter = new TransformLimiter(1, 1);
    const task = deferred<void>();
    const first = limiter.run(() => task.promise);
    const second = limiter.run(() => Promise.resolve());
    await expect(limiter.run(() => Promise.resolve())).rejects.toMatchObject({
      code: 'too-many-requests',
      message: 'the image service is busy (1 transform running, 1 waiting); retry shortly',
    });
    task.resolve();
    await Promise.all([first, second]);
    await expect(limiter.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('on dispose refuses waiting and new tasks and lets running ones finish', async () => {
    const limiter = new TransformLimiter(1, 5);
    const task = deferred<string>();
    const running = limiter.run(() => task.promise);
    const waiting = limiter.run(() => Promise.resolve('never'));
    limiter.dispose();
    limiter.dispose();
    await expect(waiting).rejects.toMatchObject({
      code: 'failed-dependency',
      message: 'the image service is shutting down',
    });
    await expect(limiter.run(() => Promise.resolve())).rejects.toMatchObject({ code: 'failed-dependency' });
    task.resolve('done');
    await expect(running).resolves.toBe('done');
    expect(limiter.running).toBe(0);
  });
});
