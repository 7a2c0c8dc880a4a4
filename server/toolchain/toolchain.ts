import type { AppManifest } from '../protocol/app-manifest';
import type { DiagnosticDto } from '../protocol/preview';

/** What a build is asked to do. */
export interface BuildRequest {
  /** The project's source folder (host path). */
  projectDir: string;
  /** The build output folder owned by this build target (host path); the instance serves it. */
  outputDir: string;
  manifest: AppManifest;
  /** Project-relative paths changed since the last build; undefined = everything. */
  changedPaths?: readonly string[];
  /** Aborted when a newer save supersedes this build or the preview stops. */
  signal: AbortSignal;
  /** Build output lines for the Output panel. */
  log: (line: string) => void;
  /**
   * The project's running preview instance, if there is one. A toolchain may build inside it
   * (Java compiles in the instance's warm JVM, in its sandbox); without it, or when that fails,
   * the toolchain builds in a fresh sandbox. Toolchains that need no instance ignore it.
   */
  instance?: RunningInstance;
}

/** Who an instance serves: a developer's live preview (reloads on save) or production traffic. */
export type InstancePurpose = 'preview' | 'production';

/** What a build produced. `ok` false means the previous output is left untouched. */
export interface BuildResult {
  ok: boolean;
  diagnostics: DiagnosticDto[];
}

/** How to start one instance inside a sandbox; paths are as seen INSIDE the sandbox. */
export interface LaunchSpec {
  /** argv, absolute executable first (e.g. `/usr/bin/java`, `/usr/bin/python3`). */
  command: string[];
  env: Record<string, string>;
  /** Host folders to bind read-only into the sandbox → their path inside. */
  readOnlyBinds: { host: string; sandbox: string }[];
  /** Host folders to bind writable → their path inside (the socket folder, scratch data). */
  writableBinds: { host: string; sandbox: string }[];
  /** The Unix socket the instance listens on for HTTP (path inside the sandbox). */
  socketPath: string;
  /** Path to GET for readiness (e.g. `/`); any HTTP answer counts as ready. */
  healthPath: string;
}

/** Where an instance's files live (host paths), decided by the caller. */
export interface InstanceLayout {
  projectDir: string;
  outputDir: string;
  /** Folder for the instance's Unix socket(s). */
  socketDir: string;
  /** Writable app data folder (SLIPWAY_APP_DATA_DIR). */
  dataDir: string;
}

/** A running instance as the toolchain sees it, to apply a new build without a restart. */
export interface RunningInstance {
  pid: number;
  layout: InstanceLayout;
  /** Sends a signal to the sandbox's main process (bwrap: a signal there ends the sandbox). */
  signal(signal: NodeJS.Signals): void;
  /** Writes a line to the instance's stdin (a launcher's control channel). */
  writeControl(line: string): void;
  /** Resolves with the next stdout line matching the predicate, or rejects after the timeout. */
  waitForOutput(predicate: (line: string) => boolean, timeoutMs: number): Promise<string>;
}

/** One runtime's build and launch rules (Java servlets, Python WSGI/CGI). */
export interface Toolchain {
  readonly runtime: 'java' | 'python';
  build(request: BuildRequest): Promise<BuildResult>;
  /** How to start an instance; `purpose` defaults to 'preview'. */
  launchSpec(layout: InstanceLayout, manifest: AppManifest, purpose?: InstancePurpose): LaunchSpec;
  /** Makes a running instance serve the latest successful build; resolves once it does. */
  reload(instance: RunningInstance, manifest: AppManifest): Promise<void>;
  /**
   * Slower, non-blocking diagnostics (Python type checks) to run after a good build has been
   * swapped in; they never stop the app from running.
   */
  checkTypes?(request: {
    projectDir: string;
    signal: AbortSignal;
    log?: (line: string) => void;
  }): Promise<DiagnosticDto[]>;
  /** Releases helpers kept for one project (its warm checker) when its preview stops. */
  releaseProject?(projectDir: string): Promise<void>;
  /** Releases long-lived helpers (e.g. the warm compiler JVM). */
  dispose(): Promise<void>;
}
