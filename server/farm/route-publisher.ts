import type { Logger } from '../core/logger';
import { buildRouteTable, type RoutedApp } from './route-table';
import type { RouteSink } from './routing';

/**
 * Pushes the whole routing table to the gateway. Pushes never overlap; a caller returns once a
 * table that includes the state at its call has been applied (concurrent callers share pushes).
 */
export class RoutePublisher {
  private wanted = 0;
  private applied = 0;
  private pushing: Promise<void> | undefined;

  constructor(
    private readonly sink: RouteSink,
    private readonly apps: () => Iterable<RoutedApp>,
    private readonly hostOf: (appSlug: string, tenantSlug: string) => string,
    private readonly log: Logger,
  ) {}

  async push(): Promise<void> {
    const wanted = ++this.wanted;
    while (this.applied < wanted) {
      if (this.pushing) {
        await this.pushing;
        continue;
      }
      const covers = this.wanted;
      const table = buildRouteTable(this.apps(), this.hostOf);
      // A failed apply is logged, not retried: the next change pushes the whole table again.
      this.pushing = this.sink
        .apply(table)
        .catch((error: unknown) => this.log.error('farm: applying the routes failed', error))
        .finally(() => {
          this.applied = Math.max(this.applied, covers);
          this.pushing = undefined;
        });
      await this.pushing;
    }
  }
}
