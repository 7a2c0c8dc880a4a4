import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { PUSH_MAX_MESSAGE_BYTES } from '../../protocol/push';
import { outcomeOf } from '../../test-support/domain-error-code';
import { createTestDatabase, testDialects } from '../../test-support/test-databases';
import type { ServiceScope } from '../service-scope';
import { PushChannelTokens } from './push-channel-tokens';
import { PushHub } from './push-hub';
import { PushLauncherTokens } from './push-launcher-tokens';
import { PushMessageStore } from './push-message-store';
import { PushService } from './push-service';
import type { PushTarget } from './push-target';
import { attachFake, attachFakeLauncher, recordingLog } from './push-test-support';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const scope: ServiceScope = { tenantId: 't1', appId: 'app-1', environment: 'preview' };
const ana = { kind: 'user', userId: 'u-ana' } as const;
const orders = { kind: 'topic', topic: 'orders' } as const;
const CLIENT_SCRIPT = 'http://slipway.test/push/v1/client.js';

/** A PushService on a fresh database, with fake sockets attached to its hub and a clock the test moves. */
async function openPush(dialect: 'sqlite' | 'postgres', options: { maxKeptPerUser?: number } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-push-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const database = await createTestDatabase(dialect, dir);
  cleanups.push(() => database.drop());
  const db = await openDatabase(database.location);
  cleanups.push(() => db.destroy());
  const clock = { now: Date.parse('2026-11-22T10:00:00Z') };
  const now = () => clock.now;
  const store = new PushMessageStore(db);
  const log = recordingLog();
  const hub = new PushHub({ queue: store, log, clock: now, closeGraceMs: 10 });
  cleanups.push(() => hub.dispose());
  const tokens = new PushChannelTokens(path.join(dir, 'push.key'), now);
  const launcherTokens = new PushLauncherTokens(path.join(dir, 'launcher.key'), now);
  const push = new PushService({
    tokens,
    launcherTokens,
    store,
    hub,
    clientScriptUrl: CLIENT_SCRIPT,
    log,
    clock: now,
    ...options,
  });
  cleanups.push(() => push.dispose());
  const connect = async (target: PushTarget, at: Omit<ServiceScope, 'userId'> = scope) => {
    const page = attachFake(hub, at, target, { now: clock.now });
    await page.connection!.settled();
    return page;
  };
  const ack = async (page: Awaited<ReturnType<typeof connect>>) => {
    for (const frame of page.frames())
      if (frame.ack) page.connection!.received(JSON.stringify({ type: 'ack', id: frame.id }));
    await page.connection!.settled();
  };
  const launcher = async (userId: string, tenantId = scope.tenantId) => {
    const socket = attachFakeLauncher(hub, tenantId, userId);
    await socket.connection!.settled();
    return socket;
  };
  return { db, push, hub, store, tokens, clock, log, connect, launcher, ack };
}

describe.each(testDialects())('PushService on %s', (dialect) => {
  it('issues a channel: its name, a token for this scope valid a day, and the client script', async () => {
    const { push, tokens, clock } = await openPush(dialect);
    const channel = await push.channel({ ...scope, userId: 'someone-acting' }, { user: 'u-ana' });
    expect(channel).toEqual({
      channel: 'user:u-ana',
      token: expect.any(String) as string,
      clientScript: CLIENT_SCRIPT,
    });
    expect(await tokens.verify(channel.token)).toEqual({
      scope,
      target: ana,
      expiresAt: clock.now + 86_400_000,
    });
    expect((await push.channel(scope, { topic: 'orders.eu-1_x' })).channel).toBe('topic:orders.eu-1_x');
    expect(await push.openChannel(channel.token)).toMatchObject({ target: ana });
  });

  it('refuses bad audiences, TTLs and messages with clear errors', async () => {
    const { push } = await openPush(dialect);
    const cases: [unknown, RegExp][] = [
      [{ message: 1 }, /^invalid-input: Name exactly one audience/],
      [{ user: 'u', topic: 'orders', message: 1 }, /^invalid-input: Name exactly one audience/],
      [{ topic: 'Orders', message: 1 }, /^invalid-input: "topic" must be 1 to 100 characters/],
      [{ topic: '', message: 1 }, /^invalid-input: "topic"/],
      [{ topic: 'x'.repeat(101), message: 1 }, /^invalid-input: "topic"/],
      [{ topic: 'a/b', message: 1 }, /^invalid-input: "topic"/],
      [{ user: '', message: 1 }, /^invalid-input: "user" must be a user id/],
      [{ user: 'a\nb', message: 1 }, /^invalid-input: "user"/],
      [{ user: 7, message: 1 }, /^invalid-input: "user"/],
      [{ topic: 'orders' }, /^invalid-input: "message" is required/],
      [{ topic: 'orders', message: 1, ttlSeconds: 0 }, /^invalid-input: "ttlSeconds" must be a whole number/],
      [{ topic: 'orders', message: 1, ttlSeconds: 7 * 86_400 + 1 }, /^invalid-input: "ttlSeconds"/],
      [{ topic: 'orders', message: 1, ttlSeconds: 1.5 }, /^invalid-input: "ttlSeconds"/],
      [{ topic: 'orders', message: 1, ttlSeconds: '60' }, /^invalid-input: "ttlSeconds"/],
    ];
    for (const [request, expected] of cases) {
      expect(await outcomeOf(push.send(scope, request as { message: unknown })), JSON.stringify(request)).toMatch(
        expected,
      );
    }
    expect(await outcomeOf(push.channel(scope, {}))).toMatch(/^invalid-input: Name exactly one audience/);
    expect(await outcomeOf(push.channel(scope, { topic: 'UPPER' }))).toMatch(/^invalid-input: "topic"/);
  });

  it('takes messages up to 64 KiB as JSON and refuses larger ones as too large', async () => {
    const { push } = await openPush(dialect);
    // JSON.stringify adds the two quotes.
    const largest = 'é'.repeat((PUSH_MAX_MESSAGE_BYTES - 2) / 2);
    expect(await push.send(scope, { topic: 'orders', message: largest })).toEqual({ delivered: 0, queued: 0 });
    expect(await push.send(scope, { user: 'u-ana', message: largest })).toEqual({ delivered: 0, queued: 1 });
    expect(await outcomeOf(push.send(scope, { topic: 'orders', message: `${largest}x` }))).toMatch(
      /^too-large: The message is 65537 bytes as JSON/,
    );
  });

  it("sends to a topic's open pages only, never keeping topic messages", async () => {
    const { push, store, connect, clock } = await openPush(dialect);
    const pages = [await connect(orders), await connect(orders)];
    const others = [
      await connect(orders, { ...scope, environment: 'production' }),
      await connect(orders, { ...scope, appId: 'app-2' }),
      await connect({ kind: 'topic', topic: 'orders2' }),
    ];
    expect(await push.send(scope, { topic: 'orders', message: { order: 17, state: 'approved' } })).toEqual({
      delivered: 2,
      queued: 0,
    });
    for (const page of pages) {
      expect(page.frames()).toEqual([
        {
          type: 'message',
          id: expect.any(String) as string,
          channel: 'topic:orders',
          sentAt: new Date(clock.now).toISOString(),
          message: { order: 17, state: 'approved' },
        },
      ]);
    }
    expect(pages[0]!.frames()[0]!.id).toBe(pages[1]!.frames()[0]!.id);
    expect(others.map((page) => page.sent.length)).toEqual([0, 0, 0]);
    expect(await push.send(scope, { topic: 'nobody', message: 1, ttlSeconds: 60 })).toEqual({
      delivered: 0,
      queued: 0,
    });
    expect(await store.count(scope, 'orders', clock.now)).toBe(0);
  });

  it("writes to a user's open pages, and keeps messages for a user with none until a page acknowledges them", async () => {
    const { push, store, connect, ack, clock } = await openPush(dialect);
    const online = await connect({ kind: 'user', userId: 'u-bo' });
    expect(await push.send(scope, { user: 'u-bo', message: 'hi' })).toEqual({ delivered: 1, queued: 0 });
    expect(online.frames().map((frame) => [frame.message, frame.ack ?? false])).toEqual([['hi', false]]);
    expect(await store.count(scope, 'u-bo', clock.now)).toBe(0);

    for (const n of [1, 2, 3])
      expect(await push.send(scope, { user: 'u-ana', message: { n } })).toEqual({ delivered: 0, queued: 1 });
    expect(await store.count(scope, 'u-ana', clock.now)).toBe(3);
    // Kept for this scope only.
    expect((await connect(ana, { ...scope, environment: 'production' })).sent).toHaveLength(0);
    expect((await connect(ana, { ...scope, appId: 'app-2' })).sent).toHaveLength(0);

    const first = await connect(ana);
    expect(first.frames().map((frame) => [frame.channel, frame.message, frame.ack])).toEqual([
      ['user:u-ana', { n: 1 }, true],
      ['user:u-ana', { n: 2 }, true],
      ['user:u-ana', { n: 3 }, true],
    ]);
    // Not acknowledged (the page went away): a later page gets them again, same ids (at-least-once).
    const again = await connect(ana);
    expect(again.frames().map((frame) => frame.id)).toEqual(first.frames().map((frame) => frame.id));
    await ack(again);
    expect(await store.count(scope, 'u-ana', clock.now)).toBe(0);
    expect((await connect(ana)).sent).toHaveLength(0);
  });

  it('drops kept messages whose TTL passed: never delivered, and purged', async () => {
    const { push, store, connect, clock } = await openPush(dialect);
    await push.send(scope, { user: 'u-ana', message: 'short', ttlSeconds: 60 });
    await push.send(scope, { user: 'u-ana', message: 'default' });
    await push.send(scope, { user: 'u-ana', message: 'week', ttlSeconds: 7 * 86_400 });
    clock.now += 61_000;
    expect((await connect(ana)).frames().map((frame) => frame.message)).toEqual(['default', 'week']);
    expect(await push.purgeExpired()).toBe(1);
    clock.now += 86_400_000;
    expect(await push.purgeExpired()).toBe(1);
    expect(await store.count(scope, 'u-ana', clock.now)).toBe(1);
  });

  it('keeps at most so many messages per user', async () => {
    const { push } = await openPush(dialect, { maxKeptPerUser: 2 });
    await push.send(scope, { user: 'u-ana', message: 1 });
    await push.send(scope, { user: 'u-ana', message: 2 });
    expect(await outcomeOf(push.send(scope, { user: 'u-ana', message: 3 }))).toMatch(
      /^too-many-requests: User "u-ana" has 2 undelivered push messages/,
    );
    expect(await push.send(scope, { user: 'u-bo', message: 1 })).toEqual({ delivered: 0, queued: 1 });
  });

  it('keeps the message when every page of the user is too slow to take it', async () => {
    const { push, connect, store, clock } = await openPush(dialect);
    const slow = await connect(ana);
    slow.bufferedAmount = 64 * 1024 * 1024;
    expect(await push.send(scope, { user: 'u-ana', message: 'later' })).toEqual({ delivered: 0, queued: 1 });
    expect(slow.terminated).toBe(true);
    expect(await store.count(scope, 'u-ana', clock.now)).toBe(1);
  });

  describe('the mobile launcher', () => {
    const production: ServiceScope = { ...scope, environment: 'production' };

    it("issues a launcher token that opens as that user's launcher, and never as a channel", async () => {
      const { push, clock } = await openPush(dialect);
      const access = await push.launcher('t1', 'u-ana');
      expect(access).toEqual({
        token: expect.stringMatching(/^l1\./) as string,
        clientScript: CLIENT_SCRIPT,
        expiresAt: new Date(clock.now + 86_400_000).toISOString(),
      });
      expect(await push.openSocket(access.token)).toEqual({
        tenantId: 't1',
        launcherOf: 'u-ana',
        subscription: expect.objectContaining({ namesApp: true }) as object,
      });
      const channel = await push.channel(scope, { user: 'u-ana' });
      const opened = await push.openSocket(channel.token);
      expect([opened.tenantId, opened.launcherOf, opened.subscription.namesApp]).toEqual(['t1', undefined, false]);
      // A channel token's payload under the launcher's prefix is refused: other key, other context.
      const forged = `l1.${channel.token.split('.').slice(1).join('.')}`;
      expect(await outcomeOf(push.openSocket(forged))).toMatch(/^unauthenticated: The launcher token/);
      clock.now += 86_400_000;
      expect(await outcomeOf(push.openSocket(access.token))).toMatch(
        /^unauthenticated: The launcher token has expired/,
      );
    });

    it("hears the user's messages from every production app, naming the app; not previews, topics or others", async () => {
      const { push, launcher, connect, store, clock } = await openPush(dialect);
      const ana = await launcher('u-ana');
      const others = [await launcher('u-bo'), await launcher('u-ana', 't2')];
      const page = await connect({ kind: 'user', userId: 'u-ana' }, production);
      expect(await push.send(production, { user: 'u-ana', message: { title: 'New request' } })).toEqual({
        delivered: 2,
        queued: 0,
      });
      expect(await push.send({ ...production, appId: 'app-2' }, { user: 'u-ana', message: 2 })).toEqual({
        delivered: 1,
        queued: 0,
      });
      expect(await push.send(scope, { user: 'u-ana', message: 'preview' })).toEqual({ delivered: 0, queued: 1 });
      await push.send(production, { topic: 'orders', message: 'topic' });
      expect(ana.frames().map((frame) => [frame.app, frame.channel, frame.message, frame.ack ?? false])).toEqual([
        ['app-1', 'user:u-ana', { title: 'New request' }, false],
        ['app-2', 'user:u-ana', 2, false],
      ]);
      expect(page.frames().map((frame) => [frame.app, frame.message])).toEqual([[undefined, { title: 'New request' }]]);
      expect(others.map((socket) => socket.sent.length)).toEqual([0, 0]);
      expect(await store.count(production, 'u-ana', clock.now)).toBe(0);
    });

    it("drains the user's kept messages of every production app in order, and its acknowledgements delete them", async () => {
      const { push, launcher, connect, store, ack, clock } = await openPush(dialect);
      const app2: ServiceScope = { ...production, appId: 'app-2' };
      await push.send(production, { user: 'u-ana', message: 'first' });
      await push.send(app2, { user: 'u-ana', message: 'second' });
      await push.send(scope, { user: 'u-ana', message: 'preview stays' });
      await push.send({ ...production, tenantId: 't2' }, { user: 'u-ana', message: 'other organisation' });
      const socket = await launcher('u-ana');
      expect(socket.frames().map((frame) => [frame.app, frame.message, frame.ack])).toEqual([
        ['app-1', 'first', true],
        ['app-2', 'second', true],
      ]);
      await ack(socket);
      expect(await store.count(production, 'u-ana', clock.now)).toBe(0);
      expect(await store.count(app2, 'u-ana', clock.now)).toBe(0);
      expect(await store.count(scope, 'u-ana', clock.now)).toBe(1);
      expect((await connect({ kind: 'user', userId: 'u-ana' }, production)).sent).toHaveLength(0);
      // Kept while the launcher was away, drained when it is back.
      socket.connection!.closed();
      await push.send(app2, { user: 'u-ana', message: 'third' });
      expect((await launcher('u-ana')).frames().map((frame) => [frame.app, frame.message])).toEqual([
        ['app-2', 'third'],
      ]);
    });
  });
});
