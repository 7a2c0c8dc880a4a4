import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import vm from 'node:vm';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { PLATFORM_SERVICES_BASE, SERVICES_SOCKET_NAME } from '../../protocol/platform-services';
import { PUSH_CLOSE_CODES } from '../../protocol/push';
import { InstanceTokens } from '../../services/instance-tokens';
import { PushChannelTokens } from '../../services/push/push-channel-tokens';
import type { ServiceEnvironment } from '../../services/service-scope';
import { memberOfNewTenant } from '../../test-support/fixtures';
import { PageSocket, pushSocketUrl, refusalOf } from '../../test-support/push-page-socket';
import { startTestPlatform, type TestPlatform } from '../../test-support/test-platform';
import { postToServices } from '../../test-support/services-socket-client';

// Push end to end on a real platform: apps call push/* on the services socket with their instance
// token; pages hold a WebSocket on the platform's port with the channel token.

let env: TestPlatform;
let port: number;
let instanceTokens: InstanceTokens;
let apps = 0;
const TENANT = 'tenant-push';

beforeAll(async () => {
  env = await startTestPlatform({ listen: true });
  port = (env.platform.server?.address() as AddressInfo).port;
  instanceTokens = new InstanceTokens(path.join(env.dataDir, 'services', 'tokens.key'));
}, 60_000);
afterAll(() => env.close());

/** An app's view of the services: calls on the services socket with its instance token. */
async function appOf(
  appId = `app-${++apps}`,
  environment: ServiceEnvironment = 'preview',
  tenantId = TENANT,
): Promise<(operation: string, body: unknown) => Promise<{ status: number; body: Record<string, unknown> }>> {
  const token = await instanceTokens.issue({ scope: { tenantId, appId, environment }, instanceId: `i-${appId}` });
  return (operation, body) => callServices(token, `${PLATFORM_SERVICES_BASE}/${operation}`, body);
}

async function callServices(
  token: string,
  urlPath: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const socketPath = path.join(env.dataDir, 'run', 'services', SERVICES_SOCKET_NAME);
  const answer = await postToServices(socketPath, token, urlPath, body);
  return { status: answer.status, body: answer.body as Record<string, unknown> };
}

const socketUrl = (token: string) => pushSocketUrl(port, token);

async function channelToken(app: Awaited<ReturnType<typeof appOf>>, audience: object): Promise<string> {
  const answer = await app('push/channel', audience);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.token as string;
}

function keptMessages(): number {
  const db = new SqliteDatabase(path.join(env.dataDir, 'slipway.db'), { readonly: true });
  try {
    return (db.prepare('select count(*) as n from push_messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('push over the platform', () => {
  it("answers a channel with the token, its name and the client script's absolute URL", async () => {
    const app = await appOf();
    const answer = await app('push/channel', { topic: 'orders' });
    expect(answer).toEqual({
      status: 200,
      body: {
        channel: 'topic:orders',
        token: expect.any(String) as string,
        clientScript: 'http://slipway.test/push/v1/client.js',
      },
    });
    expect((await app('push/channel', { topic: 'Orders!' })).body).toMatchObject({ code: 'invalid-input' });
    expect((await app('push/send', { topic: 'orders' })).body).toMatchObject({
      code: 'invalid-input',
      detail: expect.stringContaining('message') as string,
    });
    expect((await app('push/send', { topic: 'orders', message: 'x'.repeat(70_000) })).body).toMatchObject({
      status: 413,
      code: 'too-large',
    });
  });

  it("sends to every page of a topic, and to none of another app's, environment's or topic's", async () => {
    const appId = `app-${++apps}`;
    const app = await appOf(appId);
    const pages = await Promise.all(
      Array.from({ length: 20 }, async () => PageSocket.open(port, await channelToken(app, { topic: 'orders' }))),
    );
    const otherApps = [
      await appOf(appId, 'production'),
      await appOf(`other-${appId}`),
      await appOf(appId, 'preview', 'another-tenant'),
    ];
    const others: [Awaited<ReturnType<typeof appOf>>, object, PageSocket][] = [];
    for (const other of otherApps)
      others.push([
        other,
        { topic: 'orders' },
        await PageSocket.open(port, await channelToken(other, { topic: 'orders' })),
      ]);
    others.push([
      app,
      { topic: 'orders.eu' },
      await PageSocket.open(port, await channelToken(app, { topic: 'orders.eu' })),
    ]);
    others.push([app, { user: 'orders' }, await PageSocket.open(port, await channelToken(app, { user: 'orders' }))]);

    const sent = await app('push/send', { topic: 'orders', message: { order: 17, state: 'approved' } });
    expect(sent).toEqual({ status: 200, body: { delivered: 20, queued: 0 } });
    for (const page of pages) {
      const [frame] = await page.waitFor(1);
      expect(frame).toMatchObject({
        type: 'message',
        channel: 'topic:orders',
        message: { order: 17, state: 'approved' },
      });
    }
    // Each other page's first frame is the one sent to it afterwards: it never saw the first.
    for (const [other, audience, page] of others) {
      expect((await other('push/send', { ...audience, message: 'own' })).body).toMatchObject({ delivered: 1 });
      expect((await page.waitFor(1))[0]?.message).toBe('own');
    }
    await Promise.all([...pages, ...others.map(([, , page]) => page)].map((page) => page.close()));
  });

  it('keeps messages for a user with no open page and delivers them in order on connect; acknowledged ones go', async () => {
    const app = await appOf();
    for (const n of [1, 2, 3])
      expect((await app('push/send', { user: 'u-ana', message: { n } })).body).toEqual({ delivered: 0, queued: 1 });
    const token = await channelToken(app, { user: 'u-ana' });
    const first = await PageSocket.open(port, token);
    const frames = await first.waitFor(3);
    expect(frames.map((frame) => [frame.channel, frame.message, frame.ack])).toEqual([
      ['user:u-ana', { n: 1 }, true],
      ['user:u-ana', { n: 2 }, true],
      ['user:u-ana', { n: 3 }, true],
    ]);
    expect(new Set(frames.map((frame) => frame.id)).size).toBe(3);
    expect(keptMessages()).toBe(3);
    first.acknowledge();
    await vi.waitFor(() => expect(keptMessages()).toBe(0), { timeout: 10_000 });
    await first.close();

    const next = await PageSocket.open(port, token);
    expect((await app('push/send', { user: 'u-ana', message: 'live' })).body).toEqual({ delivered: 1, queued: 0 });
    expect((await next.waitFor(1)).map((frame) => frame.message)).toEqual(['live']);
    await next.close();
  });

  it('refuses an upgrade without a valid channel token with a status line, and keeps serving', async () => {
    const app = await appOf();
    const token = await channelToken(app, { topic: 'orders' });
    const keyFile = path.join(env.dataDir, 'services', 'push.key');
    const expired = await new PushChannelTokens(keyFile).issue({
      scope: { tenantId: TENANT, appId: 'app-x', environment: 'preview' },
      target: { kind: 'topic', topic: 'orders' },
      expiresAt: Date.now() - 1000,
    });
    const [version, payload, mac] = token.split('.') as [string, string, string];
    const otherApp = Buffer.from(
      JSON.stringify({ ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), a: 'app-y' }),
    ).toString('base64url');
    const instanceToken = await instanceTokens.issue({
      scope: { tenantId: TENANT, appId: 'app-x', environment: 'preview' },
      instanceId: 'i-x',
    });
    for (const bad of [expired, `${version}.${otherApp}.${mac}`, instanceToken, 'forged', `${token}x`]) {
      expect(await refusalOf(socketUrl(bad)), bad).toBe(401);
    }
    expect(await refusalOf(`ws://127.0.0.1:${port}/push/v1/socket`)).toBe(401);
    expect(await refusalOf(`ws://127.0.0.1:${port}/push/v1/elsewhere?token=${token}`)).toBe(404);
    // Nor does a channel token open the services.
    expect(
      (await callServices(token, `${PLATFORM_SERVICES_BASE}/push/send`, { topic: 'orders', message: 1 })).status,
    ).toBe(401);
    // Any Origin: the token is the credential.
    const page = new PageSocket(new WebSocket(socketUrl(token), { headers: { origin: 'https://evil.example' } }));
    await once(page.socket, 'open');
    await page.close();
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('answers push calls and sockets of a tenant whose contract lacks push with 403 naming it', async () => {
    const { tenant } = await memberOfNewTenant(env, 'push-contract', ['developer']);
    const app = await appOf('contracted', 'preview', tenant.id);
    const token = await channelToken(app, { topic: 'orders' });
    await env.platform.services.contracts.setContract(tenant.id, { services: ['datastore'] });
    for (const operation of ['push/channel', 'push/send'])
      expect(await app(operation, { topic: 'orders', message: 1 })).toMatchObject({
        status: 403,
        body: { code: 'forbidden', service: 'push', detail: expect.stringContaining('"push" service') as string },
      });
    expect(await refusalOf(socketUrl(token))).toBe(403);
  });

  it('serves a client script that connects, reconnects and receives in Node with ws', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/push/v1/client.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const etag = response.headers.get('etag') ?? '';
    const text = await response.text();
    expect(text).toContain('"ws://slipway.test/push/v1/socket"');
    const revalidated = await fetch(`http://127.0.0.1:${port}/push/v1/client.js`, {
      headers: { 'if-none-match': etag },
    });
    expect([revalidated.status, revalidated.headers.get('etag')]).toEqual([304, etag]);
    expect((await fetch(`http://127.0.0.1:${port}/push/v1/nothing`)).status).toBe(404);

    const page = vm.createContext({ WebSocket, setTimeout, clearTimeout }) as unknown as {
      Slipway: {
        connect(
          token: string,
          onMessage: (message: unknown) => void,
          options: {
            url: string;
            onOpen: () => void;
            onClose: (event: { code: number; reconnecting: boolean }) => void;
          },
        ): { close(): void };
      };
    };
    vm.runInContext(text, page);
    const app = await appOf();
    const received: unknown[] = [];
    const closes: { code: number; reconnecting: boolean }[] = [];
    let opened = 0;
    const connection = page.Slipway.connect(
      await channelToken(app, { user: 'u-page' }),
      (message) => received.push(message),
      {
        url: `ws://127.0.0.1:${port}/push/v1/socket`,
        onOpen: () => opened++,
        onClose: (event) => closes.push(event),
      },
    );
    await vi.waitFor(() => expect(opened).toBe(1), { timeout: 10_000 });
    expect((await app('push/send', { user: 'u-page', message: 'one' })).body).toEqual({ delivered: 1, queued: 0 });
    await vi.waitFor(() => expect(received).toEqual(['one']), { timeout: 10_000 });

    await env.platform.services.push.closeConnections();
    await vi.waitFor(
      () =>
        expect(closes).toEqual([
          { code: PUSH_CLOSE_CODES.goingAway, reason: 'Slipway is restarting', reconnecting: true },
        ]),
      {
        timeout: 10_000,
      },
    );
    // Kept while the page is away (or written at once if it is back already).
    const sent = (await app('push/send', { user: 'u-page', message: 'two' })).body;
    expect(Number(sent.delivered) + Number(sent.queued)).toBe(1);
    await vi.waitFor(() => expect(received).toEqual(['one', 'two']), { timeout: 10_000 });
    expect(opened).toBe(2);
    await vi.waitFor(() => expect(keptMessages()).toBe(0), { timeout: 10_000 });
    connection.close();
    await vi.waitFor(() => expect(env.platform.services.push.connections).toBe(0), { timeout: 10_000 });
  });
});

describe('push on shutdown', () => {
  it("closes every page's socket as going away and leaves none open", async () => {
    const platform = await startTestPlatform({ listen: true });
    try {
      const platformPort = (platform.platform.server?.address() as AddressInfo).port;
      const token = await new PushChannelTokens(path.join(platform.dataDir, 'services', 'push.key')).issue({
        scope: { tenantId: TENANT, appId: 'app-1', environment: 'production' },
        target: { kind: 'topic', topic: 'orders' },
        expiresAt: Date.now() + 60_000,
      });
      const pages = await Promise.all(
        [1, 2, 3].map(async () => {
          const page = new PageSocket(new WebSocket(`ws://127.0.0.1:${platformPort}/push/v1/socket?token=${token}`));
          await once(page.socket, 'open');
          return page;
        }),
      );
      expect(platform.platform.services.push.connections).toBe(3);
      await platform.platform.dispose();
      expect(await Promise.all(pages.map((page) => page.closed))).toEqual([1001, 1001, 1001]);
      expect(platform.platform.services.push.connections).toBe(0);
    } finally {
      await platform.close();
    }
  });
});
