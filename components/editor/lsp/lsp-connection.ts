import { LANGUAGE_MAX_MESSAGE_BYTES } from '@/server/protocol/languages';

/** Monaco's cancellation token, as far as requests need it. */
export interface CancellationSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** What a connection reports to its owner. */
export interface LspConnectionHandlers {
  /** A request from the language server; the value (or promise) returned is its result. */
  onRequest(method: string, params: unknown): unknown;
  onNotification(method: string, params: unknown): void;
  /** The socket closed; pending requests have been rejected. */
  onClose(): void;
}

/** A JSON-RPC error answer, a cancelled request, or one the socket closed under. */
export class LspRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'LspRequestError';
  }
}

/** LSP's "request cancelled" code, also used here when the client gives up first. */
export const LSP_REQUEST_CANCELLED = -32800;
const CONNECTION_CLOSED = -32099;
const METHOD_NOT_FOUND = -32601;

interface Message {
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

const encoder = new TextEncoder();

/** True when `text` fits the server's frame limit (UTF-8 bytes; the cheap bound first). */
function fits(text: string): boolean {
  return text.length * 3 <= LANGUAGE_MAX_MESSAGE_BYTES || encoder.encode(text).length <= LANGUAGE_MAX_MESSAGE_BYTES;
}

/**
 * JSON-RPC 2.0 over one open WebSocket, one message per text frame (the server strips LSP's
 * stdio headers). Requests are numbered, can be cancelled with `$/cancelRequest`, and are all
 * rejected when the socket closes; reconnecting is the owner's job, with a new connection.
 */
export class LspConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly handlers: LspConnectionHandlers,
  ) {
    socket.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data === 'string') this.receive(event.data);
    };
    socket.onclose = () => this.close();
  }

  /** Sends a request; rejects with an LspRequestError on an error answer, cancellation or close. */
  request<T>(method: string, params: unknown, token?: CancellationSignal): Promise<T> {
    if (this.closed) return Promise.reject(new LspRequestError(CONNECTION_CLOSED, 'not connected'));
    if (token?.isCancellationRequested) return Promise.reject(new LspRequestError(LSP_REQUEST_CANCELLED, 'cancelled'));
    const id = this.nextId++;
    const text = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    if (!fits(text)) return Promise.reject(new LspRequestError(CONNECTION_CLOSED, `${method}: message too large`));
    return new Promise<T>((resolve, reject) => {
      const cancellation = token?.onCancellationRequested(() => {
        if (!this.pending.delete(id)) return;
        this.notify('$/cancelRequest', { id });
        reject(new LspRequestError(LSP_REQUEST_CANCELLED, 'cancelled'));
      });
      this.pending.set(id, {
        resolve: (value) => {
          cancellation?.dispose();
          resolve(value as T);
        },
        reject: (error) => {
          cancellation?.dispose();
          reject(error);
        },
      });
      this.socket.send(text);
    });
  }

  /** Sends a notification; false when it was not sent (closed, or larger than a frame may be). */
  notify(method: string, params: unknown): boolean {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return false;
    const text = JSON.stringify({ jsonrpc: '2.0', method, params });
    if (!fits(text)) return false;
    this.socket.send(text);
    return true;
  }

  /** Closes the socket; pending requests are rejected. Idempotent. */
  dispose(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000, 'closed by the client');
    }
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.pending.values())
      waiter.reject(new LspRequestError(CONNECTION_CLOSED, 'connection closed'));
    this.pending.clear();
    this.handlers.onClose();
  }

  private receive(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return; // the server only relays what the language server wrote; a bad frame is dropped
    }
    if (typeof message.method === 'string') {
      if (message.id === undefined) this.handlers.onNotification(message.method, message.params);
      else void this.answer(message.id, message.method, message.params);
      return;
    }
    if (typeof message.id !== 'number') return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return; // cancelled meanwhile
    this.pending.delete(message.id);
    if (message.error) waiter.reject(new LspRequestError(message.error.code, message.error.message));
    else waiter.resolve(message.result ?? null);
  }

  private async answer(id: number | string, method: string, params: unknown): Promise<void> {
    let reply: object;
    try {
      const result: unknown = await this.handlers.onRequest(method, params);
      reply =
        result === undefined ? { error: { code: METHOD_NOT_FOUND, message: `${method} is not handled` } } : { result };
    } catch (error) {
      reply = { error: { code: -32603, message: error instanceof Error ? error.message : String(error) } };
    }
    if (!this.closed && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, ...reply }));
    }
  }
}
