import { DomainError } from '../core/errors';
import type { Logger } from '../core/logger';
import { buildRouteTable, type RoutedApp } from './route-table';
import type { RouteSink } from './routing';

/**
 * Pushes the whole routing table to the gateway. Pushes never overlap; a caller returns once a
 * table that includes the state at its call has been applied (concurrent callers share pushes),
 * or hears why the gateway refused the table its change went out in.
 */
export class RoutePublisher {
  private wanted = 0;
  private pushing: Promise<PushOutcome> | undefined;

  constructor(
    private readonly sink: RouteSink,
    private readonly apps: () => Iterable<RoutedApp>,
    private readonly hostOf: (appSlug: string, tenantSlug: string) => string,
    private readonly log: Logger,
  ) {}

  /** Resolves once a table covering this call is applied; rejects when the gateway refused it. */
  async push(): Promise<void> {
    const wanted = ++this.wanted;
    for (;;) {
      const outcome = await (this.pushing ?? this.startPush());
      if (outcome.covers < wanted) continue; // that table was built before this change
      if (outcome.error !== undefined) {
        throw new DomainError(
          'failed-dependency',
          `the gateway refused the routing table: ${messageOf(outcome.error)}`,
        );
      }
      return;
    }
  }

  private startPush(): Promise<PushOutcome> {
    const covers = this.wanted;
    const table = buildRouteTable(this.apps(), this.hostOf);
    // Every later change pushes the whole table again; the callers it covered hear why it failed.
    const pushing = this.sink.apply(table).then(
      (): PushOutcome => ({ covers }),
      (error: unknown): PushOutcome => {
        this.log.error('farm: applying the routes failed', error);
        return { covers, error };
      },
    );
    this.pushing = pushing;
    void pushing.then(() => {
      if (this.pushing === pushing) this.pushing = undefined;
    });
    return pushing;
  }
}

/** What one push achieved: the newest change it covered, and why the gateway refused it if it did. */
interface PushOutcome {
  covers: number;
  error?: unknown;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
