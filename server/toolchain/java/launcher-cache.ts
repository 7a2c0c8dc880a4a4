import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSandboxAvailable, type SandboxIdentityFiles } from '../../workspace/sandbox';
import { dumpClassDataArchive } from './class-data-archive';
import { JAR, JAVA, JAVAC, JDK_HOME, LAUNCHER_ARCHIVE, LAUNCHER_JAR, PLATFORM_JARS, SDK_JAR } from './launcher-command';

/** The launcher's Java sources, shipped next to this file. */
export const LAUNCHER_SOURCES = fileURLToPath(new URL('./launcher/src/', import.meta.url));
/** The Java SDK's sources (sdk/java), compiled into the same cache folder as the launcher. */
export const SDK_SOURCES = fileURLToPath(new URL('../../../sdk/java/src/main/java/', import.meta.url));

/** A compiled launcher in the cache. */
export interface LauncherBuild {
  /** Host folder with the jar (and the class-data archive), mounted read-only into sandboxes. */
  readonly dir: string;
  readonly hasArchive: boolean;
}

/** Where and how to prepare the launcher. */
export interface LauncherCacheOptions {
  /** e.g. `<dataDir>/toolchain/java`; one sub-folder per hash of the sources and the JDK/Tomcat. */
  readonly cacheDir: string;
  /** Also dump an AppCDS archive (start-up 619 → ~250 ms in the notes' measurements). */
  readonly classDataSharing: boolean;
  readonly identityFiles?: SandboxIdentityFiles;
  readonly log: (line: string) => void;
}

const COMPLETE = 'complete';
const inProgress = new Map<string, Promise<LauncherBuild>>();

/**
 * Returns the launcher for the current sources, compiling it on first use: javac into a temporary
 * folder, a jar (AppCDS maps jars only), optionally the archive, then one rename into place, so a
 * crash never leaves a half-built launcher where the next start would take it for a finished one.
 */
export function prepareLauncher(options: LauncherCacheOptions): Promise<LauncherBuild> {
  const key = `${options.cacheDir}\0${String(options.classDataSharing)}`;
  let pending = inProgress.get(key);
  if (!pending) {
    pending = buildLauncher(options);
    inProgress.set(key, pending);
    pending.catch(() => inProgress.delete(key)); // let a later call retry
  }
  return pending;
}

async function buildLauncher(options: LauncherCacheOptions): Promise<LauncherBuild> {
  const sources = await javaSources(LAUNCHER_SOURCES);
  const sdkSources = await javaSources(SDK_SOURCES);
  const hash = await launcherHash(sources, sdkSources);
  const dir = path.join(options.cacheDir, `${hash}${options.classDataSharing ? '-cds' : ''}`);
  const existing = await finished(dir);
  if (existing) {
    await chmod(dir, 0o755); // caches built before container drivers existed were 0700
    return existing;
  }

  await mkdir(options.cacheDir, { recursive: true });
  const staging = await mkdtemp(path.join(options.cacheDir, `.staging-${hash}-`));
  try {
    // mkdtemp makes it 0700; container drivers run the launcher as an unprivileged uid.
    await chmod(staging, 0o755);
    const started = Date.now();
    await compileJar(LAUNCHER_SOURCES, sources, path.join(staging, LAUNCHER_JAR));
    await compileJar(SDK_SOURCES, sdkSources, path.join(staging, SDK_JAR));
    let hasArchive = false;
    // The archive must be dumped in a sandbox laid out like the instances' (see class-data-archive).
    if (options.classDataSharing && (await isSandboxAvailable())) {
      hasArchive = await dumpClassDataArchive(staging, path.join(staging, LAUNCHER_ARCHIVE), options.identityFiles);
      if (!hasArchive) options.log('java launcher: no class-data archive (instances start without it)');
    }
    await writeFile(path.join(staging, COMPLETE), JSON.stringify({ hasArchive }));
    try {
      await rename(staging, dir);
    } catch (error) {
      // Another server process sharing the data dir finished first; theirs is as good as ours.
      const theirs = await finished(dir);
      if (!theirs) throw error;
      return theirs;
    }
    options.log(`java launcher compiled in ${Date.now() - started} ms (${dir})`);
    return { dir, hasArchive };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Compiles a source tree against the platform jars into one jar. */
async function compileJar(root: string, sources: readonly string[], jarFile: string): Promise<void> {
  const classes = `${jarFile}.classes`;
  await run(JAVAC, [
    '--release',
    '17',
    '-encoding',
    'UTF-8',
    '-Xlint:all',
    '-cp',
    PLATFORM_JARS.join(':'),
    '-d',
    classes,
    ...sources.map((file) => path.join(root, file)),
  ]);
  await run(JAR, ['--create', '--file', jarFile, '-C', classes, '.']);
  await rm(classes, { recursive: true });
}

async function finished(dir: string): Promise<LauncherBuild | undefined> {
  try {
    const marker = JSON.parse(await readFile(path.join(dir, COMPLETE), 'utf8')) as { hasArchive?: unknown };
    return { dir, hasArchive: marker.hasArchive === true };
  } catch {
    return undefined;
  }
}

async function javaSources(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const relative = path.join(prefix, entry.name);
      if (entry.isDirectory()) return javaSources(root, relative);
      return entry.isFile() && entry.name.endsWith('.java') ? [relative] : [];
    }),
  );
  return nested.flat().sort();
}

/**
 * Hash of everything the compiled launcher and its archive depend on: our sources, and the JDK
 * and Tomcat jars (an archive made with other jars would be ignored; a Debian upgrade rebuilds).
 */
async function launcherHash(sources: readonly string[], sdkSources: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const [root, files] of [
    [LAUNCHER_SOURCES, sources],
    [SDK_SOURCES, sdkSources],
  ] as const) {
    for (const file of files) {
      hash.update(`${root}\0${file}\0`);
      hash.update(await readFile(path.join(root, file)));
    }
  }
  for (const file of [JAVA, path.join(JDK_HOME, 'lib/server/libjvm.so'), ...PLATFORM_JARS]) {
    const real = await realpath(file);
    const info = await stat(real);
    hash.update(`${real}\0${info.size}\0${info.mtimeMs}\0`);
  }
  return hash.digest('hex').slice(0, 20);
}

/** Runs a trusted tool of ours (javac, jar) outside any sandbox; it reads no project file. */
function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const code = typeof error.code === 'number' ? error.code : String(error.code ?? error.signal);
      reject(new Error(`${command} ${args.slice(0, 4).join(' ')}… exited with ${code}: ${stderr.slice(-2_000)}`));
    });
  });
}
