import type { Disposable } from '../../core/disposable';
import { DomainError } from '../../core/errors';

interface Waiter {
  start: () => void;
  cancel: (error: Error) => void;
}

/**
 * Runs at most `maxRunning` tasks at once and queues up to `maxWaiting` more; beyond that a task
 * is refused with too-many-requests, so a burst cannot hold every decoded image in memory at once.
 */
export class TransformLimiter implements Disposable {
  private active = 0;
  private readonly waiters: Waiter[] = [];
  private disposed = false;

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
  ) {
    if (!(maxRunning >= 1)) throw new Error(`maxRunning must be at least 1 (got ${maxRunning})`);
    if (!(maxWaiting >= 0)) throw new Error(`maxWaiting must be at least 0 (got ${maxWaiting})`);
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.disposed) throw shuttingDown();
    if (this.active < this.maxRunning) {
      this.active++;
    } else {
      if (this.waiters.length >= this.maxWaiting) {
        throw new DomainError(
          'too-many-requests',
          `the image service is busy (${count(this.active, 'transform')} running, ${this.waiters.length} waiting); retry shortly`,
          { retryAfterSeconds: 1 },
        );
      }
      // A finishing task hands its slot over without decrementing `active`.
      await new Promise<void>((start, cancel) => this.waiters.push({ start, cancel }));
    }
    try {
      return await task();
    } finally {
      const next = this.waiters.shift();
      if (next) next.start();
      else this.active--;
    }
  }

  /** Refuses waiting and new tasks; running ones finish. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const waiter of this.waiters.splice(0)) waiter.cancel(shuttingDown());
  }
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

const shuttingDown = (): DomainError => new DomainError('failed-dependency', 'the image service is shutting down');
