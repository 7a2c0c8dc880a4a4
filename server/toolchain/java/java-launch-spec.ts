import path from 'node:path';
import type { AppManifest } from '../../protocol/app-manifest';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import type { InstanceLayout, InstancePurpose, LaunchSpec } from '../toolchain';
import type { LauncherBuild } from './launcher-cache';
import { LAUNCHER_SANDBOX_DIR, launcherCommand } from './launcher-command';

/** The Unix socket every Java instance serves HTTP on (inside its sandbox). */
export const JAVA_SOCKET = `${INSTANCE_PATHS.sockets}/http.sock`;
const EXTRA_JARS_DIR = '/opt/slipway/lib';

/** A host jar mounted into every Java sandbox. */
export interface JarBind {
  host: string;
  sandbox: string;
}

/** Where extra jars (later: the Slipway SDK) appear inside the sandboxes. */
export function extraJarBinds(jars: readonly string[]): JarBind[] {
  return jars.map((jar, index) => ({
    host: path.resolve(jar),
    sandbox: `${EXTRA_JARS_DIR}/${index}-${path.basename(jar)}`,
  }));
}

/**
 * How to start a Java instance. A preview's JVM also compiles, so its build output is writable;
 * a production instance serves a finished build read-only, with the slim JVM flags.
 */
export function javaLaunchSpec(options: {
  layout: InstanceLayout;
  manifest: AppManifest;
  purpose: InstancePurpose;
  launcher: LauncherBuild;
  extraJars: readonly JarBind[];
}): LaunchSpec {
  const { layout, manifest, purpose, launcher, extraJars } = options;
  const output = { host: layout.outputDir, sandbox: INSTANCE_PATHS.output };
  const command = launcherCommand(
    purpose,
    {
      webapp: INSTANCE_PATHS.output,
      project: INSTANCE_PATHS.project,
      socket: JAVA_SOCKET,
      webappSources: manifest.entry,
    },
    {
      memoryMb: manifest.memory,
      archive: launcher.hasArchive,
      extraClassPath: extraJars.map((jar) => jar.sandbox),
    },
  );
  return {
    command,
    env: { ...manifest.env, SLIPWAY_APP_DATA_DIR: INSTANCE_PATHS.data },
    readOnlyBinds: [
      { host: launcher.dir, sandbox: LAUNCHER_SANDBOX_DIR },
      ...extraJars,
      ...(purpose === 'production' ? [output] : []),
    ],
    writableBinds: [
      ...(purpose === 'preview' ? [output] : []),
      { host: layout.socketDir, sandbox: INSTANCE_PATHS.sockets },
      { host: layout.dataDir, sandbox: INSTANCE_PATHS.data },
    ],
    socketPath: JAVA_SOCKET,
    healthPath: '/',
  };
}
