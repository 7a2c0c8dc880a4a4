import { DomainError } from '../core/errors';
import type { InstanceEndpoint } from '../farm/driver';
import type { AppWaker } from '../farm/routing';

/**
 * The gateway needs the farm to wake apps and the farm needs the gateway to route them: the
 * composition root gives the gateway this stand-in, builds the farm, then binds it.
 */
export class LateAppWaker implements AppWaker {
  private target: AppWaker | undefined;

  bind(target: AppWaker): void {
    this.target = target;
  }

  wake(appId: string, signal: AbortSignal): Promise<InstanceEndpoint> {
    if (!this.target) return Promise.reject(new DomainError('unsupported', 'The farm has not started yet.'));
    return this.target.wake(appId, signal);
  }

  noteTraffic(appId: string, sample: { requests: number; concurrency: number; at: number }): void {
    this.target?.noteTraffic(appId, sample);
  }
}
