import { api } from '@/components/api/api-client';
import type { TerminalClientMessage, TerminalExitStatus, TerminalServerMessage } from '@/server/protocol/terminal';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What a terminal connection reports to its view. */
export interface TerminalConnectionEvents {
  /** Output to show; call `processed` once the terminal has rendered it (drives the ack). */
  onOutput(data: Uint8Array | string, processed: () => void): void;
  /** A reconnect is about to replay recent output: clear the screen first. */
  onReplay(): void;
  onExit(status: TerminalExitStatus): void;
  onState(state: ConnectionState, reason?: string): void;
  /** Current size, sent again after every (re)connect. */
  size(): { cols: number; rows: number };
}

const MAX_BACKOFF_MS = 10_000;
const encoder = new TextEncoder();

/**
 * One WebSocket to `/ws/terminals/:id`, reconnecting with exponential backoff to the same pty
 * (the server keeps it and replays recent output). Output is acknowledged after it is rendered,
 * so the server can pause a chatty process instead of flooding the browser.
 */
export class TerminalConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private everOpened = false;
  private finished = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private unacked = 0;
  private ackScheduled = false;

  constructor(
    private readonly projectId: string,
    private readonly terminalId: string,
    private readonly events: TerminalConnectionEvents,
  ) {
    this.connect();
  }

  input(data: string): void {
    this.send({ type: 'input', data });
  }

  resize(cols: number, rows: number): void {
    this.send({ type: 'resize', cols, rows });
  }

  private send(message: TerminalClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    this.events.onState(this.everOpened ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(api.terminals.socketUrl(this.terminalId));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      if (this.everOpened) this.events.onReplay();
      this.everOpened = true;
      this.attempt = 0;
      this.unacked = 0;
      this.events.onState('open');
      const { cols, rows } = this.events.size();
      this.resize(cols, rows);
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.finished) return;
      void this.scheduleReconnect(event.reason);
    };
  }

  private receive(data: ArrayBuffer | string): void {
    if (typeof data !== 'string') {
      const bytes = new Uint8Array(data);
      this.events.onOutput(bytes, () => this.ack(bytes.byteLength));
      return;
    }
    let message: TerminalServerMessage;
    try {
      message = JSON.parse(data) as TerminalServerMessage;
    } catch {
      // Not JSON: treat as plain output so nothing the shell printed is lost.
      this.events.onOutput(data, () => this.ack(encoder.encode(data).byteLength));
      return;
    }
    switch (message.type) {
      case 'exit':
        this.finish();
        this.events.onExit({ code: message.code, signal: message.signal });
        break;
      case 'replaced':
        this.finish();
        this.events.onState('closed', 'This terminal was opened in another window.');
        break;
      default:
        // 'ready' needs nothing: the resize sent on open already carries our size.
        break;
    }
  }

  /** Coalesces the acks of everything rendered in one task into one message. */
  private ack(bytes: number): void {
    this.unacked += bytes;
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    queueMicrotask(() => {
      this.ackScheduled = false;
      if (this.unacked > 0) this.send({ type: 'ack', bytes: this.unacked });
      this.unacked = 0;
    });
  }

  private async scheduleReconnect(reason: string): Promise<void> {
    this.attempt += 1;
    // After a few failures, ask whether the pty still exists rather than retrying forever.
    if (this.attempt >= 3) {
      try {
        const terminals = await api.terminals.list(this.projectId);
        if (!terminals.some((t) => t.id === this.terminalId)) {
          this.finish();
          this.events.onState('closed', 'The terminal no longer exists on the server.');
          return;
        }
      } catch {
        // The server is unreachable too: keep retrying.
      }
    }
    if (this.finished) return;
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt);
    this.events.onState('reconnecting', reason || undefined);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private finish(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
  }

  dispose(): void {
    this.finish();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'closed by the client');
  }
}
