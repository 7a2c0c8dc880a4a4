import type { Event } from '../core/event';
import type { InstanceLayout, LaunchSpec } from '../toolchain/toolchain';

/** Where the gateway reaches an instance: a Unix socket on this node, or a TCP address (kubernetes). */
export type InstanceEndpoint = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** Per-instance limits, from the app's plan and manifest. */
export interface InstanceLimits {
  memoryMb: number;
  pids: number;
}

/** Everything a driver needs to start one instance of an app version. */
export interface DriverStartRequest {
  instanceId: string;
  appId: string;
  versionId: string;
  tenantId: string;
  /** The toolchain's production launch spec (paths inside the sandbox/container). */
  spec: LaunchSpec;
  /** Host folders: the unpacked artifact (projectDir and outputDir), socket folder, data folder. */
  layout: InstanceLayout;
  limits: InstanceLimits;
}

/** An instance a driver started (not necessarily ready yet). */
export interface DriverInstance {
  /** The driver's own id: a pid, a container id, a deployment name. Stored for reconciliation. */
  handle: string;
  endpoint: InstanceEndpoint;
}

/** What a driver knows about an instance it was asked about. */
export type DriverInstanceState = 'running' | 'exited' | 'missing';

/** How an instance ended, as far as the driver can tell. */
export interface DriverExit {
  handle: string;
  code: number | null;
  signal: string | null;
  /** The last lines it printed, for the crash report. */
  lastOutput: string[];
}

/** Runs sealed app instances: the process (bubblewrap), docker and kubernetes drivers implement it. */
export interface Driver {
  readonly name: 'process' | 'docker' | 'kubernetes';
  start(request: DriverStartRequest): Promise<DriverInstance>;
  /** Stops gracefully (SIGTERM, then kill after `graceMs`) and removes what it created. Idempotent. */
  stop(handle: string, graceMs: number): Promise<void>;
  /**
   * Whether an instance still runs (used to adopt instances after a platform restart). For a
   * running instance this driver did not start in this process, it resumes `onDidExit` and
   * `onDidOutput` for it (decision 009).
   */
  inspect(handle: string): Promise<DriverInstanceState>;
  /** Handles of every instance this driver runs for this installation (to clean up strays). */
  list(): Promise<string[]>;
  /** Resident memory in bytes, when the driver can tell. */
  memoryBytes?(handle: string): Promise<number | undefined>;
  /** Fires when an instance this driver started ends on its own (crash, OOM kill, kill -9). */
  readonly onDidExit: Event<DriverExit>;
  /** Every output line of an instance (stdout and stderr), for `slipway logs`. */
  readonly onDidOutput: Event<{ handle: string; stream: 'stdout' | 'stderr'; text: string }>;
  dispose(): Promise<void>;
}
