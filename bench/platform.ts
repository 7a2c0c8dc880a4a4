import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from './free-port';
import { isAlive, processTree } from './process-tree';

/** The operator account the benchmark's platform is created with. */
export interface AdminAccount {
  email: string;
  password: string;
}

/** A platform this benchmark booted: where it listens and how to stop it. */
export interface BenchPlatform {
  baseUrl: string;
  /** The launcher (tsx) process; the server and its terminals are its descendants. */
  pid: number;
  admin: AdminAccount;
  /** Host suffix of the preview origins: a project's preview is `<projectId>.<previewDomain>`. */
  previewDomain: string;
  /** The app gateway's loopback port; an app is served at `<app>.<tenant>.<appsDomain>` there. */
  gatewayPort: number;
  appsDomain: string;
  /** The platform's data dir (its farm keeps instance state and sockets there). */
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

const ADMIN: AdminAccount = { email: 'bench@slipway.test', password: 'benchmark admin password' };
/** Chromium maps every `*.localhost` name to loopback, so previews need no DNS set-up. */
const PREVIEW_DOMAIN = 'preview.localhost';
/** Published apps get their own site, `<app>.<tenant>.apps.localhost:<gateway port>`. */
const APPS_DOMAIN = 'apps.localhost';
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;

/** How long a `next build` started by someone else is awaited before building here. */
const CONCURRENT_BUILD_WAIT_MS = 5 * 60_000;

/** True when `next build` took its lock recently and has not written BUILD_ID yet. */
function buildInProgress(nextDir: string): boolean {
  try {
    return Date.now() - statSync(path.join(nextDir, 'lock')).mtimeMs < CONCURRENT_BUILD_WAIT_MS;
  } catch {
    return false;
  }
}

/**
 * The IDE needs a production build. Without one, wait for a build someone else is running in
 * this checkout (two builds in one .next collide), else build (about a minute).
 */
async function ensureProductionBuild(repoRoot: string): Promise<void> {
  const nextDir = path.join(repoRoot, '.next');
  const buildId = path.join(nextDir, 'BUILD_ID');
  const deadline = Date.now() + CONCURRENT_BUILD_WAIT_MS;
  while (!existsSync(buildId) && buildInProgress(nextDir) && Date.now() < deadline) {
    process.stdout.write('bench: waiting for a `next build` in progress…\n');
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  if (existsSync(buildId)) return;
  process.stdout.write('bench: no production build (.next/BUILD_ID); running `next build`…\n');
  const result = spawnSync('npx', ['next', 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed with exit code ${String(result.status)}`);
}

/** The end of the platform's log, for error messages. */
function logTail(logFile: string, lines = 8): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForHealth(baseUrl: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the platform exited during start-up (log: ${logFile}):\n${logTail(logFile)}`);
    }
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the platform did not answer /healthz within ${START_TIMEOUT_MS / 1000} s; see ${logFile}`);
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Stops the platform: SIGTERM to its process group (its own graceful shutdown ends the
 * terminals), SIGKILL after a grace period, then SIGKILL any process of the tree seen before
 * the stop that is still alive (ptys run in their own sessions, outside the group).
 */
async function stopPlatform(child: ChildProcess, dataDir: string): Promise<void> {
  const pid = child.pid;
  if (pid !== undefined) {
    const tree = processTree(pid);
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    signalGroup('SIGTERM');
    if (!(await waitForExit(child, STOP_GRACE_MS))) signalGroup('SIGKILL');
    await waitForExit(child, STOP_GRACE_MS);
    for (const leftover of tree.filter(isAlive)) {
      try {
        process.kill(leftover, 'SIGKILL');
      } catch {
        // It exited in the meantime.
      }
    }
  }
  await rm(dataDir, { recursive: true, force: true });
}

/** Boots a fresh platform (empty data dir, free loopback port, production mode). */
export async function startBenchPlatform(repoRoot: string): Promise<BenchPlatform> {
  await ensureProductionBuild(repoRoot);
  const port = await findFreePort();
  let gatewayPort = await findFreePort();
  while (gatewayPort === port) gatewayPort = await findFreePort();
  const baseUrl = `http://localhost:${port}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-bench-'));
  const outDir = path.join(repoRoot, 'bench', '.out');
  await mkdir(outDir, { recursive: true });
  const logFile = path.join(outDir, 'platform.log');
  // The platform writes its log straight to the file, so it keeps a working stdout even if
  // this process dies first (a broken pipe would break its shutdown logging).
  const logFd = openSync(logFile, 'w');
  const child = spawn(
    path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
    ['server/main.ts', '--port', String(port), '--data-dir', dataDir],
    {
      cwd: repoRoot,
      // Its own process group, so one signal reaches the launcher and the server behind it.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        SLIPWAY_ADMIN_EMAIL: ADMIN.email,
        SLIPWAY_ADMIN_PASSWORD: ADMIN.password,
        SLIPWAY_PUBLIC_URL: baseUrl,
        SLIPWAY_PREVIEW_DOMAIN: PREVIEW_DOMAIN,
        // main.ts always starts the gateway (nginx); give it a free port of its own.
        SLIPWAY_GATEWAY_PORT: String(gatewayPort),
        SLIPWAY_APPS_URL: `http://${APPS_DOMAIN}:${gatewayPort}`,
      },
    },
  );
  closeSync(logFd);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopPlatform(child, dataDir));
  try {
    if (child.pid === undefined) throw new Error('could not spawn the platform');
    await waitForHealth(baseUrl, child, logFile);
    return {
      baseUrl,
      pid: child.pid,
      admin: ADMIN,
      previewDomain: PREVIEW_DOMAIN,
      gatewayPort,
      appsDomain: APPS_DOMAIN,
      dataDir,
      logFile,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
