import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue';

describe('SerialQueue', () => {
  it('runs tasks one at a time, in order', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const task = (name: string, ms: number) => async (): Promise<string> => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`end ${name}`);
      return name;
    };
    const signal = new AbortController().signal;
    const results = await Promise.all([queue.run(task('a', 20), signal), queue.run(task('b', 1), signal)]);
    expect(results).toEqual(['a', 'b']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('skips a task aborted before its turn and answers its caller at once', async () => {
    const queue = new SerialQueue();
    let release: () => void = () => undefined;
    const first = queue.run(() => new Promise<void>((resolve) => (release = resolve)), new AbortController().signal);
    const controller = new AbortController();
    let ran = false;
    const second = queue.run(() => {
      ran = true;
      return Promise.resolve();
    }, controller.signal);
    controller.abort();
    await expect(second).rejects.toThrow(/abort/i);
    release();
    await first;
    await queue.run(() => Promise.resolve(), new AbortController().signal);
    expect(ran).toBe(false);
  });

  it('keeps going after a task fails', async () => {
    const queue = new SerialQueue();
    const signal = new AbortController().signal;
    await expect(queue.run(() => Promise.reject(new Error('boom')), signal)).rejects.toThrow('boom');
    await expect(queue.run(() => Promise.resolve(1), signal)).resolves.toBe(1);
  });
});
