import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPushClientScript, pushUrlsOf, type PushClientScript } from './push-client-script';

// The client script as a page runs it, with a scripted WebSocket and timers the test runs by hand.

class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  readonly sent: unknown[] = [];
  closedWith: [number, string] | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }

  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }

  // What the platform does:
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  deliver(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onerror?.();
    this.onclose?.({ code, reason });
  }
}

interface Page {
  Slipway: {
    connect(
      token: unknown,
      onMessage: unknown,
      options?: {
        onOpen?: () => void;
        onClose?: (event: { code: number; reason: string; reconnecting: boolean }) => void;
        url?: string;
      },
    ): { close(): void };
  };
  timers: { ms: number; run: () => void; cleared: boolean }[];
}

let script: PushClientScript;
beforeAll(async () => {
  script = await loadPushClientScript(pushUrlsOf(new URL('https://slipway.example')).socket);
});

function page(currentScriptSrc?: string): Page {
  FakeWebSocket.instances = [];
  const timers: Page['timers'] = [];
  const context = vm.createContext({
    WebSocket: FakeWebSocket,
    setTimeout: (run: () => void, ms: number) => timers.push({ ms, run, cleared: false }) - 1,
    clearTimeout: (id: number) => {
      const timer = timers[id];
      if (timer) timer.cleared = true;
    },
    ...(currentScriptSrc ? { document: { currentScript: { src: currentScriptSrc } } } : {}),
  }) as unknown as Page;
  vm.runInContext(script.text, context);
  context.timers = timers;
  return context;
}

const socket = (index: number) => FakeWebSocket.instances[index]!;
const message = (id: string, body: unknown, ack?: true) => ({
  type: 'message',
  id,
  channel: 'user:u-1',
  sentAt: '2026-11-22T10:00:00.000Z',
  message: body,
  ...(ack ? { ack } : {}),
});

describe('the push client script', () => {
  it("connects to the platform's socket with the token, and hands messages to onMessage", () => {
    const window = page();
    const received: unknown[] = [];
    let opened = 0;
    window.Slipway.connect('tok/1+', (body: unknown) => received.push(body), { onOpen: () => opened++ });
    expect(socket(0).url).toBe('wss://slipway.example/push/v1/socket?token=tok%2F1%2B');
    socket(0).open();
    expect(opened).toBe(1);
    socket(0).deliver(message('a', { order: 17 }));
    socket(0).deliver('not json');
    socket(0).deliver({ type: 'other', id: 'b' });
    expect(received).toEqual([{ order: 17 }]);
  });

  it('finds the socket next to where the page loaded it from', () => {
    const window = page('http://localhost:8080/push/v1/client.js?v=2');
    window.Slipway.connect('t', () => undefined);
    expect(socket(0).url).toBe('ws://localhost:8080/push/v1/socket?token=t');
    window.Slipway.connect('t', () => undefined, { url: 'ws://127.0.0.1:9/push/v1/socket' });
    expect(socket(1).url).toBe('ws://127.0.0.1:9/push/v1/socket?token=t');
  });

  it('drops repeats by id and acknowledges kept messages after handling them', () => {
    const window = page();
    const received: string[] = [];
    window.Slipway.connect('t', (body: string, frame: { id: string }) => {
      // Not acknowledged before the page handled it.
      expect(socket(0).sent).not.toContainEqual({ type: 'ack', id: frame.id });
      received.push(body);
    });
    socket(0).open();
    socket(0).deliver(message('k1', 'one', true));
    socket(0).deliver(message('k1', 'one', true));
    socket(0).deliver(message('l1', 'live'));
    socket(0).deliver(message('k2', 'two', true));
    expect(received).toEqual(['one', 'live', 'two']);
    // A repeat is acknowledged again (the platform may not have seen the first ack).
    expect(socket(0).sent).toEqual([
      { type: 'ack', id: 'k1' },
      { type: 'ack', id: 'k1' },
      { type: 'ack', id: 'k2' },
    ]);
  });

  it('reconnects with growing, jittered delays, and starts over once connected', () => {
    const window = page();
    const closes: unknown[] = [];
    const received: string[] = [];
    window.Slipway.connect('t', (body: string) => received.push(body), { onClose: (event) => closes.push(event) });
    socket(0).open();
    socket(0).deliver(message('k1', 'one', true));
    socket(0).drop(1001, 'Slipway is restarting');
    expect(closes).toEqual([{ code: 1001, reason: 'Slipway is restarting', reconnecting: true }]);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const timer = window.timers.at(-1)!;
      delays.push(timer.ms);
      timer.run();
      socket(attempt + 1).drop();
    }
    const ceilings = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000];
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[index]! / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[index]!);
    });
    window.timers.at(-1)!.run();
    const last = FakeWebSocket.instances.length - 1;
    socket(last).open();
    // The same kept message again after a reconnect: handled once.
    socket(last).deliver(message('k1', 'one', true));
    socket(last).deliver(message('k2', 'two', true));
    expect(received).toEqual(['one', 'two']);
    socket(last).drop();
    expect(window.timers.at(-1)!.ms).toBeLessThanOrEqual(500);
  });

  it('stops when the token expired or the page closes the connection', () => {
    const window = page();
    const closes: unknown[] = [];
    window.Slipway.connect('t', () => undefined, { onClose: (event) => closes.push(event) });
    socket(0).open();
    socket(0).drop(4401, 'channel token expired');
    expect(closes).toEqual([{ code: 4401, reason: 'channel token expired', reconnecting: false }]);
    expect(window.timers).toHaveLength(0);

    const connection = window.Slipway.connect('t', () => undefined);
    socket(1).open();
    connection.close();
    expect(socket(1).closedWith).toEqual([1000, 'closed by the page']);
    socket(1).drop(1000);
    expect(window.timers).toHaveLength(0);

    // Closing while a reconnect is pending cancels it.
    const pending = window.Slipway.connect('t', () => undefined);
    socket(2).drop();
    pending.close();
    expect(window.timers.at(-1)!.cleared).toBe(true);
  });

  it('refuses calls without a token or a handler', () => {
    const window = page();
    expect(() => window.Slipway.connect('', () => undefined)).toThrow(/channel token/);
    expect(() => window.Slipway.connect('t', undefined)).toThrow(/onMessage must be a function/);
  });

  it('is served with its socket URL filled in and an ETag of its text', async () => {
    expect(script.text).toContain('"wss://slipway.example/push/v1/socket"');
    expect(script.text).not.toContain('__SLIPWAY_PUSH_SOCKET_URL__');
    expect(script.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const other = await loadPushClientScript('ws://localhost:1/push/v1/socket');
    expect(other.etag).not.toBe(script.etag);
  });
});
