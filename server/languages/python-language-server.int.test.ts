import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ProjectDto } from '../protocol/projects';
import { adminWithProject, memberOfNewTenant } from '../test-support/fixtures';
import { LspSocketClient, type LspMessage } from '../test-support/lsp-socket-client';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';
import { PythonLanguageServers } from './python-language-server';

let env: TestPlatform;
let admin: ApiTestClient;
let project: ProjectDto;
let port: number;

const HELPER = 'def greet(name: str) -> str:\n    """Says hello."""\n    return "hello " + name\n';
const MAIN =
  'import os\nfrom helper import greet\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n\n\nadd(1, 2)\ngreet("x")\nos.pa';

beforeAll(async () => {
  env = await startTestPlatform({ listen: true });
  port = (env.platform.server?.address() as AddressInfo).port;
  ({ admin, project } = await adminWithProject(env, 'lsp-app'));
  await admin.post(`/projects/${project.id}/files`, { path: 'helper.py', type: 'file', content: HELPER });
});
afterAll(() => env.close());

function socketUrl(projectId: string): string {
  return `ws://127.0.0.1:${port}/ws/projects/${projectId}/languages/python`;
}

async function connect(): Promise<LspSocketClient> {
  const client = await LspSocketClient.connect(socketUrl(project.id), admin.cookie ?? '');
  const initialized = await client.initialize();
  expect(initialized.result).toHaveProperty('capabilities.hoverProvider');
  client.open('main.py', MAIN);
  return client;
}

const at = (line: number, character: number) => ({
  textDocument: { uri: 'file:///workspace/main.py' },
  position: { line, character },
});

/** Pids of this process's descendants whose command line contains `needle` (bwrap and pyright). */
function descendantsRunning(needle: string): number[] {
  const parents = new Map<number, number>();
  const found: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // exited, waiting to be reaped
      parents.set(Number(entry), Number(fields[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // exited while listing
    }
  }
  const descends = (pid: number): boolean => {
    for (let current = parents.get(pid); current !== undefined && current > 1; current = parents.get(current)) {
      if (current === process.pid) return true;
    }
    return false;
  };
  return found.filter(descends);
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the Python language server over the WebSocket', () => {
  it('completes, hovers and finds definitions in other files', async () => {
    const client = await connect();
    try {
      const completion = await client.request('textDocument/completion', at(10, 5));
      const items = (completion.result as { items: { label: string }[] }).items;
      expect(items.map((item) => item.label)).toContain('path');

      const hover = await client.request('textDocument/hover', at(8, 1));
      const contents = (hover.result as { contents: { kind: string; value: string } }).contents;
      expect(contents.kind).toBe('markdown');
      expect(contents.value).toContain('def add(');
      expect(contents.value).toMatch(/a: int,\s*b: int\s*\) -> int/);

      const definition = await client.request('textDocument/definition', at(9, 1));
      expect(definition.result).toEqual([
        expect.objectContaining({
          uri: 'file:///workspace/helper.py',
          range: { start: { line: 0, character: 4 }, end: { line: 0, character: 9 } },
        }),
      ]);
      // The platform answered pyright's configuration requests; the client never saw them.
      expect(client.serverRequests.map((m) => m.method)).not.toContain('workspace/configuration');
    } finally {
      await client.close();
    }
  });

  it('refuses URIs outside the workspace and workspace/executeCommand, and keeps serving', async () => {
    const client = await connect();
    try {
      const outside = await client.request('textDocument/hover', {
        textDocument: { uri: 'file:///workspace/../etc/passwd' },
        position: { line: 0, character: 0 },
      });
      expect(outside.error).toMatchObject({ code: -32602 });
      const command = await client.request('workspace/executeCommand', { command: 'pyright.createtypestub' });
      expect(command.error).toMatchObject({ code: -32601 });
      const hover: LspMessage = await client.request('textDocument/hover', at(8, 1));
      expect(JSON.stringify(hover.result)).toContain('def add(');
    } finally {
      await client.close();
    }
  });

  it('closes the socket on a frame that is not JSON-RPC', async () => {
    const client = await LspSocketClient.connect(socketUrl(project.id), admin.cookie ?? '');
    client.sendRaw('hello');
    expect((await client.closed).code).toBe(1008);
  });

  it('closes the socket on a frame above 1 MiB without upsetting the platform', async () => {
    const client = await LspSocketClient.connect(socketUrl(project.id), admin.cookie ?? '');
    client.socket.on('error', () => undefined);
    client.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'x', params: 'y'.repeat(1024 * 1024) }));
    expect((await client.closed).code).toBe(1009);
    const next = await connect();
    await next.close();
  });

  it('ends the sandbox and pyright when the socket closes', async () => {
    const before = descendantsRunning('langserver.index.js');
    const client = await connect();
    await client.request('textDocument/hover', at(8, 1));
    const running = descendantsRunning('langserver.index.js').filter((pid) => !before.includes(pid));
    // Outer bwrap, bwrap as the PID namespace's init, and node running pyright.
    expect(running.length).toBeGreaterThanOrEqual(3);
    await client.close();
    await waitUntil(() => running.every((pid) => !descendantsRunning('langserver.index.js').includes(pid)), 'gone');
  });

  it('closes the socket when the language server exits by itself', async () => {
    const client = await connect();
    expect((await client.request('shutdown', null)).error).toBeUndefined();
    client.notify('exit', null);
    expect(await client.closed).toEqual({ code: 1011, reason: 'the language server exited' });
  });

  it('refuses users who may not open the project, and unknown projects', async () => {
    const outsider = (await memberOfNewTenant(env, 'lsp-outsider', ['developer'])).client;
    for (const [url, cookie] of [
      [socketUrl(project.id), outsider.cookie ?? ''],
      [socketUrl('no-such-project'), admin.cookie ?? ''],
    ] as const) {
      const socket = new WebSocket(url, { headers: { cookie, origin: 'http://slipway.test' } });
      socket.on('error', () => undefined);
      const [, response] = (await once(socket, 'unexpected-response')) as [unknown, { statusCode: number }];
      socket.terminate();
      expect(response.statusCode).toBe(404);
    }
  });
});

describe('the pool of language servers', () => {
  it('ends every server it started when disposed, and keeps to the per-user limit', async () => {
    const projectDir = await mkdtemp(path.join(tmpdir(), 'slipway-lsp-pool-'));
    const pool = new PythonLanguageServers({ maxPerUser: 2 });
    try {
      const before = descendantsRunning('langserver.index.js');
      await pool.checkAvailable('u1');
      const servers = [pool.start('u1', projectDir), pool.start('u1', projectDir), pool.start('u2', projectDir)];
      expect(() => pool.start('u1', projectDir)).toThrow(/at most 2/);
      await expect(pool.checkAvailable('u1')).rejects.toMatchObject({ code: 'too-many-requests' });
      const answered = servers.map(
        (server) =>
          new Promise<string>((resolve) => server.onDidReceive((text) => text.includes('"id":1') && resolve(text))),
      );
      for (const server of servers) {
        server.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { processId: null, rootUri: null, capabilities: {} },
          }),
        );
      }
      for (const answer of await Promise.all(answered)) expect(answer).toContain('capabilities');
      const running = descendantsRunning('langserver.index.js').filter((pid) => !before.includes(pid));
      expect(running.length).toBeGreaterThanOrEqual(3 * 3);
      await pool.dispose();
      expect(pool.count()).toBe(0);
      expect(running.filter((pid) => descendantsRunning('langserver.index.js').includes(pid))).toEqual([]);
    } finally {
      await pool.dispose();
      await rm(projectDir, { recursive: true, force: true });
    }
  });
});
