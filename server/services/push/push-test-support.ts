import type { PushMessageFrame } from '../../protocol/push';
import type { ServiceScope } from '../service-scope';
import type { PushConnection, PushSocket } from './push-connection';
import type { KeptMessagesScope, PushQueue, StoredPushMessage } from './push-message-store';
import { channelSubscription, launcherSubscription, type PushSubscription } from './push-subscription';
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
  hub: { attach(subscription: PushSubscription, socket: PushSocket): PushConnection },
  scope: Omit<ServiceScope, 'userId'>,
  target: PushTarget,
  options: { now?: number; answersClose?: boolean } = {},
): FakePushSocket {
  const socket = new FakePushSocket(options.answersClose);
  const expiresAt = (options.now ?? Date.now()) + 86_400_000;
  socket.connection = hub.attach(channelSubscription({ scope, target, expiresAt }), socket);
  return socket;
}

/** Attaches a fake launcher socket of `userId` in `tenantId`, with a token valid for a day. */
export function attachFakeLauncher(
  hub: { attach(subscription: PushSubscription, socket: PushSocket): PushConnection },
  tenantId: string,
  userId: string,
): FakePushSocket {
  const socket = new FakePushSocket();
  socket.connection = hub.attach(
    launcherSubscription({ tenantId, userId, expiresAt: Date.now() + 86_400_000 }),
    socket,
  );
  return socket;
}

/** Kept messages in memory for one user; `hold()` makes reads wait until released. */
export class MemoryPushQueue implements PushQueue {
  readonly messages: StoredPushMessage[] = [];
  readonly removed: number[] = [];
  /** The scope of each read, to check what a connection asked for. */
  readonly readScopes: KeptMessagesScope[] = [];
  private gate: Promise<void> | undefined;

  add(id: string, message: unknown, appId = 'app-1'): void {
    this.messages.push({
      seq: this.messages.length + 1,
      id,
      appId,
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
    scope: KeptMessagesScope,
    _userId: string,
    page: { afterSeq: number; limit: number },
  ): Promise<StoredPushMessage[]> {
    this.readScopes.push(scope);
    await this.gate;
    return this.messages
      .filter((message) => message.seq > page.afterSeq && !this.removed.includes(message.seq))
      .slice(0, page.limit);
  }

  remove(_scope: KeptMessagesScope, _userId: string, seqs: readonly number[]): Promise<void> {
    this.removed.push(...seqs);
    return Promise.resolve();
  }
}

/** A quiet logger that remembers errors. */
export function recordingLog(): { errors: string[]; info(): void; warn(): void; error(message: string): void } {
  const errors: string[] = [];
  return { errors, info: () => undefined, warn: () => undefined, error: (message) => void errors.push(message) };
}
