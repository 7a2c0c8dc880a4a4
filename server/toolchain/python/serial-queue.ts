/** Rejects with the signal's reason as soon as it aborts, whatever `promise` does later. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Runs tasks one after another. A task whose signal aborted before its turn never runs; the
 * caller of an aborted task is answered at once while a task already running finishes in turn.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const result = this.tail.then(() => {
      signal.throwIfAborted();
      return task();
    });
    this.tail = result.catch(() => undefined);
    return abortable(result, signal);
  }
}
