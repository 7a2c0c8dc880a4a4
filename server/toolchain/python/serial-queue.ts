import { abortable } from '../../core/abortable';

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
