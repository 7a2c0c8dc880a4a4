/** Anything long-lived that must be released; `dispose()` is idempotent. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** Wraps a release function so that it runs at most once. */
export function toDisposable(release: () => void | Promise<void>): Disposable {
  let released = false;
  return {
    dispose() {
      if (released) return;
      released = true;
      return release();
    },
  };
}

/**
 * Told of each item whose release takes longer than `slowerThanMs` (to find what holds up a
 * shutdown): once while it is still releasing (`finished` false: a release that never ends is
 * named too), and again when it finishes.
 */
export interface SlowDisposeWatch {
  slowerThanMs: number;
  report(item: string, ms: number, finished: boolean): void;
}

/** Owns several disposables and releases them in reverse order of registration. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  constructor(private readonly watch?: SlowDisposeWatch) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      void item.dispose();
      return item;
    }
    this.items.push(item);
    return item;
  }

  delete(item: Disposable): void {
    const index = this.items.indexOf(item);
    if (index >= 0) this.items.splice(index, 1);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      const started = Date.now();
      const watch = this.watch;
      const stillReleasing = watch
        ? setTimeout(() => watch.report(item.constructor.name, Date.now() - started, false), watch.slowerThanMs)
        : undefined;
      stillReleasing?.unref();
      try {
        await item.dispose();
      } catch (error) {
        errors.push(error);
      } finally {
        clearTimeout(stillReleasing);
      }
      const ms = Date.now() - started;
      if (watch && ms > watch.slowerThanMs) watch.report(item.constructor.name, ms, true);
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
  }
}
