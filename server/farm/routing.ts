import type { InstanceEndpoint } from './driver';

/** Who may use an app, from slipway.json `access`. */
export type AppAccess = 'public' | 'tenant' | readonly string[];

/** One app's entry in the gateway's routing table. */
export interface AppRoute {
  appId: string;
  tenantId: string;
  appSlug: string;
  tenantSlug: string;
  /** The host name the app is served on (no port). */
  host: string;
  versionId: string;
  versionNumber: number;
  access: AppAccess;
  /** Route a user's requests to the same instance (servlet sessions live in one instance). */
  affinity: boolean;
  /** Ready instances of the active version; empty = scaled to zero (requests go to the activator). */
  upstreams: InstanceEndpoint[];
}

/** The gateway's side of the routing table: the farm pushes the whole table on every change. */
export interface RouteSink {
  /** Resolves once the data plane routes by `routes` (nginx reloaded); requests in flight finish. */
  apply(routes: readonly AppRoute[]): Promise<void>;
}

/** The farm's side, for the gateway: wake an app scaled to zero and learn about its traffic. */
export interface AppWaker {
  /** Starts an instance of the app's active version if none is ready; resolves with a ready endpoint. */
  wake(appId: string, signal: AbortSignal): Promise<InstanceEndpoint>;
  /** Per-app traffic seen by the gateway (requests finished, in-flight estimate) to scale in and out. */
  noteTraffic(appId: string, sample: { requests: number; concurrency: number; at: number }): void;
}
