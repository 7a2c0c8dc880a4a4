import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InstanceLimits } from '../driver';

/** The folder under the platform's own cgroup that holds one cgroup per instance. */
const FARM_GROUP = 'slipway-farm';

/** Which cgroup interface limits instances: unified (v2), the legacy per-controller trees (v1), or none. */
export type CgroupMode = 'v2' | 'v1' | 'none';

/**
 * Memory and process-count limits through cgroups, in whatever shape this host offers: cgroup v2
 * when the platform's own cgroup may delegate the memory and pids controllers, else the v1
 * `memory` and `pids` hierarchies (this machine: hybrid, v1 controllers writable), else nothing
 * (the driver then falls back to rlimits; see server/farm/README.md).
 */
export class CgroupLimiter {
  /** Use {@link CgroupLimiter.detect}; direct construction is for the probe. */
  constructor(
    readonly mode: CgroupMode,
    /** Parent folders per controller tree: one for v2, memory and pids for v1. */
    private readonly parents: readonly string[],
  ) {}

  /** Finds a usable cgroup setup by creating (and removing) a probe group. */
  static async detect(): Promise<CgroupLimiter> {
    const mounts = await readText('/proc/self/mounts');
    const own = await readText('/proc/self/cgroup');
    for (const candidate of [v2Parents(mounts, own), v1Parents(mounts, own)]) {
      if (!candidate) continue;
      if (await probe(candidate.mode, candidate.parents)) return new CgroupLimiter(candidate.mode, candidate.parents);
    }
    return new CgroupLimiter('none', []);
  }

  /** A limiter that never uses cgroups (tests of the fallback). */
  static none(): CgroupLimiter {
    return new CgroupLimiter('none', []);
  }

  /** Creates the instance's cgroup(s) with its limits; returns the folders (empty without cgroups). */
  async create(instanceId: string, limits: InstanceLimits): Promise<string[]> {
    if (this.mode === 'none') return [];
    const dirs = this.parents.map((parent) => path.join(parent, instanceId));
    for (const dir of dirs) await mkdir(dir, { recursive: true });
    try {
      await writeLimits(this.mode, dirs, limits);
    } catch (error) {
      await removeCgroups(dirs);
      throw error;
    }
    return dirs;
  }
}

/** The files a process writes its pid to so that it (and every child) joins the cgroups. */
export function procsFilesOf(dirs: readonly string[]): string[] {
  return dirs.map((dir) => path.join(dir, 'cgroup.procs'));
}

/** Pids still in the cgroups (to kill what escaped the process tree). */
export async function pidsInCgroups(dirs: readonly string[]): Promise<number[]> {
  const pids = new Set<number>();
  for (const dir of dirs) {
    const text = await readText(path.join(dir, 'cgroup.procs'));
    for (const line of text.split('\n')) if (/^\d+$/.test(line)) pids.add(Number(line));
  }
  return [...pids];
}

/** Memory charged to the instance (v2 memory.current, v1 memory.usage_in_bytes). */
export async function cgroupMemoryBytes(dirs: readonly string[]): Promise<number | undefined> {
  for (const dir of dirs) {
    for (const file of ['memory.current', 'memory.usage_in_bytes']) {
      const text = (await readText(path.join(dir, file))).trim();
      if (/^\d+$/.test(text)) return Number(text);
    }
  }
  return undefined;
}

/** Removes empty instance cgroups; a group whose last process is still exiting is retried briefly. */
export async function removeCgroups(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await rmdir(dir);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}

async function writeLimits(mode: CgroupMode, dirs: readonly string[], limits: InstanceLimits): Promise<void> {
  const memory = String(limits.memoryMb * 1024 * 1024);
  if (mode === 'v2') {
    const [dir = ''] = dirs;
    await writeFile(path.join(dir, 'memory.max'), memory);
    await writeOptional(path.join(dir, 'memory.swap.max'), '0');
    await writeFile(path.join(dir, 'pids.max'), String(limits.pids));
    return;
  }
  const [memoryDir = '', pidsDir = ''] = dirs;
  await writeFile(path.join(memoryDir, 'memory.limit_in_bytes'), memory);
  // Without swap accounting the file is missing; the memory limit alone then still holds RAM.
  await writeOptional(path.join(memoryDir, 'memory.memsw.limit_in_bytes'), memory);
  await writeFile(path.join(pidsDir, 'pids.max'), String(limits.pids));
}

function v2Parents(mounts: string, own: string): { mode: CgroupMode; parents: string[] } | undefined {
  const mount = mountPoints(mounts, (type) => type === 'cgroup2')[0];
  const ownPath = /^0::(.*)$/m.exec(own)?.[1];
  if (!mount || ownPath === undefined) return undefined;
  return { mode: 'v2', parents: [path.join(mount.point, ownPath, FARM_GROUP)] };
}

function v1Parents(mounts: string, own: string): { mode: CgroupMode; parents: string[] } | undefined {
  const parents: string[] = [];
  for (const controller of ['memory', 'pids']) {
    const mount = mountPoints(mounts, (type, options) => type === 'cgroup' && options.includes(controller))[0];
    const ownPath = new RegExp(`^\\d+:(?:[^:]*,)?${controller}(?:,[^:]*)?:(.*)$`, 'm').exec(own)?.[1];
    if (!mount || ownPath === undefined) return undefined;
    parents.push(path.join(mount.point, ownPath, FARM_GROUP));
  }
  return { mode: 'v1', parents };
}

function mountPoints(
  mounts: string,
  matches: (type: string, options: string[]) => boolean,
): { point: string; options: string[] }[] {
  return mounts
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([, , type = '', options = '']) => matches(type, options.split(',')))
    .map(([, point = '', , options = '']) => ({ point, options: options.split(',') }));
}

async function probe(mode: CgroupMode, parents: readonly string[]): Promise<boolean> {
  try {
    if (mode === 'v2') await delegateV2(parents[0] ?? '');
    const limiter = new CgroupLimiter(mode, parents);
    const dirs = await limiter.create(`probe-${process.pid}`, { memoryMb: 64, pids: 16 });
    await removeCgroups(dirs);
    return true;
  } catch {
    return false;
  }
}

/**
 * cgroup v2 lets a group limit its children only when its parent enabled the controllers; that
 * fails (EBUSY) while the platform's own group holds processes and is not the root ("no internal
 * processes"), and then the platform falls back.
 */
async function delegateV2(farmGroup: string): Promise<void> {
  const own = path.dirname(farmGroup);
  const controllers = (await readText(path.join(own, 'cgroup.controllers'))).split(/\s+/);
  if (!controllers.includes('memory') || !controllers.includes('pids')) throw new Error('controllers missing');
  await writeFile(path.join(own, 'cgroup.subtree_control'), '+memory +pids');
  await mkdir(farmGroup, { recursive: true });
  await writeFile(path.join(farmGroup, 'cgroup.subtree_control'), '+memory +pids');
}

async function writeOptional(file: string, value: string): Promise<void> {
  try {
    await writeFile(file, value);
  } catch {
    // an optional knob this kernel lacks
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}
