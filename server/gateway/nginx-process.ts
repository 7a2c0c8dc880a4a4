import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { DomainError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import type { Logger } from '../core/logger';

/** How to run nginx for the gateway. */
export interface NginxProcessOptions {
  nginxPath: string;
  /** nginx's prefix (`-p`); the main configuration file is `<prefixDir>/nginx.conf`. */
  prefixDir: string;
  /** The status socket the configuration listens on (reports the served generation). */
  statusSocket: string;
  log: Logger;
  /** How long start() waits for nginx to answer on its status socket. */
  startTimeoutMs?: number;
}

const STDERR_KEEP = 8 * 1024;
const MAX_BACKOFF_MS = 30_000;

/**
 * nginx as a supervised child: a master process in the foreground (`daemon off`), restarted
 * with backoff when it dies, stopped gracefully on dispose. Reload and log reopening are
 * signals to the master (SIGHUP, SIGUSR1), which keeps in-flight requests.
 */
export class NginxProcess implements Disposable {
  private child: ChildProcess | undefined;
  private stderr = '';
  private disposed = false;
  private backoffMs = 1000;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NginxProcessOptions) {}

  get configFile(): string {
    return path.join(this.options.prefixDir, 'nginx.conf');
  }

  /** Starts nginx on the configuration file already written; resolves once it serves. */
  async start(): Promise<void> {
    await this.removeLeftovers();
    const child = spawn(
      this.options.nginxPath,
      [...this.baseArgs(this.configFile), '-g', 'daemon off; master_process on;'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        // Its own process group: workers left by a master that died can be ended together.
        detached: true,
      },
    );
    this.child = child;
    this.stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    const startedAt = Date.now();
    child.once('exit', (code, signal) => this.onExit(child, code, signal, startedAt));
    await this.waitUntilServing(child);
  }

  /** Checks a configuration file with `nginx -t`; throws failed-dependency with nginx's complaint. */
  async test(configFile: string): Promise<void> {
    const args = [...this.baseArgs(configFile), '-t', '-q'];
    await new Promise<void>((resolve, reject) => {
      execFile(this.options.nginxPath, args, { timeout: 20_000 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const complaint = stderr.trim() || error.message;
        reject(new DomainError('failed-dependency', `nginx rejected the configuration: ${complaint}`, { stderr }));
      });
    });
  }

  /** Graceful reload: new workers start on the new configuration, old ones finish their requests. */
  reload(): void {
    this.signal('SIGHUP');
  }

  /** Reopens the log files (after the access log was renamed). */
  reopenLogs(): void {
    this.signal('SIGUSR1');
  }

  /** The configuration generation new connections are served by, or null when nginx does not answer. */
  servedGeneration(): Promise<number | null> {
    return new Promise((resolve) => {
      // A fresh connection each time: a kept-alive one could still belong to an old worker.
      const probe = request(
        { socketPath: this.options.statusSocket, path: '/generation', agent: false, timeout: 2000 },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(response.statusCode === 200 ? Number(body) : null));
          response.on('error', () => resolve(null));
        },
      );
      probe.on('error', () => resolve(null));
      probe.on('timeout', () => probe.destroy());
      probe.end();
    });
  }

  /**
   * Workers that still accept connections: after a reload, old workers set their title to
   * "worker process is shutting down" as they close their listening sockets.
   */
  async acceptingWorkers(): Promise<number> {
    const pid = this.pid;
    if (pid === undefined) return 0;
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim();
    let count = 0;
    for (const child of children ? children.split(/\s+/) : []) {
      const title = (await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
      if (title.startsWith('nginx: worker process') && !title.includes('shutting down')) count++;
    }
    return count;
  }

  /** The master's pid while it runs. */
  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGQUIT'); // graceful: workers finish their requests
    const force = setTimeout(() => child.kill('SIGTERM'), 5000);
    await exited;
    clearTimeout(force);
  }

  private baseArgs(configFile: string): string[] {
    const errorLog = path.join(this.options.prefixDir, 'logs', 'error.log');
    return ['-p', `${this.options.prefixDir}/`, '-c', configFile, '-e', errorLog];
  }

  private async removeLeftovers(): Promise<void> {
    const pidFile = path.join(this.options.prefixDir, 'run', 'nginx.pid');
    await stopOrphan(pidFile, this.options.prefixDir, this.options.log);
    // A master killed with -9 leaves its pid file and Unix socket behind; binding would then fail.
    await rm(this.options.statusSocket, { force: true });
    await rm(pidFile, { force: true });
  }

  private async waitUntilServing(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new DomainError('failed-dependency', `nginx exited while starting: ${this.stderrTail()}`);
      }
      if ((await this.servedGeneration()) !== null) return;
      await delay(25);
    }
    child.kill('SIGTERM');
    throw new DomainError('failed-dependency', `nginx did not start serving in time: ${this.stderrTail()}`);
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null, startedAt: number): void {
    if (this.disposed || this.child !== child) return;
    // Workers outlive a master killed with -9 and keep the port; end them before restarting.
    if (child.pid !== undefined) killGroup(child.pid);
    this.options.log.warn(`nginx exited (code ${code}, signal ${signal}); restarting. ${this.stderrTail()}`);
    if (Date.now() - startedAt > 60_000) this.backoffMs = 1000;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.restartTimer = setTimeout(() => {
      if (this.disposed) return;
      this.start().catch((error: unknown) => this.options.log.error('nginx failed to restart', error));
    }, wait);
  }

  private signal(name: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === undefined) throw new DomainError('failed-dependency', 'nginx is not running.');
    process.kill(pid, name);
  }

  private stderrTail(): string {
    return this.stderr.trim().split('\n').slice(-5).join(' | ');
  }
}

/** An nginx of ours left running by a platform that was killed (-9) still holds the port: stop it. */
async function stopOrphan(pidFile: string, prefixDir: string, log: Logger): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!commandLine.includes('nginx') || !commandLine.includes(prefixDir)) return;
  log.warn(`stopping nginx ${pid} left running by an earlier platform process`);
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 5000; waited += 50) {
    if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))) return;
    await delay(50);
  }
  process.kill(pid, 'SIGKILL');
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
