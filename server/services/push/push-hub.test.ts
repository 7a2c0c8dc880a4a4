import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUSH_CLOSE_CODES } from '../../protocol/push';
import type { ServiceScope } from '../service-scope';
import { PushHub, type PushHubOptions } from './push-hub';
import { attachFake, MemoryPushQueue, recordingLog } from './push-test-support';

const scope: Omit<ServiceScope, 'userId'> = { tenantId: 't1', appId: 'app-1', environment: 'preview' };
const orders = { kind: 'topic', topic: 'orders' } as const;
const ana = { kind: 'user', userId: 'u-ana' } as const;

const hubs: PushHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.dispose();
  vi.useRealTimers();
});

function createHub(options: Partial<PushHubOptions> = {}): { hub: PushHub; queue: MemoryPushQueue } {
  const queue = new MemoryPushQueue();
  const hub = new PushHub({ queue, log: recordingLog(), closeGraceMs: 50, ...options });
  hubs.push(hub);
  return { hub, queue };
}

const frame = (message: unknown, id = 'm1') => ({ id, sentAt: 'now', body: JSON.stringify(message) });
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PushHub', () => {
  it('writes the same bytes to every page of a channel (one serialisation per send), and no other', () => {
    const { hub } = createHub();
    const pages = Array.from({ length: 1000 }, () => attachFake(hub, scope, orders));
    const others = [
      attachFake(hub, { ...scope, environment: 'production' }, orders),
      attachFake(hub, { ...scope, appId: 'app-2' }, orders),
      attachFake(hub, { ...scope, tenantId: 't2' }, orders),
      attachFake(hub, scope, { kind: 'topic', topic: 'orders.eu' }),
      attachFake(hub, scope, { kind: 'user', userId: 'orders' }),
    ];
    expect(hub.publish(scope, orders, frame({ order: 17 }))).toBe(1000);
    const bytes = pages[0]!.sent[0];
    expect(pages.every((page) => page.sent.length === 1 && page.sent[0] === bytes)).toBe(true);
    expect(others.map((page) => page.sent.length)).toEqual([0, 0, 0, 0, 0]);
    expect(pages[0]!.frames()[0]).toEqual({
      type: 'message',
      id: 'm1',
      channel: 'topic:orders',
      sentAt: 'now',
      message: { order: 17 },
    });
    expect(hub.count()).toBe(1005);
    expect(hub.count(scope, orders)).toBe(1000);
  });

  it('cuts off a page whose unsent data has grown too large instead of buffering more for it', () => {
    const { hub } = createHub({ maxBufferedBytes: 1000 });
    const fast = attachFake(hub, scope, orders);
    const slow = attachFake(hub, scope, orders);
    slow.bufferedAmount = 1001;
    expect(hub.publish(scope, orders, frame('x'))).toBe(1);
    expect(slow.terminated).toBe(true);
    expect(slow.sent).toHaveLength(0);
    expect(fast.sent).toHaveLength(1);
    expect(hub.count(scope, orders)).toBe(1);
  });

  it('does not count a socket that is already closing', () => {
    const { hub } = createHub();
    const closing = attachFake(hub, scope, orders);
    closing.readyState = 2;
    expect(hub.publish(scope, orders, frame('x'))).toBe(0);
  });

  it('pings on each heartbeat and drops a page that did not answer the previous ping', () => {
    const { hub } = createHub();
    const answering = attachFake(hub, scope, orders);
    const silent = attachFake(hub, scope, orders);
    hub.sweep();
    expect([answering.pings, silent.pings]).toEqual([1, 1]);
    answering.connection!.pong();
    hub.sweep();
    expect(silent.terminated).toBe(true);
    expect(answering.terminated).toBe(false);
    expect(answering.pings).toBe(2);
    expect(hub.count()).toBe(1);
  });

  it('closes a page whose channel token expired, with the code the client script stops on', async () => {
    let now = 1_000_000;
    const { hub } = createHub({ clock: () => now });
    const page = attachFake(hub, scope, orders, { now });
    hub.sweep();
    expect(page.closedWith).toBeUndefined();
    now += 86_400_000;
    hub.sweep();
    expect(page.closedWith?.code).toBe(PUSH_CLOSE_CODES.tokenExpired);
    await settle();
    expect(hub.count()).toBe(0);
  });

  it("sends a user's kept messages first, in order, and live messages that arrived meanwhile after them", async () => {
    const { hub, queue } = createHub();
    queue.add('k1', 'first');
    queue.add('k2', 'second');
    const release = queue.hold();
    const page = attachFake(hub, scope, ana);
    // Counted as delivered: it is written as soon as the kept messages are.
    expect(hub.publish(scope, ana, frame('live', 'l1'))).toBe(1);
    expect(page.sent).toHaveLength(0);
    queue.add('k3', 'third');
    release();
    await page.connection!.settled();
    expect(page.frames().map((f) => [f.id, f.message, f.ack ?? false])).toEqual([
      ['k1', 'first', true],
      ['k2', 'second', true],
      ['k3', 'third', true],
      ['l1', 'live', false],
    ]);
  });

  it('cuts off a page whose live messages waiting behind its kept ones grow too large', async () => {
    const { hub, queue } = createHub({ maxBufferedBytes: 200 });
    const release = queue.hold();
    const page = attachFake(hub, scope, ana);
    expect(hub.publish(scope, ana, frame('x'.repeat(50), 'l1'))).toBe(1);
    expect(hub.publish(scope, ana, frame('x'.repeat(50), 'l2'))).toBe(0);
    expect(page.terminated).toBe(true);
    release();
    await page.connection!.settled();
    expect(page.sent).toHaveLength(0);
  });

  it('picks up a message kept after the page connected, once', async () => {
    const { hub, queue } = createHub();
    const page = attachFake(hub, scope, ana);
    await page.connection!.settled();
    queue.add('k1', 'late');
    hub.drain(scope, ana);
    hub.drain(scope, ana);
    await page.connection!.settled();
    expect(page.frames().map((f) => f.id)).toEqual(['k1']);
  });

  it('deletes kept messages the page acknowledged, ignoring unknown ids and junk', async () => {
    const { hub, queue } = createHub();
    queue.add('k1', 'a');
    queue.add('k2', 'b');
    const page = attachFake(hub, scope, ana);
    await page.connection!.settled();
    const connection = page.connection!;
    connection.received('not json');
    connection.received(JSON.stringify({ type: 'ack', id: 'nope' }));
    connection.received(JSON.stringify({ type: 'hello', id: 'k1' }));
    connection.received('null');
    connection.received(JSON.stringify({ type: 'ack', id: 'k2' }));
    connection.received(JSON.stringify({ type: 'ack', id: 'k2' }));
    await connection.settled();
    expect(queue.removed).toEqual([2]);
    // The next page of the user gets what was not acknowledged.
    const next = attachFake(hub, scope, ana);
    await next.connection!.settled();
    expect(next.frames().map((f) => f.id)).toEqual(['k1']);
  });

  it('refuses more sockets than its limit', () => {
    const { hub } = createHub({ maxConnections: 2 });
    attachFake(hub, scope, orders);
    expect(hub.isFull).toBe(false);
    attachFake(hub, scope, orders);
    expect(hub.isFull).toBe(true);
  });

  it('on dispose closes every page as "going away", stops its heartbeat and takes no more sockets', async () => {
    vi.useFakeTimers();
    const { hub } = createHub();
    expect(vi.getTimerCount()).toBe(1);
    const pages = [attachFake(hub, scope, orders), attachFake(hub, scope, ana)];
    await hub.dispose();
    expect(pages.map((page) => page.closedWith?.code)).toEqual([
      PUSH_CLOSE_CODES.goingAway,
      PUSH_CLOSE_CODES.goingAway,
    ]);
    expect(hub.count()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(hub.isFull).toBe(true);
    const late = attachFake(hub, scope, orders);
    expect(late.terminated).toBe(true);
    expect(hub.count()).toBe(0);
    await hub.dispose();
  });

  it('ends pages that do not answer the close within the grace period', async () => {
    const { hub } = createHub({ closeGraceMs: 1 });
    const deaf = attachFake(hub, scope, orders, { answersClose: false });
    await hub.closeAll();
    expect(deaf.closedWith?.code).toBe(PUSH_CLOSE_CODES.goingAway);
    expect(deaf.terminated).toBe(true);
    expect(hub.count()).toBe(0);
  });
});
