import path from 'node:path';
import type Docker from 'dockerode';
import { DomainError, invalidInput } from '../../core/errors';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import type { LaunchSpec } from '../../toolchain/toolchain';
import { SANDBOX_ETC_ENTRIES, SANDBOX_HOSTNAME, sandboxEnv } from '../../workspace/sandbox';
import type { DriverStartRequest } from '../driver';
import { RUNTIME_GID, RUNTIME_UID } from './runtime-image';

/** Container labels: the installation marks a container as ours; the rest say what it runs. */
export const CONTAINER_LABELS = {
  installation: 'dev.slipway.installation',
  instance: 'dev.slipway.instance',
  app: 'dev.slipway.app',
  version: 'dev.slipway.version',
  tenant: 'dev.slipway.tenant',
} as const;

/**
 * /etc entries the engine manages itself for a `none` network (it bind-mounts its own hosts,
 * hostname and resolv.conf); binding the host's copies over them would fail or leak host names.
 */
const ENGINE_MANAGED_ETC = new Set(['hosts', 'hostname', 'resolv.conf']);

/** The host /etc entries a container may see: the sandbox's allowlist minus the engine's own. */
export const CONTAINER_ETC_ENTRIES: readonly string[] = SANDBOX_ETC_ENTRIES.filter(
  (entry) => !ENGINE_MANAGED_ETC.has(entry),
);

/** Settings shared by every container of one driver. */
export interface ContainerSettings {
  /** Id of the runtime image (see docker-runtime-image.ts). */
  imageId: string;
  /** Value of the installation label: `list()` finds only containers carrying it. */
  installation: string;
  /** The allowlisted /etc entries that exist on this host (a bind of a missing source fails). */
  etcEntries: readonly string[];
  /** RLIMIT_NOFILE, soft = hard. */
  openFiles: number;
  /**
   * RLIMIT_NPROC, soft = hard. The kernel counts it per user across the host, and every app
   * container runs as the same uid, so it is a generous backstop; the per-container fork limit
   * is the cgroup's `pids` limit. Podman needs it explicit, and with no capabilities it must not
   * exceed the engine's own hard limit (Podman's service runs with 32768 here).
   */
  processes: number;
  /** Size of the private /tmp tmpfs. */
  tmpSizeBytes: number;
}

/** Podman and Docker accept [a-zA-Z0-9][a-zA-Z0-9_.-]* as a container name. */
export function containerNameFor(installation: string, instanceId: string): string {
  const name = `slipway-${installation}-${instanceId}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return name.slice(0, 200);
}

/** The create-container body for one instance: sealed, read-only, unprivileged, limited. Pure. */
export function containerOptionsFor(
  request: DriverStartRequest,
  settings: ContainerSettings,
): Docker.ContainerCreateOptions {
  const { spec, limits } = request;
  if (spec.command.length === 0) throw invalidInput('the launch command is empty');
  const memoryBytes = limits.memoryMb * 1024 * 1024;
  return {
    name: containerNameFor(settings.installation, request.instanceId),
    Image: settings.imageId,
    Entrypoint: [],
    Cmd: spec.command,
    Env: Object.entries(sandboxEnv({ env: spec.env })).map(([name, value]) => `${name}=${value}`),
    User: `${RUNTIME_UID}:${RUNTIME_GID}`,
    WorkingDir: INSTANCE_PATHS.project,
    Hostname: SANDBOX_HOSTNAME,
    Labels: {
      [CONTAINER_LABELS.installation]: settings.installation,
      [CONTAINER_LABELS.instance]: request.instanceId,
      [CONTAINER_LABELS.app]: request.appId,
      [CONTAINER_LABELS.version]: request.versionId,
      [CONTAINER_LABELS.tenant]: request.tenantId,
    },
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    // Launchers treat the end of stdin as their parent's death (the Java launcher's control
    // loop exits on it): keep stdin open, held by the engine, with nobody writing to it.
    OpenStdin: true,
    StdinOnce: false,
    StopSignal: 'SIGTERM',
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Mounts: mountsFor(request, settings.etcEntries),
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${settings.tmpSizeBytes},mode=1777` },
      Memory: memoryBytes,
      MemorySwap: memoryBytes, // equal to Memory: no swap on top
      PidsLimit: limits.pids,
      Ulimits: [
        { Name: 'nofile', Soft: settings.openFiles, Hard: settings.openFiles },
        { Name: 'nproc', Soft: settings.processes, Hard: settings.processes },
      ],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      // The farm restarts crashed instances itself, with backoff and crash-loop detection.
      RestartPolicy: { Name: 'no' },
    },
  };
}

/** Every bind of the container: the host's system (read-only), then the project and the spec's own. */
function mountsFor(request: DriverStartRequest, etcEntries: readonly string[]): Docker.MountConfig {
  const { spec, layout } = request;
  const readOnly = (source: string, target: string): Docker.MountSettings => bind(source, target, true);
  return [
    readOnly('/usr', '/usr'),
    ...etcEntries.map((entry) => readOnly(`/etc/${entry}`, `/etc/${entry}`)),
    readOnly(layout.projectDir, INSTANCE_PATHS.project),
    ...spec.readOnlyBinds.map((entry) => readOnly(entry.host, entry.sandbox)),
    ...spec.writableBinds.map((entry) => bind(entry.host, entry.sandbox, false)),
  ];
}

function bind(source: string, target: string, readOnly: boolean): Docker.MountSettings {
  if (!path.isAbsolute(source) || !path.isAbsolute(target)) throw invalidInput('container binds need absolute paths');
  return { Type: 'bind', Source: path.resolve(source), Target: path.resolve(target), ReadOnly: readOnly };
}

/** The host path of the instance's HTTP socket, through the writable bind that holds it. */
export function hostSocketPathOf(spec: LaunchSpec): string {
  for (const entry of spec.writableBinds) {
    const relative = path.relative(entry.sandbox, spec.socketPath);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return path.join(entry.host, relative);
  }
  throw new DomainError('invalid-input', `the socket ${spec.socketPath} is not inside a writable bind`);
}

/** The host folders the container's user must be able to write: the spec's writable binds. */
export function writableHostDirs(spec: LaunchSpec): string[] {
  return spec.writableBinds.map((entry) => path.resolve(entry.host));
}
