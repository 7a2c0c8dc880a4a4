import type { PushMessageFrame } from '../../protocol/push';
import type { ServiceScope } from '../service-scope';
import type { PushChannelGrant } from './push-channel-tokens';
import type { PushConnection, PushSocket } from './push-connection';
import type { PushQueue, StoredPushMessage } from './push-message-store';
import type { PushTarget } from './push-target';

/** A socket that records what the hub does to it; `close` is answered like a live page would. */
export class FakePushSocket implements PushSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Buffer[] = [];
  pings = 0;
  closedWith: { code: number; reason: string } | undefined;
  terminated = false;
  /** The hub's connection, set by {@link attachFake}; told when the page answers a close. */
  connection: PushConnection | undefined;

  constructor(private readonly answersClose = true) {}

  send(data: Buffer, _options: { binary: boolean }, callback?: (error?: Error) => void): void {
    this.sent.push(data);
    callback?.();
  }

  ping(): void {
    this.pings++;
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2;
    if (this.answersClose)
      queueMicrotask(() => {
        this.readyState = 3;
        this.connection?.closed();
      });
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }

  frames(): PushMessageFrame[] {
    return this.sent.map((data) => JSON.parse(data.toString('utf8')) as PushMessageFrame);
  }
}

/** Attaches a fake socket for `target` in `scope` to a hub, with a token valid for a day after `now`. */
export function attachFake(
  hub: { attach(grant: PushChannelGrant, socket: PushSocket): PushConnection },
  scope: Omit<ServiceScope, 'userId'>,
  target: PushTarget,
  options: { now?: number; answersClose?: boolean } = {},
): FakePushSocket {
  const socket = new FakePushSocket(options.answersClose);
  socket.connection = hub.attach({ scope, target, expiresAt: (options.now ?? Date.now()) + 86_400_000 }, socket);
  return socket;
}

/** Kept messages in memory for one user; `hold()` makes reads wait until released. */
export class MemoryPushQueue implements PushQueue {
  readonly messages: StoredPushMessage[] = [];
  readonly removed: number[] = [];
  private gate: Promise<void> | undefined;

  add(id: string, message: unknown): void {
    this.messages.push({
      seq: this.messages.length + 1,
      id,
      body: JSON.stringify(message),
      sentAt: new Date(0).toISOString(),
    });
  }

  /** Reads wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return release;
  }

  async pending(
    _scope: Omit<ServiceScope, 'userId'>,
    _userId: string,
    page: { afterSeq: number; limit: number },
  ): Promise<StoredPushMessage[]> {
    await this.gate;
    return this.messages
      .filter((message) => message.seq > page.afterSeq && !this.removed.includes(message.seq))
      .slice(0, page.limit);
  }

  remove(_scope: Omit<ServiceScope, 'userId'>, _userId: string, seqs: readonly number[]): Promise<void> {
    this.removed.push(...seqs);
    return Promise.resolve();
  }
}

/** A quiet logger that remembers errors. */
export function recordingLog(): { errors: string[]; info(): void; warn(): void; error(message: string): void } {
  const errors: string[] = [];
  return { errors, info: () => undefined, warn: () => undefined, error: (message) => void errors.push(message) };
}
