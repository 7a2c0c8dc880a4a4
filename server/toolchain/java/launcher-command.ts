import type { InstancePurpose } from '../toolchain';

/** Debian's JDK 17; the same path inside every sandbox (/usr is bound read-only). */
export const JDK_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
export const JAVA = `${JDK_HOME}/bin/java`;
export const JAVAC = `${JDK_HOME}/bin/javac`;
export const JAR = `${JDK_HOME}/bin/jar`;

/**
 * Debian's embedded Tomcat 10.1 (`libtomcat10-embed-java`, `libjakarta-annotation-api-java`):
 * the Servlet 6 API, the EL API and jakarta.annotation, which Tomcat needs at start-up. Apps
 * compile against the same jars they run with. Jasper (JSP) is left out: there is no JSP
 * compiler on the machine, and the launcher refuses `*.jsp` instead.
 */
export const PLATFORM_JARS: readonly string[] = [
  '/usr/share/java/tomcat10-embed-core.jar',
  '/usr/share/java/tomcat10-embed-el.jar',
  '/usr/share/java/jakarta-annotation-api.jar',
];

/** Where the launcher's folder (jar and class-data archive) is mounted inside a sandbox. */
export const LAUNCHER_SANDBOX_DIR = '/opt/slipway/launcher';
export const LAUNCHER_JAR = 'slipway-launcher.jar';
/** The Slipway SDK for Java, built next to the launcher: apps compile and run against it. */
export const SDK_JAR = 'slipway-sdk.jar';
export const LAUNCHER_ARCHIVE = 'launcher.jsa';
export const LAUNCHER_MAIN = 'dev.slipway.launcher.TomcatLauncher';

/** What a launcher JVM is for (see LauncherOptions.Mode in the Java sources). */
export type LauncherMode = InstancePurpose | 'build';

/** The in-sandbox paths a launcher works with. */
export interface LauncherPaths {
  webapp: string;
  project: string;
  socket?: string;
  /** Servlet source folder, project-relative (manifest.entry). */
  webappSources?: string;
}

/** Heap and code cache the compiler needs on top of the app in a preview JVM (javac ≈ 200 MB). */
const COMPILER_HEADROOM_MB = 256;

/**
 * Lets Tomcat's leak protection reach into the JDK when a context reloads (as Tomcat's own
 * catalina.sh does); without these it logs a warning per reload and leaks more per reload.
 */
const TOMCAT_OPENS = [
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED',
];

/**
 * JVM flags per mode (measurements in shared/TOOLCHAIN-NOTES.md). Production starts small and
 * fast: C1 only, serial GC, small stacks, one compiler thread, the AppCDS archive. A preview
 * keeps the full JIT because it also runs javac, which those slim flags make ~50 % slower. A cold
 * build is one short javac run, where C2 would only compete with it for the two cores.
 */
export function jvmFlags(mode: LauncherMode, memoryMb: number, archive: string | undefined): string[] {
  const ramMb = mode === 'production' ? memoryMb : memoryMb + COMPILER_HEADROOM_MB;
  const common = [
    '-XX:+UseSerialGC',
    '-XX:-UsePerfData', // no hsperfdata file in /tmp, nothing for jps to attach to
    '-XX:+ExitOnOutOfMemoryError', // a dead instance is restarted; a half-dead one is not
    `-XX:MaxRAM=${ramMb}m`,
    '-XX:MaxRAMPercentage=60',
    '-Djava.awt.headless=true',
    '-Djava.io.tmpdir=/tmp',
    '-Dfile.encoding=UTF-8',
    // The archive maps only if the class path matches the one it was dumped with; otherwise the
    // JVM silently starts without it (-Xshare:auto).
    ...(archive ? ['-Xshare:auto', `-XX:SharedArchiveFile=${archive}`] : []),
  ];
  switch (mode) {
    case 'production':
      return [...common, '-XX:TieredStopAtLevel=1', '-XX:CICompilerCount=1', '-Xss512k', ...TOMCAT_OPENS];
    case 'preview':
      return [...common, ...TOMCAT_OPENS];
    case 'build':
      return [...common, '-XX:TieredStopAtLevel=1'];
  }
}

/**
 * The launcher's class path inside the sandbox: jars only, as AppCDS requires, and extra jars
 * appended (an archive still maps when the path only grows at its end).
 */
export function launcherClassPath(extra: readonly string[] = []): string {
  return [`${LAUNCHER_SANDBOX_DIR}/${LAUNCHER_JAR}`, ...PLATFORM_JARS, SANDBOX_SDK_JAR, ...extra].join(':');
}

/** The SDK jar inside the sandbox; apps' classes resolve `dev.slipway.sdk` through the launcher's loader. */
const SANDBOX_SDK_JAR = `${LAUNCHER_SANDBOX_DIR}/${SDK_JAR}`;

/** The full argv of a launcher JVM inside the sandbox. */
export function launcherCommand(
  mode: LauncherMode,
  paths: LauncherPaths,
  options: { memoryMb: number; archive: boolean; extraClassPath?: readonly string[] },
): string[] {
  const archive = options.archive ? `${LAUNCHER_SANDBOX_DIR}/${LAUNCHER_ARCHIVE}` : undefined;
  const extra = options.extraClassPath ?? [];
  const args = ['--mode', mode, '--webapp', paths.webapp, '--project', paths.project];
  if (paths.socket) args.push('--socket', paths.socket);
  if (paths.webappSources) args.push('--webapp-sources', paths.webappSources);
  if (mode !== 'production') args.push('--compile-classpath', [...PLATFORM_JARS, SANDBOX_SDK_JAR, ...extra].join(':'));
  const classPath = launcherClassPath(mode === 'build' ? [] : extra);
  return [JAVA, ...jvmFlags(mode, options.memoryMb, archive), '-cp', classPath, LAUNCHER_MAIN, ...args];
}
