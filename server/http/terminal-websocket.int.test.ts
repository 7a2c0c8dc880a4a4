import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TerminalInfo } from '../protocol/terminal';
import { adminWithProject } from '../test-support/fixtures';
import { TerminalSocketClient } from '../test-support/terminal-socket-client';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

let env: TestPlatform;
let admin: ApiTestClient;
let projectId: string;
let otherProjectId: string;
let port: number;

beforeAll(async () => {
  env = await startTestPlatform({ listen: true });
  port = (env.platform.server?.address() as AddressInfo).port;
  const setup = await adminWithProject(env, 'term-app');
  admin = setup.admin;
  projectId = setup.project.id;
  const other = await admin.json<{ id: string }>('POST', `/tenants/${setup.tenantId}/projects`, {
    name: 'other-app',
    templateId: 'python-hello',
  });
  otherProjectId = other.id;
  await writeFile(path.join(env.dataDir, 'projects', otherProjectId, 'secret.txt'), 'other project secret');
});
afterAll(() => env.close());

function socketTo(terminalId: string, headers: Record<string, string>): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${port}/ws/terminals/${terminalId}`, { headers });
}

async function refusal(socket: WebSocket): Promise<number> {
  socket.on('error', () => undefined); // terminate() after a refusal reports an expected error
  const [, response] = (await once(socket, 'unexpected-response')) as [unknown, { statusCode: number }];
  socket.terminate();
  return response.statusCode;
}

async function openTerminal(): Promise<{ id: string; client: TerminalSocketClient }> {
  const { id } = await admin.json<TerminalInfo>('POST', `/projects/${projectId}/terminals`, { cols: 100, rows: 30 });
  const socket = socketTo(id, { cookie: admin.cookie ?? '', origin: 'http://slipway.test' });
  const client = new TerminalSocketClient(socket);
  await once(socket, 'open');
  await client.waitFor(() => client.messages.some((m) => m.type === 'ready'), 'ready');
  return { id, client };
}

async function run(client: TerminalSocketClient, command: string, until: RegExp): Promise<string> {
  const start = client.text.length;
  client.send({ type: 'input', data: `${command}\n` });
  await client.waitFor(() => until.test(client.text.slice(start)), command);
  return client.text.slice(start);
}

describe('terminal over the WebSocket router', () => {
  it('runs a shell in the project folder', async () => {
    const { client } = await openTerminal();
    const output = await run(client, 'ls; echo done-$((6*7))', /done-42/);
    expect(output).toContain('app.py');
    expect(output).toContain('slipway.json');
    client.socket.close();
  });

  it('cannot read another project, the data directory or the platform database', async () => {
    const { client } = await openTerminal();
    const dataDb = path.join(env.dataDir, 'slipway.db');
    const otherSecret = path.join(env.dataDir, 'projects', otherProjectId, 'secret.txt');
    const output = await run(
      client,
      `cat ${otherSecret} ../${otherProjectId}/secret.txt ${dataDb}; ls ${env.dataDir}; echo end-$((1+1))`,
      /end-2/,
    );
    expect(output).not.toContain('other project secret');
    expect(output.match(/No such file or directory/g)?.length).toBeGreaterThanOrEqual(4);
    client.socket.close();
  });

  it('refuses a foreign Origin, a missing session and someone else’s terminal', async () => {
    const { id, client } = await openTerminal();
    client.socket.close();
    expect(await refusal(socketTo(id, { cookie: admin.cookie ?? '', origin: 'http://evil.example' }))).toBe(403);
    expect(await refusal(socketTo(id, { origin: 'http://slipway.test' }))).toBe(401);
    expect(
      await refusal(socketTo('not-a-terminal', { cookie: admin.cookie ?? '', origin: 'http://slipway.test' })),
    ).toBe(404);
    const unknownPath = new WebSocket(`ws://127.0.0.1:${port}/ws/nothing`, {
      headers: { origin: 'http://slipway.test' },
    });
    expect(await refusal(unknownPath)).toBe(404);
  });

  it('ends the terminals of a session on logout', async () => {
    const { id, client } = await openTerminal();
    const closed = client.closed;
    expect((await admin.post('/auth/logout')).status).toBe(204);
    await closed;
    const relogged = await env.login('admin@example.test', 'correct horse battery');
    const list = await relogged.json<TerminalInfo[]>('GET', `/projects/${projectId}/terminals`);
    expect(list.map((t) => t.id)).not.toContain(id);
    admin = relogged;
  });
});
