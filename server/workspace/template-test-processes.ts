/** Test-only: starting, watching and stopping the processes the template drivers run. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
const startedProcesses = new Set<ChildProcess>();

/** Stops every process a driver started and that is still running. */
export async function stopStartedProcesses(): Promise<void> {
  await Promise.all([...startedProcesses].map(stopProcess));
}

const stderrBuffers = new WeakMap<ChildProcess, string[]>();

export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> },
): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  stderrBuffers.set(child, stderr);
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  startedProcesses.add(child);
  child.on('exit', () => startedProcesses.delete(child));
  return child;
}

export function stderrOf(child: ChildProcess): string {
  return (stderrBuffers.get(child) ?? []).join('').slice(-4000);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function firstLineMatching(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  const lines = createInterface({ input: child.stdout! });
  const timeout = setTimeout(() => lines.close(), timeoutMs);
  try {
    for await (const line of lines) {
      const match = pattern.exec(line);
      if (match) {
        child.stdout!.resume(); // keep draining, so a chatty process never blocks on a full pipe
        return match;
      }
    }
  } finally {
    clearTimeout(timeout);
  }
  throw new Error(`no line matching ${pattern} from ${child.spawnfile}:\n${stderrOf(child)}`);
}

export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  describeFailure: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(describeFailure());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: Buffer;
  /** Give the process only `env`, as a web server gives a CGI script. */
  replaceEnv?: boolean;
}

/** Runs a command to completion; a non-zero exit throws with the command line and its stderr. */
export function run(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A CGI script gets only the variables the server gives it; other commands inherit ours.
    const env = (options.replaceEnv ? { ...options.env } : { ...process.env, ...options.env }) as NodeJS.ProcessEnv;
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === 0) resolve(result);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${result.stderr}`));
    });
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
}

/** Every regular file below `dir`. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}
