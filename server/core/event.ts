import type { Disposable } from './disposable';

/** Subscribe to an event; the returned disposable unsubscribes. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Owns the listeners of one event and fires it. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
