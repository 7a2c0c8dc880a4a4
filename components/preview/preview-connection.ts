import { api } from '@/components/api/api-client';
import type { PreviewClientMessage, PreviewServerMessage } from '@/server/protocol/preview';

export type PreviewConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What the preview socket reports to its owner. */
export interface PreviewConnectionEvents {
  onMessage(message: PreviewServerMessage): void;
  /** `open` fires on every (re)connect: the owner refetches what it may have missed meanwhile. */
  onState(state: PreviewConnectionState): void;
}

const MAX_BACKOFF_MS = 10_000;
const MESSAGE_TYPES = new Set<string>(['status', 'build-started', 'build-finished', 'reloaded', 'logs']);

function parse(data: unknown): PreviewServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const message = JSON.parse(data) as { type?: unknown } | null;
    return message && typeof message.type === 'string' && MESSAGE_TYPES.has(message.type)
      ? (message as PreviewServerMessage)
      : null;
  } catch {
    return null;
  }
}

/**
 * The WebSocket to `/ws/projects/:id/preview`, reconnecting with exponential backoff like the
 * terminal connection. The server pushes status, build and log events; the socket is otherwise
 * quiet, so a closed one is simply reopened (nothing to replay: the owner refetches history).
 */
export class PreviewConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly projectId: string,
    private readonly events: PreviewConnectionEvents,
  ) {
    this.connect();
    // A laptop waking up or a network coming back should not wait out a long backoff.
    window.addEventListener('online', this.reconnectNow);
  }

  /** Sends if open; messages while disconnected are dropped (console forwarding is best effort). */
  send(message: PreviewClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    if (this.disposed) return;
    this.events.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(api.preview.socketUrl(this.projectId));
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.events.onState('open');
    };
    socket.onmessage = (event: MessageEvent<unknown>) => {
      const message = parse(event.data);
      if (message) this.events.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.disposed) return;
    this.attempt += 1;
    this.events.onState('reconnecting');
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private readonly reconnectNow = (): void => {
    if (this.disposed || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.connect();
  };

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    window.removeEventListener('online', this.reconnectNow);
    if (this.timer) clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'closed by the client');
    this.events.onState('closed');
  }
}
