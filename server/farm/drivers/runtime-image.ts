import { createHash } from 'node:crypto';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import { SANDBOX_USER } from '../../workspace/sandbox';
import { writeTar, type TarEntry } from './runtime-image-tar';

/**
 * The docker driver's runtime image: a root file system of empty mount points, the /usr-merge
 * symlinks and its own passwd/group — a few kilobytes. The host's /usr (Debian's JDK 17,
 * python3, gunicorn, Tomcat's jars) and an allowlist of /etc are bound read-only when a
 * container starts, exactly what the process driver's bubblewrap sandbox sees, so both drivers
 * run the same launchers on the same runtimes. Why not a self-contained image: no registry is
 * reachable to pull a base, and the runtimes (the JDK alone is 562 MB) would be copied again for
 * every container on Podman's `vfs` storage (decision 010).
 */

/** The unprivileged user every app container runs as (numeric, so Kubernetes can check runAsNonRoot). */
export const RUNTIME_UID = 10001;
export const RUNTIME_GID = 10001;
/** The repository the image is tagged in; the tag is the first 12 hex digits of its hash. */
export const RUNTIME_IMAGE_REPOSITORY = 'localhost/slipway-runtime';
/** Image label holding the archive's full sha256: how the driver finds an image it built before. */
export const RUNTIME_HASH_LABEL = 'dev.slipway.runtime-hash';

/** Folders that must exist in the image: mount points of the system binds and of every instance bind. */
const MOUNT_POINTS: readonly string[] = [
  'usr',
  'etc',
  'dev',
  'proc',
  'sys',
  'tmp',
  'run',
  INSTANCE_PATHS.sockets.slice(1),
  'app',
  INSTANCE_PATHS.output.slice(1),
  INSTANCE_PATHS.data.slice(1),
  INSTANCE_PATHS.project.slice(1),
  'opt',
  'opt/slipway',
];

/** The entries of the image's root file system, parents before children. */
export function runtimeImageEntries(): TarEntry[] {
  const directories = [...new Set(MOUNT_POINTS.flatMap(withParents))].sort();
  const nologin = '/usr/sbin/nologin';
  return [
    ...directories.map((dir): TarEntry => ({ kind: 'directory', path: dir, mode: dir === 'tmp' ? 0o1777 : 0o755 })),
    // Debian 12 is merged-/usr: these point into the /usr bound from the host.
    ...['bin', 'lib', 'lib64', 'sbin'].map((dir): TarEntry => ({ kind: 'symlink', path: dir, target: `usr/${dir}` })),
    { kind: 'symlink', path: 'etc/mtab', target: '../proc/self/mounts' },
    {
      kind: 'file',
      path: 'etc/passwd',
      mode: 0o644,
      content:
        `root:x:0:0:root:/nonexistent:${nologin}\n` +
        `${SANDBOX_USER}:x:${RUNTIME_UID}:${RUNTIME_GID}:Slipway app:${INSTANCE_PATHS.project}:${nologin}\n` +
        `nobody:x:65534:65534:nobody:/nonexistent:${nologin}\n`,
    },
    {
      kind: 'file',
      path: 'etc/group',
      mode: 0o644,
      content: `root:x:0:\n${SANDBOX_USER}:x:${RUNTIME_GID}:\nnogroup:x:65534:\n`,
    },
  ];
}

/** The image's root file system as a tar archive, and its sha256 (hex). */
export function runtimeImageArchive(): { tar: Buffer; hash: string } {
  const tar = writeTar(runtimeImageEntries());
  return { tar, hash: createHash('sha256').update(tar).digest('hex') };
}

function withParents(dir: string): string[] {
  const parts = dir.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}
