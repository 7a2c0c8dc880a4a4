import type { ServicesAttachment } from '../services/services-attachment';
import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger';
import type { Database } from '../db/schema';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import type { Driver } from './driver';
import { DEFAULT_RESTART_TIMING, type RestartTiming } from './restart-policy';
import type { RouteSink } from './routing';

/** How fast the farm reacts; every field has a default suited to one machine. */
export interface FarmTiming extends RestartTiming {
  /** How long a new instance may take to answer its health check (default 60 s). */
  readyTimeoutMs: number;
  /**
   * How long a replaced instance keeps running after the routes moved away (default 2 s): at
   * least the gateway's bound on pooled connections to a swapped slot (2 s, nginx-config.ts).
   */
  drainMs: number;
  /** SIGTERM → SIGKILL grace when stopping an instance (default 5 s). */
  stopGraceMs: number;
  /** How often scaling decisions are taken (default 1 s). */
  scaleTickMs: number;
  /** Scale out when requests in flight per ready instance exceed this (default 8). */
  scaleOutConcurrency: number;
  /** Scale in one instance after this long with spare capacity (default 60 s). */
  scaleInQuietMs: number;
}

/** The defaults of {@link FarmTiming}. */
export const DEFAULT_FARM_TIMING: FarmTiming = {
  ...DEFAULT_RESTART_TIMING,
  readyTimeoutMs: 60_000,
  drainMs: 2_000,
  stopGraceMs: 5_000,
  scaleTickMs: 1_000,
  scaleOutConcurrency: 8,
  scaleInQuietMs: 60_000,
};

/** Everything the Farm is built from (server/main.ts passes these). */
export interface FarmOptions {
  db: Kysely<Database>;
  driver: Driver;
  toolchains: ToolchainRegistry;
  routes: RouteSink;
  /** Host folder with one socket folder per instance. */
  runRoot: string;
  /** Host folder with one data folder per app, kept across versions (SLIPWAY_APP_DATA_DIR). */
  appDataRoot: string;
  /** The host name an app is served on: `<app>.<tenant>.<apps domain>` (see config.appOriginOf). */
  hostOf: (appSlug: string, tenantSlug: string) => string;
  log: Logger;
  /**
   * Called when the active version crash-loops: the registry switches the app back to its newest
   * older healthy ready version (through `activate`, so it writes `active_version_id`) and
   * resolves true, or resolves false when there is none. Without it the app stays on the
   * failing version, routed to the activator.
   */
  switchBack?: (appId: string, unhealthy: { versionId: string; versionNumber: number }) => Promise<boolean>;
  /** Leave instances running on dispose (a platform upgrade adopts them); default: stop them. */
  keepInstancesOnDispose?: boolean;
  /**
   * Platform variables every instance gets (e.g. SLIPWAY_IDENTITY_PUBLIC_KEY, which the SDK
   * uses to verify the gateway's signed identity headers).
   */
  instanceEnv?: Readonly<Record<string, string>>;
  /** Connects each instance to the platform services (socket and token). */
  services?: ServicesAttachment;
  /** Per-instance process limit (cgroup pids.max); default 256. */
  pidsLimit?: number;
  timing?: Partial<FarmTiming>;
  /** Milliseconds since the epoch; tests may move time. */
  now?: () => number;
}
