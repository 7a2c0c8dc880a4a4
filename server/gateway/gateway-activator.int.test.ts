import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import type { InstanceEndpoint } from '../farm/driver';
import type { AppWaker } from '../farm/routing';
import type { Gateway } from './gateway';
import {
  echoWebSockets,
  freePort,
  gatewayRequest,
  startTestGateway,
  tempDir,
  TestBackend,
  testRoute,
  webSocketReply,
} from './gateway-test-support';

/** A farm stand-in: records wakes and starts a backend only when the test says so. */
class GatedWaker implements AppWaker {
  readonly wakes: string[] = [];
  private opened: () => void = () => undefined;
  readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  private called: () => void = () => undefined;
  readonly wasCalled = new Promise<void>((resolve) => (this.called = resolve));
  failWith: Error | undefined;

  constructor(private readonly start: () => Promise<InstanceEndpoint>) {}

  open(): void {
    this.opened();
  }

  async wake(appId: string): Promise<InstanceEndpoint> {
    this.wakes.push(appId);
    this.called();
    if (this.failWith) throw this.failWith;
    await this.gate;
    return this.start();
  }

  noteTraffic(): void {}
}

describe('the activator holds requests for apps scaled to zero', () => {
  let dir: string;
  let port: number;
  let db: Kysely<Database>;
  let gateway: Gateway;
  let backend: TestBackend | undefined;
  const waker = new GatedWaker(async () => {
    if (backend) return backend.endpoint;
    backend = await TestBackend.start(dir, 'woken');
    echoWebSockets(backend, 'woke ');
    return backend.endpoint;
  });
  const host = 'sleepy.acme.apps.localhost';

  beforeAll(async () => {
    dir = await tempDir();
    port = await freePort();
    db = await openDatabase({ kind: 'sqlite', file: ':memory:' });
    gateway = await startTestGateway({ dir, port, db, waker });
    await gateway.apply([testRoute({ appId: 'sleepy', host, upstreams: [] })]);
  });

  afterAll(async () => {
    await gateway?.dispose();
    await backend?.close();
    await db?.destroy();
  });

  it('holds requests while the app starts, wakes it once, then proxies them with their bodies', async () => {
    const held = [
      gatewayRequest(port, host, '/first?q=1', {
        headers: { cookie: 'a=1; slipway_app=secret', 'x-slipway-user-id': 'forged' },
      }),
      gatewayRequest(port, host, '/second', { method: 'POST', body: 'the body' }),
    ];
    await waker.wasCalled;
    waker.open();
    const [first, second] = await Promise.all(held);
    expect(first?.status).toBe(200);
    const seen = JSON.parse(first?.body ?? '{}') as { backend: string; url: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ backend: 'woken', url: '/first?q=1' });
    expect(seen.headers.cookie).toBe('a=1');
    expect(seen.headers['x-slipway-user-id']).toBeUndefined();
    expect(seen.headers['x-forwarded-host']).toBe(host);
    expect(JSON.parse(second?.body ?? '{}')).toMatchObject({ method: 'POST', body: 'the body' });
    expect(waker.wakes).toEqual(['sleepy']); // one wake for both held requests
  });

  it('tunnels a WebSocket through the activator', async () => {
    expect(await webSocketReply(port, host, '/live', 'hello')).toBe('woke hello');
  });

  it('answers with a clear 503 page when the app cannot start', async () => {
    waker.failWith = new Error('crash loop');
    const response = await gatewayRequest(port, host, '/');
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('The app could not start');
    expect(response.body).not.toContain('crash loop'); // internals stay in the platform's log
  });
});
