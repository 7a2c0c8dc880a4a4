import type { ChildProcess } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { Emitter, type Event } from '../../core/event';
import { hostPathOf } from '../../runtime/instance-process';
import type { SandboxIdentityFiles } from '../../workspace/sandbox';
import type {
  Driver,
  DriverExit,
  DriverInstance,
  DriverInstanceState,
  DriverStartRequest,
  InstanceEndpoint,
} from '../driver';
import { LogFileTail } from './log-file-tail';
import { CgroupLimiter, cgroupMemoryBytes, pidsInCgroups, removeCgroups } from './process-cgroups';
import {
  formatHandle,
  instanceFilesOf,
  launchArgv,
  parseHandle,
  readRecord,
  spawnInstance,
  writeRecord,
  type InstanceFiles,
  type ParsedHandle,
} from './process-launch';
import { appProcessesOf, descendantsOf, listProcesses, readProcessStat } from './process-table';

const LAST_LINES = 60;
const EXIT_POLL_MS = 500;
const PAGE_BYTES = 4_096;

/** What the process driver needs. */
export interface ProcessDriverOptions {
  /** Host folder for per-instance logs, control FIFO and records (kept across platform restarts). */
  stateRoot: string;
  identityFiles?: SandboxIdentityFiles;
  /** Default: detected (cgroup v2, v1, or rlimits). */
  cgroups?: CgroupLimiter;
}

interface TrackedInstance {
  handle: string;
  parsed: ParsedHandle;
  files: InstanceFiles;
  cgroups: string[];
  tails: LogFileTail[];
  lastOutput: string[];
  /** Our own child (started by this platform process); adopted instances have none. */
  child: ChildProcess | undefined;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stopping: boolean;
}

/**
 * Runs each instance in a sealed bubblewrap sandbox (own mount, PID, IPC, UTS, user and network
 * namespaces; artifact read-only; only its socket and data folders writable) under a keeper
 * process in its own session, so instances outlive a platform crash and are adopted by
 * `inspect` after the restart (decision 009). Output goes to log files the driver tails.
 */
export class ProcessDriver implements Driver {
  readonly name = 'process' as const;
  private readonly tracked = new Map<string, TrackedInstance>();
  private readonly onDidExitEmitter = new Emitter<DriverExit>();
  private readonly onDidOutputEmitter = new Emitter<{
    handle: string;
    stream: 'stdout' | 'stderr';
    text: string;
  }>();
  readonly onDidExit: Event<DriverExit> = this.onDidExitEmitter.event;
  readonly onDidOutput: Event<{ handle: string; stream: 'stdout' | 'stderr'; text: string }> =
    this.onDidOutputEmitter.event;

  private constructor(
    private readonly options: ProcessDriverOptions,
    /** How memory and pids are limited on this host. */
    readonly cgroups: CgroupLimiter,
  ) {}

  /** Detects the cgroup setup (unless given) and returns a ready driver. */
  static async create(options: ProcessDriverOptions): Promise<ProcessDriver> {
    return new ProcessDriver(options, options.cgroups ?? (await CgroupLimiter.detect()));
  }

  async start(request: DriverStartRequest): Promise<DriverInstance> {
    const files = instanceFilesOf(this.options.stateRoot, request.instanceId);
    const cgroups = await this.cgroups.create(request.instanceId, request.limits);
    const argv = launchArgv(request, {
      cgroups,
      ...(this.options.identityFiles ? { identityFiles: this.options.identityFiles } : {}),
    });
    let child: ChildProcess;
    try {
      child = await spawnInstance(files, argv);
    } catch (error) {
      await removeCgroups(cgroups);
      await rm(files.dir, { recursive: true, force: true });
      throw error;
    }
    const pid = child.pid ?? -1;
    const stat = await readProcessStat(pid);
    const parsed = { instanceId: request.instanceId, pid, startTime: stat?.startTime ?? '0' };
    const handle = formatHandle(parsed);
    const endpoint: InstanceEndpoint = { kind: 'unix', path: hostPathOf(request.spec, request.spec.socketPath) };
    await writeRecord(files, {
      handle,
      instanceId: request.instanceId,
      appId: request.appId,
      versionId: request.versionId,
      endpoint,
      cgroups,
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await this.track({ handle, parsed, files, cgroups, child, exited, replay: false });
    return { handle, endpoint };
  }

  async stop(handle: string, graceMs: number): Promise<void> {
    const parsed = parseHandle(handle);
    const files = instanceFilesOf(this.options.stateRoot, parsed.instanceId);
    const instance = this.tracked.get(handle);
    if (instance) instance.stopping = true;
    const cgroups = instance?.cgroups ?? (await readRecord(files))?.cgroups ?? [];
    if (await isRunning(parsed)) {
      if (graceMs > 0) {
        await signalApp(parsed.pid, 'SIGTERM');
        await waitUntilGone(parsed, instance, graceMs);
      }
      await killEverything(parsed, cgroups);
      await waitUntilGone(parsed, instance, 5_000);
    }
    if (instance) {
      for (const tail of instance.tails) await tail.flush();
      this.untrack(instance);
    }
    await removeCgroups(cgroups);
    await rm(files.dir, { recursive: true, force: true });
  }

  async inspect(handle: string): Promise<DriverInstanceState> {
    const parsed = parseHandle(handle);
    if (await isRunning(parsed)) {
      if (!this.tracked.has(handle)) await this.adopt(handle, parsed);
      return 'running';
    }
    const record = await readRecord(instanceFilesOf(this.options.stateRoot, parsed.instanceId));
    return record?.handle === handle ? 'exited' : 'missing';
  }

  /** Every instance with files under the state root, running or left over (stop() cleans either). */
  async list(): Promise<string[]> {
    const entries = await readdir(this.options.stateRoot).catch(() => []);
    const handles: string[] = [];
    for (const entry of entries) {
      const record = await readRecord(instanceFilesOf(this.options.stateRoot, entry));
      if (record) handles.push(record.handle);
    }
    return handles;
  }

  async memoryBytes(handle: string): Promise<number | undefined> {
    const parsed = parseHandle(handle);
    const instance = this.tracked.get(handle);
    const fromCgroup = instance ? await cgroupMemoryBytes(instance.cgroups) : undefined;
    if (fromCgroup !== undefined) return fromCgroup;
    if (!(await isRunning(parsed))) return undefined;
    const processes = await listProcesses();
    return descendantsOf(parsed.pid, processes).reduce((sum, process) => sum + process.rssPages * PAGE_BYTES, 0);
  }

  /** Stops following instances; they keep running (the next platform process adopts them). */
  async dispose(): Promise<void> {
    for (const instance of [...this.tracked.values()]) this.untrack(instance);
    this.onDidExitEmitter.dispose();
    this.onDidOutputEmitter.dispose();
    await Promise.resolve();
  }

  private async adopt(handle: string, parsed: ParsedHandle): Promise<void> {
    const files = instanceFilesOf(this.options.stateRoot, parsed.instanceId);
    const cgroups = (await readRecord(files))?.cgroups ?? [];
    const exited = pollExit(parsed, () => this.tracked.has(handle));
    await this.track({ handle, parsed, files, cgroups, child: undefined, exited, replay: true });
  }

  private async track(entry: {
    handle: string;
    parsed: ParsedHandle;
    files: InstanceFiles;
    cgroups: string[];
    child: ChildProcess | undefined;
    exited: Promise<{ code: number | null; signal: string | null }>;
    replay: boolean;
  }): Promise<void> {
    const instance: TrackedInstance = { ...entry, tails: [], lastOutput: [], stopping: false };
    this.tracked.set(entry.handle, instance);
    for (const stream of ['stdout', 'stderr'] as const) {
      const tail = await LogFileTail.follow(entry.files[stream], (text) => this.output(instance, stream, text), {
        replay: entry.replay,
      });
      instance.tails.push(tail);
    }
    void entry.exited.then((status) => this.exited(instance, status));
  }

  private output(instance: TrackedInstance, stream: 'stdout' | 'stderr', text: string): void {
    instance.lastOutput.push(text);
    if (instance.lastOutput.length > LAST_LINES) instance.lastOutput.shift();
    this.onDidOutputEmitter.fire({ handle: instance.handle, stream, text });
  }

  private async exited(instance: TrackedInstance, status: { code: number | null; signal: string | null }) {
    if (this.tracked.get(instance.handle) !== instance) return;
    for (const tail of instance.tails) await tail.flush();
    if (instance.stopping || this.tracked.get(instance.handle) !== instance) return;
    // Whatever the app left behind in its cgroup goes with it.
    await killEverything(instance.parsed, instance.cgroups);
    this.untrack(instance);
    this.onDidExitEmitter.fire({ handle: instance.handle, ...status, lastOutput: [...instance.lastOutput] });
  }

  private untrack(instance: TrackedInstance): void {
    for (const tail of instance.tails) tail.dispose();
    this.tracked.delete(instance.handle);
  }
}

async function isRunning(handle: ParsedHandle): Promise<boolean> {
  const stat = await readProcessStat(handle.pid);
  return stat !== undefined && stat.startTime === handle.startTime && stat.state !== 'Z';
}

/** An adopted instance is not our child: its end is noticed by polling /proc (until no longer followed). */
async function pollExit(
  handle: ParsedHandle,
  followed: () => boolean,
): Promise<{ code: number | null; signal: string | null }> {
  for (;;) {
    await delay(EXIT_POLL_MS); // first: `followed` turns true once the driver tracks the instance
    if (!followed() || !(await isRunning(handle))) return { code: null, signal: null };
  }
}

async function signalApp(keeperPid: number, signal: NodeJS.Signals): Promise<void> {
  for (const app of appProcessesOf(keeperPid, await listProcesses())) kill(app.pid, signal);
}

/** SIGKILL to the keeper (bwrap's --die-with-parent takes the sandbox down), its tree and its cgroups. */
async function killEverything(handle: ParsedHandle, cgroups: readonly string[]): Promise<void> {
  const tree = (await isRunning(handle)) ? descendantsOf(handle.pid, await listProcesses()) : [];
  if (await isRunning(handle)) kill(handle.pid, 'SIGKILL');
  for (const process of tree) kill(process.pid, 'SIGKILL');
  for (const pid of await pidsInCgroups(cgroups)) kill(pid, 'SIGKILL');
}

async function waitUntilGone(handle: ParsedHandle, instance: TrackedInstance | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await isRunning(handle))) {
    await Promise.race([instance?.exited ?? delay(50), delay(50)]);
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
