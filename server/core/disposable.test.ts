import { describe, expect, it } from 'vitest';
import { DisposableStore, toDisposable } from './disposable';

class SlowThing {
  constructor(private readonly ms: number) {}
  dispose(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.ms));
  }
}

describe('DisposableStore', () => {
  it('releases in reverse order, once, and goes on past a failure', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => void order.push('first')));
    store.add(
      toDisposable(() => {
        order.push('second');
        throw new Error('second failed');
      }),
    );
    store.add(toDisposable(() => void order.push('third')));
    await expect(store.dispose()).rejects.toThrow('second failed');
    await store.dispose();
    expect(order).toEqual(['third', 'second', 'first']);
  });

  it('reports the items slower to release than the watch allows, by name', async () => {
    const reports: [string, number][] = [];
    const store = new DisposableStore({ slowerThanMs: 40, report: (item, ms) => void reports.push([item, ms]) });
    store.add(new SlowThing(80));
    store.add(new SlowThing(0));
    await store.dispose();
    expect(reports).toHaveLength(1);
    expect(reports[0]![0]).toBe('SlowThing');
    expect(reports[0]![1]).toBeGreaterThan(40);
  });
});
