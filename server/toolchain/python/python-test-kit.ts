/**
 * Test-only helpers for the Python toolchain's integration tests: a copy of a template, a real
 * sandboxed gunicorn instance, HTTP over its Unix socket, and a process-tree probe for leaks.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAppManifest, type AppManifest } from '../../protocol/app-manifest';
import { InstanceProcess } from '../../runtime/instance-process';
import type { BuildResult, InstanceLayout } from '../toolchain';
import type { PythonToolchain } from './python-toolchain';

/** The repository's templates/ folder. */
export const templatesRoot = fileURLToPath(new URL('../../../templates', import.meta.url));

/** One HTTP answer; header names in lower case. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A template copied to a temp folder, built and served by a real instance. */
export interface RunningApp {
  root: string;
  layout: InstanceLayout;
  manifest: AppManifest;
  instance: InstanceProcess;
  /** Every stdout/stderr line so far, prefixed "out: " or "err: ". */
  lines: string[];
  get(
    urlPath: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<HttpAnswer>;
  build(changedPaths?: string[]): Promise<BuildResult>;
  stop(): Promise<void>;
}

/** Copies `templates/<template>`, runs a full build, launches the instance and waits until it answers. */
export async function startApp(toolchain: PythonToolchain, template: string): Promise<RunningApp> {
  const root = await mkdtemp(path.join(tmpdir(), `slipway-python-${template}-`));
  const layout: InstanceLayout = {
    projectDir: path.join(root, 'project'),
    outputDir: path.join(root, 'build'),
    socketDir: path.join(root, 'sockets'),
    dataDir: path.join(root, 'data'),
  };
  await cp(path.join(templatesRoot, template), layout.projectDir, { recursive: true });
  for (const dir of [layout.outputDir, layout.socketDir, layout.dataDir]) await mkdir(dir, { recursive: true });
  const manifest = parseAppManifest(await readFile(path.join(layout.projectDir, 'slipway.json'), 'utf8'));
  const build = (changedPaths?: string[]): Promise<BuildResult> =>
    toolchain.build({
      projectDir: layout.projectDir,
      outputDir: layout.outputDir,
      manifest,
      ...(changedPaths ? { changedPaths } : {}),
      signal: new AbortController().signal,
      log: () => undefined,
    });
  const first = await build();
  if (!first.ok) throw new Error(`the template ${template} does not build: ${JSON.stringify(first.diagnostics)}`);
  const instance = new InstanceProcess(layout, toolchain.launchSpec(layout, manifest));
  const lines: string[] = [];
  instance.onDidOutput((line) => lines.push(`${line.stream === 'stdout' ? 'out' : 'err'}: ${line.text}`));
  try {
    await instance.waitUntilReady(10_000);
  } catch (error) {
    await instance.dispose();
    throw new Error(`${String(error)}\n${lines.join('\n')}`, { cause: error });
  }
  return {
    root,
    layout,
    manifest,
    instance,
    lines,
    get: (urlPath, init) => httpRequest(instance.hostSocketPath, urlPath, init),
    build,
    async stop() {
      await instance.dispose();
      await toolchain.releaseProject(layout.projectDir);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** An HTTP request over a Unix socket; the path is sent exactly as given (no normalising). */
export function httpRequest(
  socketPath: string,
  urlPath: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: urlPath, method: init.method ?? 'GET', headers: { host: 'preview.test', ...init.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Pids of every living descendant of `pid` (from /proc). */
export async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name in parentheses, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const visit = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** True while a process with this pid exists (zombies count as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The pids still alive after a short grace. bwrap's helper inside the sandbox is ended by the
 * kernel just after bwrap itself exits, so a check right at that moment can catch it dying.
 */
export async function survivors(pids: readonly number[], graceMs = 500): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return pids.filter(isAlive);
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
