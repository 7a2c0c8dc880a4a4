import { constants as osConstants } from 'node:os';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { Disposable } from '../../core/disposable';

/** How many of a container's last output lines are kept for its crash report. */
const LAST_LINES = 50;
/** How often a broken wait (the engine restarted, a socket reset) is retried before giving up. */
const WAIT_ATTEMPTS = 5;

/** What a watch reports to its driver. */
export interface ContainerWatchSink {
  output(stream: 'stdout' | 'stderr', text: string): void;
  /** The container stopped running; `status` is its exit status (128 + n after signal n). */
  exit(status: number | undefined, lastOutput: string[]): void;
}

/**
 * Follows one container: its output through an attach stream (opened before the container
 * starts, so no line is missed and no log driver is involved) and its end through a blocking
 * wait. Disposing stops following; the container itself is left alone.
 */
export class ContainerWatch implements Disposable {
  private readonly abort = new AbortController();
  private readonly lastLines: string[] = [];
  /** The engine's hijacked connection (a socket), typed by dockerode only as a readable stream. */
  private attachStream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  private ended = false;

  constructor(
    private readonly docker: Docker,
    readonly handle: string,
    private readonly sink: ContainerWatchSink,
  ) {}

  /** Opens the output stream; call before starting the container to see its first lines. */
  async attach(): Promise<void> {
    const container = this.docker.getContainer(this.handle);
    const stream = await container.attach({ stream: true, stdout: true, stderr: true, logs: false });
    this.attachStream = stream;
    const stdout = new LineSplitter((text) => this.line('stdout', text));
    const stderr = new LineSplitter((text) => this.line('stderr', text));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    stream.on('end', () => {
      stdout.flush();
      stderr.flush();
    });
    stream.on('error', () => undefined); // the exit is reported by the wait
  }

  /** Waits (in the background) until the container stops running, then reports it once. */
  watchExit(): void {
    void this.waitForExit();
  }

  /** The last lines the container printed, oldest first. */
  get lastOutput(): string[] {
    return [...this.lastLines];
  }

  dispose(): void {
    this.ended = true;
    this.abort.abort();
    this.attachStream?.destroy?.();
  }

  private line(stream: 'stdout' | 'stderr', text: string): void {
    this.lastLines.push(text);
    if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
    if (!this.ended) this.sink.output(stream, text);
  }

  private async waitForExit(): Promise<void> {
    const container = this.docker.getContainer(this.handle);
    for (let attempt = 1; attempt <= WAIT_ATTEMPTS && !this.ended; attempt++) {
      try {
        const result = (await container.wait({ abortSignal: this.abort.signal })) as { StatusCode?: number };
        return this.report(result.StatusCode);
      } catch (error) {
        if (this.ended) return;
        if (statusCodeOf(error) === 404) return this.report(undefined);
        const state = await container.inspect().catch(() => undefined);
        if (state && !state.State.Running) return this.report(state.State.ExitCode);
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  private report(status: number | undefined): void {
    if (this.ended) return;
    this.ended = true;
    // Let the attach stream deliver the lines printed just before the end.
    setImmediate(() => this.sink.exit(status, this.lastOutput));
  }
}

/** Splits a byte stream into lines (a trailing partial line waits for the next chunk or the end). */
class LineSplitter extends Writable {
  private pending = '';

  constructor(private readonly onLine: (text: string) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const lines = (this.pending + chunk.toString()).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
    done();
  }

  flush(): void {
    if (this.pending) this.onLine(this.pending);
    this.pending = '';
  }
}

/** An exit status as a code or a signal: 128 + n means signal n, as shells and engines report it. */
export function describeExitStatus(status: number | undefined): { code: number | null; signal: string | null } {
  if (status === undefined) return { code: null, signal: null };
  if (status > 128 && status < 128 + 65) {
    const name = Object.entries(osConstants.signals).find(([, number]) => number === status - 128)?.[0];
    if (name) return { code: null, signal: name };
  }
  return { code: status, signal: null };
}

/** The HTTP status of a dockerode error, if it carries one. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}
