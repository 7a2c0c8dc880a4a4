import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LspConnection, LspRequestError, type LspConnectionHandlers } from './lsp-connection';

vi.mock('@/server/protocol/languages', () => import('../../../server/protocol/languages'));

/** A WebSocket stand-in: records what is sent, lets the test deliver frames and close it. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  readyState = FakeSocket.OPEN;
  sent: Record<string, unknown>[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
    this.onclose?.();
  }
  deliver(message: object): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

beforeAll(() => {
  vi.stubGlobal('WebSocket', FakeSocket);
});

function connect(overrides: Partial<LspConnectionHandlers> = {}) {
  const socket = new FakeSocket();
  const handlers = { onRequest: vi.fn(), onNotification: vi.fn(), onClose: vi.fn(), ...overrides };
  const connection = new LspConnection(socket as unknown as WebSocket, handlers);
  return { socket, handlers, connection };
}

function cancellable() {
  let listener = (): void => undefined;
  return {
    token: {
      isCancellationRequested: false,
      onCancellationRequested: (l: () => void) => ((listener = l), { dispose: () => undefined }),
    },
    cancel: () => listener(),
  };
}

describe('JSON-RPC over the language socket', () => {
  it('matches answers to requests and rejects error answers', async () => {
    const { socket, connection } = connect();
    const hover = connection.request('textDocument/hover', { a: 1 });
    const failing = connection.request('textDocument/definition', {});
    expect(socket.sent).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: { a: 1 } },
      { jsonrpc: '2.0', id: 2, method: 'textDocument/definition', params: {} },
    ]);
    socket.deliver({ jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'outside' } });
    socket.deliver({ jsonrpc: '2.0', id: 1, result: { contents: 'x' } });
    await expect(hover).resolves.toEqual({ contents: 'x' });
    await expect(failing).rejects.toMatchObject({ code: -32602, message: 'outside' });
  });

  it('answers server requests and passes notifications on', async () => {
    const { socket, handlers } = connect({ onRequest: (method) => (method === 'known' ? null : undefined) });
    socket.deliver({ jsonrpc: '2.0', id: 'a', method: 'known' });
    socket.deliver({ jsonrpc: '2.0', id: 'b', method: 'unknown' });
    socket.deliver({ jsonrpc: '2.0', method: 'window/logMessage', params: { message: 'hi' } });
    await Promise.resolve();
    await Promise.resolve();
    expect(socket.sent).toEqual([
      { jsonrpc: '2.0', id: 'a', result: null },
      { jsonrpc: '2.0', id: 'b', error: { code: -32601, message: 'unknown is not handled' } },
    ]);
    expect(handlers.onNotification).toHaveBeenCalledWith('window/logMessage', { message: 'hi' });
  });

  it('sends $/cancelRequest when Monaco cancels, and ignores the late answer', async () => {
    const { socket, connection } = connect();
    const { token, cancel } = cancellable();
    const completion = connection.request('textDocument/completion', {}, token);
    cancel();
    await expect(completion).rejects.toBeInstanceOf(LspRequestError);
    expect(socket.sent[1]).toEqual({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
    socket.deliver({ jsonrpc: '2.0', id: 1, result: [] });
  });

  it('rejects pending requests when the socket closes, and refuses oversized messages', async () => {
    const { socket, handlers, connection } = connect();
    const pending = connection.request('textDocument/hover', {});
    expect(connection.notify('textDocument/didOpen', { text: 'x'.repeat(1024 * 1024) })).toBe(false);
    socket.close();
    await expect(pending).rejects.toMatchObject({ message: 'connection closed' });
    expect(handlers.onClose).toHaveBeenCalledOnce();
    await expect(connection.request('x', {})).rejects.toMatchObject({ message: 'not connected' });
    expect(connection.notify('initialized', {})).toBe(false);
  });
});
