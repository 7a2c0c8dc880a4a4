import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { TerminalService } from '../workspace/terminal-service';
import type { TerminalSession } from '../workspace/terminal-session';
import { bindTerminalSocket } from './terminal-socket';
import { TerminalSocketClient as SocketClient } from '../test-support/terminal-socket-client';

let root: string;
let projectDir: string;
let service: TerminalService;
let server: WebSocketServer;
let session: TerminalSession;
let serverSocket: WebSocket | undefined;
const clients: SocketClient[] = [];

async function connect(): Promise<SocketClient> {
  const port = (server.address() as AddressInfo).port;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  const client = new SocketClient(socket);
  clients.push(client);
  await once(socket, 'open');
  await client.waitFor(() => client.messages.length > 0, 'ready');
  return client;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-term-socket-'));
  projectDir = path.join(root, 'projects', 'p1');
  await mkdir(projectDir, { recursive: true });
  service = new TerminalService({ runtimeDir: path.join(root, 'runtime') });
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 2 * 1024 * 1024 });
  // The production upgrade router authenticates first; here every connection gets `session`.
  server.on('connection', (socket) => {
    serverSocket = socket;
    bindTerminalSocket(session, socket);
  });
  await once(server, 'listening');
});

beforeEach(async () => {
  session = await service.create({
    projectId: 'p1',
    projectDir,
    projectName: 'Socket Test',
    ownerUserId: 'u1',
    ownerSessionId: 's1',
    cols: 80,
    rows: 24,
  });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await service.kill(session.id).catch(() => undefined);
});

afterAll(async () => {
  await service.dispose();
  server.close();
  await rm(root, { recursive: true, force: true });
});

describe('bindTerminalSocket', () => {
  it('says ready, replays the prompt, and round-trips input', async () => {
    const client = await connect();
    expect(client.messages[0]).toEqual({ type: 'ready', id: session.id, cols: 80, rows: 24 });
    await client.waitFor(() => client.text.includes('Socket Test'), 'prompt');
    client.send({ type: 'input', data: 'echo ws-$((20+22))\r' });
    await client.waitFor(() => client.text.includes('ws-42'), 'echo output');
    client.send({ type: 'ack', bytes: Buffer.byteLength(client.text) });
  });

  it('resizes the pty', async () => {
    const client = await connect();
    client.send({ type: 'resize', cols: 132, rows: 43 });
    client.send({ type: 'input', data: 'stty size\r' });
    await client.waitFor(() => client.text.includes('43 132'), 'stty size');
    expect(session.cols).toBe(132);
    expect(session.rows).toBe(43);
  });

  it.each([
    ['not JSON', 'hello'],
    ['an unknown type', JSON.stringify({ type: 'shutdown' })],
    ['a size out of range', JSON.stringify({ type: 'resize', cols: 100_000, rows: 10 })],
    ['a negative ack', JSON.stringify({ type: 'ack', bytes: -5 })],
    ['extra fields', JSON.stringify({ type: 'input', data: 'x', admin: true })],
  ])('closes with 1008 on %s', async (_label, frame) => {
    const client = await connect();
    client.send(frame);
    expect((await client.closed).code).toBe(1008);
    expect(session.exitStatus).toBeUndefined();
  });

  it('closes with 1008 on a binary frame', async () => {
    const client = await connect();
    client.socket.send(Buffer.from([1, 2, 3]));
    expect((await client.closed).code).toBe(1008);
  });

  it('reports the exit and closes normally', async () => {
    const client = await connect();
    client.send({ type: 'input', data: 'exit 7\r' });
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(client.messages).toContainEqual({ type: 'exit', code: 7, signal: null });
  });

  it('tells the older tab it was replaced and keeps the session for the newer one', async () => {
    const first = await connect();
    const second = await connect();
    expect((await first.closed).code).toBe(1000);
    expect(first.messages).toContainEqual({ type: 'replaced' });
    second.send({ type: 'input', data: 'echo second-$((1+1))\r' });
    await second.waitFor(() => second.text.includes('second-2'), 'echo on the new tab');
    expect(session.isAttached).toBe(true);
  });

  it('stops reading the pty when the socket backs up, even if the client acks blindly', async () => {
    const client = await connect();
    const raw = (client.socket as unknown as { _socket: Socket })._socket;
    raw.pause(); // the browser stops reading, but keeps claiming it processed everything
    const liar = setInterval(() => client.send({ type: 'ack', bytes: 1_000_000_000 }), 5);
    try {
      client.send({ type: 'input', data: 'yes | head -c 50000000\r' });
      await client.waitFor(() => session.isPaused, 'the pty to pause');
      const buffered = serverSocket?.bufferedAmount ?? 0;
      expect(buffered).toBeGreaterThan(1024 * 1024);
      expect(buffered).toBeLessThan(1024 * 1024 + 256 * 1024);
    } finally {
      clearInterval(liar);
    }
    raw.resume();
    await client.waitFor(() => !session.isPaused, 'the pty to resume');
    client.send({ type: 'input', data: '\x03' });
  }, 15_000);

  it('detaches when the client goes away, leaving the session for a reload', async () => {
    const client = await connect();
    client.socket.close();
    await client.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.isAttached).toBe(false);
    expect(service.get(session.id)).toBe(session);
  });
});
