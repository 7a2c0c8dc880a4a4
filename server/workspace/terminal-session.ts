import type { IPty } from 'node-pty';
import type { Disposable } from '../core/disposable';
import { invalidInput } from '../core/errors';
import { Emitter, type Event } from '../core/event';
import {
  TERMINAL_HIGH_WATERMARK_BYTES,
  TERMINAL_LOW_WATERMARK_BYTES,
  TERMINAL_MAX_COLS,
  TERMINAL_MAX_ROWS,
  TERMINAL_MIN_COLS,
  TERMINAL_MIN_ROWS,
  type TerminalExitStatus,
  type TerminalInfo,
} from '../protocol/terminal';
import { ReplayBuffer } from './replay-buffer';

/** Receives what a terminal produces while attached. Called synchronously; must not throw. */
export interface TerminalSink {
  /** Raw pty bytes, in order. Acknowledge them through the attachment once processed. */
  output(data: Uint8Array): void;
  /** The process ended; no more output follows. */
  exit(status: TerminalExitStatus): void;
  /** A newer attach took over; this sink receives nothing more. */
  replaced(): void;
}

/** One client's hold on a session; disposing it detaches. */
export interface TerminalAttachment extends Disposable {
  /** The client processed this many more output bytes (an increment). */
  acknowledge(bytes: number): void;
  /** The transport itself is backed up (e.g. a socket's bufferedAmount): hold the pty meanwhile. */
  setTransportCongested(congested: boolean): void;
  /** Detaches; synchronous and idempotent. */
  dispose(): void;
}

/** Who a session belongs to and where it runs. */
export interface TerminalSessionInit {
  readonly id: string;
  readonly projectId: string;
  readonly ownerUserId: string;
  readonly ownerSessionId: string;
  readonly cols: number;
  readonly rows: number;
}

/** Buffer and flow-control sizes of a session. */
export interface TerminalSessionLimits {
  readonly replayBytes: number;
  readonly highWatermarkBytes?: number;
  readonly lowWatermarkBytes?: number;
}

/**
 * A pty running a shell in a project's sandbox, with a bounded replay buffer, one attached client
 * at a time and ack-based flow control. Created and owned by `TerminalService`.
 */
export class TerminalSession {
  readonly id: string;
  readonly projectId: string;
  readonly ownerUserId: string;
  readonly ownerSessionId: string;
  readonly createdAt = new Date();

  private readonly onDidExitEmitter = new Emitter<TerminalExitStatus>();
  /** Fires once when the process has ended and all its output was delivered. */
  readonly onDidExit: Event<TerminalExitStatus> = this.onDidExitEmitter.event;
  private readonly onDidChangeAttachmentEmitter = new Emitter<boolean>();
  /** Fires `true` on attach and `false` when the last client detached. */
  readonly onDidChangeAttachment: Event<boolean> = this.onDidChangeAttachmentEmitter.event;

  private readonly replay: ReplayBuffer;
  private readonly high: number;
  private readonly low: number;
  private current: { sink: TerminalSink; congested: boolean } | undefined;
  private unacked = 0;
  private paused = false;
  private killed = false;
  private status: TerminalExitStatus | undefined;
  private currentCols: number;
  private currentRows: number;
  private readonly exited: Promise<TerminalExitStatus>;

  constructor(
    init: TerminalSessionInit,
    private readonly pty: IPty,
    limits: TerminalSessionLimits,
  ) {
    this.id = init.id;
    this.projectId = init.projectId;
    this.ownerUserId = init.ownerUserId;
    this.ownerSessionId = init.ownerSessionId;
    this.currentCols = init.cols;
    this.currentRows = init.rows;
    this.replay = new ReplayBuffer(limits.replayBytes);
    this.high = limits.highWatermarkBytes ?? TERMINAL_HIGH_WATERMARK_BYTES;
    this.low = limits.lowWatermarkBytes ?? TERMINAL_LOW_WATERMARK_BYTES;
    if (this.low >= this.high) throw new RangeError('low watermark must be below the high watermark');
    // node-pty with `encoding: null` delivers Buffers although its typings say string.
    pty.onData((data) => this.handleOutput(data as unknown as Uint8Array));
    this.exited = new Promise((resolve) => {
      pty.onExit(({ exitCode, signal }) => resolve(this.handleExit(exitCode, signal)));
    });
  }

  get cols(): number {
    return this.currentCols;
  }

  get rows(): number {
    return this.currentRows;
  }

  /** The outer (bwrap) process id on the host. */
  get pid(): number {
    return this.pty.pid;
  }

  /** Set once the process ended. */
  get exitStatus(): TerminalExitStatus | undefined {
    return this.status;
  }

  get isAttached(): boolean {
    return this.current !== undefined;
  }

  /** Whether the pty is currently not being read (flow control). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Resolves when the process has ended. */
  whenExited(): Promise<TerminalExitStatus> {
    return this.exited;
  }

  /**
   * Attaches a client: it first receives the replay of recent output, then live output (or the
   * exit status if the process already ended). A previous client is told it was replaced.
   */
  attach(sink: TerminalSink): TerminalAttachment {
    const previous = this.current;
    const entry = { sink, congested: false };
    this.current = entry;
    this.unacked = 0;
    if (previous) safely(() => previous.sink.replaced());
    const replay = this.replay.snapshot();
    if (replay.length > 0) this.deliver(entry, replay);
    const status = this.status;
    if (status) safely(() => sink.exit(status));
    this.updateFlow();
    if (!previous) this.onDidChangeAttachmentEmitter.fire(true);
    return {
      acknowledge: (bytes) => {
        if (this.current !== entry) return;
        this.unacked = Math.max(0, this.unacked - bytes);
        this.updateFlow();
      },
      setTransportCongested: (congested) => {
        if (this.current !== entry) return;
        entry.congested = congested;
        this.updateFlow();
      },
      dispose: () => {
        if (this.current !== entry) return;
        this.current = undefined;
        this.unacked = 0;
        this.updateFlow();
        this.onDidChangeAttachmentEmitter.fire(false);
      },
    };
  }

  /** Types into the terminal. Ignored once the process ended. */
  write(data: string): void {
    if (this.status || data.length === 0) return;
    this.pty.write(data);
  }

  /** Changes the window size; rejects sizes outside the protocol's range. */
  resize(cols: number, rows: number): void {
    if (!inRange(cols, TERMINAL_MIN_COLS, TERMINAL_MAX_COLS) || !inRange(rows, TERMINAL_MIN_ROWS, TERMINAL_MAX_ROWS)) {
      throw invalidInput('terminal size out of range', { cols, rows });
    }
    if (this.status) return;
    this.pty.resize(cols, rows);
    this.currentCols = cols;
    this.currentRows = rows;
  }

  /**
   * Ends the sandbox: SIGKILL to the process group (outer bwrap and its pid-1 helper; the kernel
   * then kills everything else in the sandbox's PID namespace). Resolves once the exit is reported.
   */
  kill(): Promise<TerminalExitStatus> {
    if (!this.status && !this.killed) {
      this.killed = true;
      try {
        process.kill(-this.pty.pid, 'SIGKILL');
      } catch {
        // Already gone: the exit event is on its way.
      }
      // A paused pty never reaches EOF, which node-pty waits for before reporting the exit.
      this.updateFlow();
    }
    return this.exited;
  }

  /** The REST view of this session. */
  info(): TerminalInfo {
    return {
      id: this.id,
      projectId: this.projectId,
      cols: this.currentCols,
      rows: this.currentRows,
      createdAt: this.createdAt.toISOString(),
      exited: this.status !== undefined,
      exitCode: this.status?.code ?? null,
    };
  }

  private handleOutput(data: Uint8Array): void {
    this.replay.push(data);
    const entry = this.current;
    if (!entry) return;
    this.deliver(entry, data);
    this.updateFlow();
  }

  private deliver(entry: { sink: TerminalSink }, data: Uint8Array): void {
    this.unacked += data.length;
    safely(() => entry.sink.output(data));
  }

  private handleExit(exitCode: number, signal: number | undefined): TerminalExitStatus {
    const status: TerminalExitStatus = signal ? { code: null, signal } : { code: exitCode, signal: null };
    this.status = status;
    this.setPaused(false);
    const entry = this.current;
    if (entry) safely(() => entry.sink.exit(status));
    this.onDidExitEmitter.fire(status);
    this.onDidExitEmitter.dispose();
    return status;
  }

  /** Pause above the high watermark or while the transport is congested; resume below the low one. */
  private updateFlow(): void {
    const entry = this.current;
    if (!entry || this.status || this.killed) return this.setPaused(false);
    if (this.paused) {
      if (this.unacked < this.low && !entry.congested) this.setPaused(false);
    } else if (this.unacked > this.high || entry.congested) {
      this.setPaused(true);
    }
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (paused) this.pty.pause();
    else this.pty.resume();
  }
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** A sink's failure must not break the pty's event handling. */
function safely(call: () => void): void {
  try {
    call();
  } catch (error) {
    console.error('terminal sink failed', error);
  }
}
