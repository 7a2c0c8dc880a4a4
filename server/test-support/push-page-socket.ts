import { once } from 'node:events';
import { expect, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { PushMessageFrame } from '../protocol/push';

/** The push socket's URL on a platform listening on `port`. */
export const pushSocketUrl = (port: number, token: string) =>
  `ws://127.0.0.1:${port}/push/v1/socket?token=${encodeURIComponent(token)}`;

/** A page's (or launcher's) push socket: the frames it received, in order. */
export class PageSocket {
  readonly frames: PushMessageFrame[] = [];
  readonly closed: Promise<number>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.frames.push(JSON.parse(data.toString('utf8')) as PushMessageFrame));
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static async open(port: number, token: string): Promise<PageSocket> {
    const page = new PageSocket(new WebSocket(pushSocketUrl(port, token)));
    await once(page.socket, 'open');
    return page;
  }

  async waitFor(count: number): Promise<PushMessageFrame[]> {
    await vi.waitFor(() => expect(this.frames.length).toBeGreaterThanOrEqual(count), { timeout: 10_000 });
    return this.frames;
  }

  acknowledge(): void {
    for (const frame of this.frames) if (frame.ack) this.socket.send(JSON.stringify({ type: 'ack', id: frame.id }));
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}

/** The status an upgrade was refused with. */
export async function refusalOf(url: string): Promise<number> {
  const socket = new WebSocket(url);
  socket.on('error', () => undefined);
  const [, response] = (await once(socket, 'unexpected-response')) as [unknown, { statusCode: number }];
  socket.terminate();
  return response.statusCode;
}
