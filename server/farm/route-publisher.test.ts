import { describe, expect, it } from 'vitest';
import type { Logger } from '../core/logger';
import { RoutePublisher } from './route-publisher';
import type { AppRoute, RouteSink } from './routing';

/** A sink whose applies the test settles by hand, recording the tables it got. */
class ManualSink implements RouteSink {
  readonly applied: (readonly AppRoute[])[] = [];
  private readonly pending: { resolve: () => void; reject: (error: Error) => void }[] = [];

  apply(routes: readonly AppRoute[]): Promise<void> {
    this.applied.push(routes);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  settle(error?: Error): void {
    const next = this.pending.shift();
    if (!next) throw new Error('nothing to settle');
    if (error) next.reject(error);
    else next.resolve();
  }

  async settled(count: number): Promise<void> {
    while (this.pending.length < count) await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** The refusals these tests provoke are expected: nothing to print. */
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function publisherWith(sink: RouteSink): RoutePublisher {
  return new RoutePublisher(
    sink,
    () => [],
    () => 'host',
    silent,
  );
}

describe('RoutePublisher', () => {
  it('tells every caller whose change went out in a refused table, and applies the next change again', async () => {
    const sink = new ManualSink();
    const publisher = publisherWith(sink);
    const first = publisher.push();
    await sink.settled(1);
    const second = publisher.push(); // waits for the first, then needs a table of its own
    sink.settle(new Error('nginx -t: could not build server_names_hash'));
    await expect(first).rejects.toThrow(/gateway refused the routing table: nginx -t/);
    await sink.settled(1);
    sink.settle();
    await expect(second).resolves.toBeUndefined();
    expect(sink.applied).toHaveLength(2);
  });

  it('shares one push between callers whose changes it covers', async () => {
    const sink = new ManualSink();
    const publisher = publisherWith(sink);
    const first = publisher.push();
    await sink.settled(1);
    const [second, third] = [publisher.push(), publisher.push()];
    sink.settle();
    await first;
    await sink.settled(1);
    sink.settle(new Error('refused'));
    await expect(second).rejects.toThrow(/refused/);
    await expect(third).rejects.toThrow(/refused/);
    expect(sink.applied).toHaveLength(2);
  });
});
