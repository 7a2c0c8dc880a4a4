import { once } from 'node:events';
import { WebSocket } from 'ws';

/** A JSON-RPC message as a test sees it. */
export interface LspMessage {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

/**
 * A minimal LSP client over the language WebSocket, for tests: numbered requests, notifications,
 * and `null` answers to whatever the server asks (capability registration, progress tokens).
 */
export class LspSocketClient {
  readonly notifications: LspMessage[] = [];
  readonly serverRequests: LspMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly pending = new Map<number, (message: LspMessage) => void>();
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.receive(JSON.parse(data.toString('utf8')) as LspMessage));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  /** Opens the socket as a signed-in browser of `origin` would. */
  static async connect(url: string, cookie: string, origin = 'http://slipway.test'): Promise<LspSocketClient> {
    const socket = new WebSocket(url, { headers: { cookie, origin } });
    const client = new LspSocketClient(socket);
    await once(socket, 'open');
    return client;
  }

  /** Sends a request and resolves with the whole response (result or error). */
  request(method: string, params: unknown, timeoutMs = 20_000): Promise<LspMessage> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} in ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.sendRaw(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  notify(method: string, params: unknown): void {
    this.sendRaw(JSON.stringify({ jsonrpc: '2.0', method, params }));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** `initialize` with the workspace as root, then `initialized`. */
  async initialize(): Promise<LspMessage> {
    const answer = await this.request('initialize', {
      processId: null,
      rootUri: 'file:///workspace',
      workspaceFolders: [{ uri: 'file:///workspace', name: 'workspace' }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: {
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          definition: { linkSupport: false },
        },
      },
    });
    this.notify('initialized', {});
    return answer;
  }

  open(path: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', {
      textDocument: { uri: `file:///workspace/${path}`, languageId: 'python', version, text },
    });
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }

  private receive(message: LspMessage): void {
    if (message.method !== undefined && message.id !== undefined) {
      this.serverRequests.push(message);
      this.sendRaw(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: null }));
    } else if (message.method !== undefined) {
      this.notifications.push(message);
    } else if (typeof message.id === 'number') {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    }
  }
}
