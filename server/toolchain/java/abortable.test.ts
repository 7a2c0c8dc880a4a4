import { describe, expect, it, vi } from 'vitest';
import { settleOrAbort } from './abortable';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe('settleOrAbort', () => {
  it('passes the result through when nothing aborts', async () => {
    const onAbort = vi.fn();
    await expect(settleOrAbort(Promise.resolve(7), new AbortController().signal, onAbort, 1_000)).resolves.toBe(7);
    expect(onAbort).not.toHaveBeenCalled();
  });

  it('asks the work to stop and rejects once it has wound down', async () => {
    const work = deferred<string>();
    const controller = new AbortController();
    const onAbort = vi.fn(() => work.resolve('finished anyway'));
    const settled = settleOrAbort(work.promise, controller.signal, onAbort, 60_000);
    controller.abort();
    await expect(settled).rejects.toThrow(/abort/i);
    expect(onAbort).toHaveBeenCalledOnce();
  });

  it('gives up waiting after the grace period', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      controller.abort();
      const settled = settleOrAbort(new Promise<never>(() => undefined), controller.signal, () => undefined, 500);
      const assertion = expect(settled).rejects.toThrow(/abort/i);
      await vi.advanceTimersByTimeAsync(500);
      await assertion;
    } finally {
      vi.useRealTimers();
    }
  });
});
