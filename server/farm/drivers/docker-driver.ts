import { existsSync } from 'node:fs';
import { chown, rm, stat } from 'node:fs/promises';
import Docker from 'dockerode';
import { DomainError } from '../../core/errors';
import { Emitter, type Event } from '../../core/event';
import type { Driver, DriverExit, DriverInstance, DriverInstanceState, DriverStartRequest } from '../driver';
import {
  CONTAINER_ETC_ENTRIES,
  CONTAINER_LABELS,
  containerOptionsFor,
  hostSocketPathOf,
  writableHostDirs,
  type ContainerSettings,
} from './docker-container-spec';
import { ContainerWatch, describeExitStatus, statusCodeOf } from './docker-container-watch';
import { ensureRuntimeImage } from './docker-runtime-image';
import { RUNTIME_GID, RUNTIME_UID } from './runtime-image';

/** Label holding the host path of an instance's HTTP socket (removed when the instance stops). */
const SOCKET_LABEL = 'dev.slipway.socket';

/** How the docker driver reaches its engine and confines containers. */
export interface DockerDriverOptions {
  /** The Docker Engine API socket (Docker's, or Podman's `podman system service`). */
  socketPath: string;
  /**
   * Names this installation on a shared engine: containers carry it as a label, and `list()`
   * returns only containers with this value (e.g. a short hash of the data dir).
   */
  installation: string;
  /** RLIMIT_NOFILE of every container (default 4096). */
  openFiles?: number;
  /** RLIMIT_NPROC backstop (default 16384; the real fork limit is each instance's pids limit). */
  processes?: number;
  /** Size of each container's private /tmp (default 64 MiB). */
  tmpSizeBytes?: number;
}

/**
 * Runs each instance as a container through the Docker Engine API: no network, a read-only
 * root, no capabilities, an unprivileged uid, memory/pids/rlimit limits, and the launch spec's
 * binds — the same sealed instance as the process driver's sandbox (decision 010).
 */
export class DockerDriver implements Driver {
  readonly name = 'docker' as const;
  private readonly docker: Docker;
  private readonly watches = new Map<string, ContainerWatch>();
  private readonly stopping = new Set<string>();
  private readonly onDidExitEmitter = new Emitter<DriverExit>();
  private readonly onDidOutputEmitter = new Emitter<{ handle: string; stream: 'stdout' | 'stderr'; text: string }>();
  private image: Promise<string> | undefined;
  private disposed = false;

  readonly onDidExit: Event<DriverExit> = this.onDidExitEmitter.event;
  readonly onDidOutput: Event<{ handle: string; stream: 'stdout' | 'stderr'; text: string }> =
    this.onDidOutputEmitter.event;

  constructor(private readonly options: DockerDriverOptions) {
    this.docker = new Docker({ socketPath: options.socketPath });
  }

  /** Finds or builds the runtime image; `start` calls it too, so calling it early only saves time. */
  prepare(): Promise<string> {
    this.image ??= ensureRuntimeImage(this.docker).catch((error: unknown) => {
      this.image = undefined;
      throw new DomainError(
        'failed-dependency',
        `the container engine could not provide the runtime image: ${messageOf(error)}`,
      );
    });
    return this.image;
  }

  async start(request: DriverStartRequest): Promise<DriverInstance> {
    if (this.disposed) throw new Error('the docker driver is disposed');
    const socketPath = hostSocketPathOf(request.spec);
    const settings = await this.settings();
    await this.prepareHostDirs(request, socketPath);
    const options = containerOptionsFor(request, settings);
    options.Labels = { ...options.Labels, [SOCKET_LABEL]: socketPath };
    const container = await this.create(options);
    const watch = new ContainerWatch(this.docker, container.id, this.sinkFor(container.id));
    this.watches.set(container.id, watch);
    try {
      await watch.attach();
      await container.start();
      watch.watchExit();
    } catch (error) {
      this.watches.delete(container.id);
      watch.dispose();
      await container.remove({ force: true }).catch(() => undefined);
      throw new DomainError('failed-dependency', `the container did not start: ${messageOf(error)}`);
    }
    return { handle: container.id, endpoint: { kind: 'unix', path: socketPath } };
  }

  async stop(handle: string, graceMs: number): Promise<void> {
    this.stopping.add(handle);
    try {
      const info = await this.inspectOurs(handle);
      this.watches.get(handle)?.dispose();
      this.watches.delete(handle);
      if (!info) return; // gone already, or not a container of this installation
      const container = this.docker.getContainer(handle);
      await ignoring([304, 404], () => container.stop({ t: Math.max(0, Math.ceil(graceMs / 1000)) }));
      await ignoring([404], () => container.remove({ force: true }));
      const socketPath = info.Config.Labels?.[SOCKET_LABEL];
      if (socketPath) await rm(socketPath, { force: true });
    } finally {
      this.stopping.delete(handle);
    }
  }

  async inspect(handle: string): Promise<DriverInstanceState> {
    const info = await this.inspectOurs(handle);
    if (!info) return 'missing';
    if (!info.State.Running) return 'exited';
    await this.adopt(handle);
    return 'running';
  }

  async list(): Promise<string[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${CONTAINER_LABELS.installation}=${this.options.installation}`] },
    });
    return containers.map((container) => container.Id);
  }

  async memoryBytes(handle: string): Promise<number | undefined> {
    try {
      const stats = (await this.docker.getContainer(handle).stats({ stream: false })) as {
        memory_stats?: { usage?: number; stats?: Record<string, number> };
      };
      const usage = stats.memory_stats?.usage;
      if (usage === undefined) return undefined;
      // Like `docker stats`: page cache the kernel may drop at any time is not the app's memory.
      const cache = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
      return Math.max(0, usage - cache);
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Stops following containers; they keep running, so a restarted platform can adopt them. Idempotent. */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    for (const watch of this.watches.values()) watch.dispose();
    this.watches.clear();
    this.onDidExitEmitter.dispose();
    this.onDidOutputEmitter.dispose();
    return Promise.resolve();
  }

  private async settings(): Promise<ContainerSettings> {
    return {
      imageId: await this.prepare(),
      installation: this.options.installation,
      etcEntries: CONTAINER_ETC_ENTRIES.filter((entry) => existsSync(`/etc/${entry}`)),
      openFiles: this.options.openFiles ?? 4096,
      processes: this.options.processes ?? 16384,
      tmpSizeBytes: this.options.tmpSizeBytes ?? 64 * 1024 * 1024,
    };
  }

  /**
   * The container runs as an unprivileged uid, so its writable folders must belong to it; a
   * socket left by an earlier instance would make the launcher's bind fail.
   */
  private async prepareHostDirs(request: DriverStartRequest, socketPath: string): Promise<void> {
    await checkReadableByRuntimeUser([
      request.layout.projectDir,
      ...request.spec.readOnlyBinds.map((bind) => bind.host),
    ]);
    for (const dir of writableHostDirs(request.spec)) await chown(dir, RUNTIME_UID, RUNTIME_GID);
    await rm(socketPath, { force: true });
  }

  /** Creates the container; a leftover of the same instance (a start cut short) is replaced. */
  private async create(options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer(options);
    } catch (error) {
      if (statusCodeOf(error) !== 409 || !options.name) throw error;
      await ignoring([404], () => this.docker.getContainer(options.name ?? '').remove({ force: true }));
      return this.docker.createContainer(options);
    }
  }

  /** Follows a running container this driver did not start (found after a platform restart). */
  private async adopt(handle: string): Promise<void> {
    if (this.disposed || this.watches.has(handle)) return;
    const watch = new ContainerWatch(this.docker, handle, this.sinkFor(handle));
    this.watches.set(handle, watch);
    // Output is best effort (the wait still reports the end); once attached, no new line is missed.
    await watch.attach().catch(() => undefined);
    watch.watchExit();
  }

  private sinkFor(handle: string): ConstructorParameters<typeof ContainerWatch>[2] {
    return {
      output: (stream, text) => this.onDidOutputEmitter.fire({ handle, stream, text }),
      exit: (status, lastOutput) => {
        this.watches.delete(handle);
        if (this.stopping.has(handle) || this.disposed) return;
        this.onDidExitEmitter.fire({ handle, ...describeExitStatus(status), lastOutput });
      },
    };
  }

  private async inspectOurs(handle: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      const info = await this.docker.getContainer(handle).inspect();
      const labels = info.Config.Labels ?? {};
      return labels[CONTAINER_LABELS.installation] === this.options.installation ? info : undefined;
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }
}

/**
 * The container's user reads its read-only binds through their host permissions (a bwrap
 * sandbox, mapped to host root, does not need that): a 0700 folder would surface as a baffling
 * "file not found" inside, so refuse to start with the folder's name instead.
 */
async function checkReadableByRuntimeUser(hostPaths: readonly string[]): Promise<void> {
  for (const hostPath of hostPaths) {
    const info = await stat(hostPath);
    const needed = info.isDirectory() ? 0o5 : 0o4;
    const granted = info.uid === RUNTIME_UID ? (info.mode >> 6) & 0o7 : info.mode & 0o7;
    if ((granted & needed) !== needed) {
      throw new DomainError(
        'failed-dependency',
        `the container user (uid ${RUNTIME_UID}) cannot read ${hostPath} (mode ${(info.mode & 0o777).toString(8)})`,
      );
    }
  }
}

/** Runs an engine call, treating the given HTTP statuses (already stopped, gone) as success. */
async function ignoring(statuses: number[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    const status = statusCodeOf(error);
    if (status === undefined || !statuses.includes(status)) throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
