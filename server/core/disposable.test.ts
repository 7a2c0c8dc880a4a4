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

  it('reports the items slower to release than the watch allows, by name, while and after releasing', async () => {
    const reports: [string, number, boolean][] = [];
    const store = new DisposableStore({
      slowerThanMs: 40,
      report: (item, ms, finished) => void reports.push([item, ms, finished]),
    });
    store.add(new SlowThing(120));
    store.add(new SlowThing(0));
    await store.dispose();
    expect(reports.map(([item, , finished]) => [item, finished])).toEqual([
      ['SlowThing', false],
      ['SlowThing', true],
    ]);
    expect(reports[0]![1]).toBeGreaterThanOrEqual(40);
    expect(reports[1]![1]).toBeGreaterThan(40);
  });
});
