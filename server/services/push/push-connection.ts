import type { Logger } from '../../core/logger';
import { encodePushFrame } from './push-frame';
import type { PushQueue } from './push-message-store';
import type { PushSubscription } from './push-subscription';
import { channelNameOf } from './push-target';

/**
 * The part of a WebSocket (ws's) the hub uses. The HTTP layer owns the socket and forwards its
 * events (pong, text frames, close) to the {@link PushConnection}.
 */
export interface PushSocket {
  /** 1 while open (the WebSocket constants). */
  readonly readyState: number;
  /** Bytes queued in user space, not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }, callback?: (error?: Error) => void): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

/** What a connection needs from its hub. */
export interface PushConnectionContext {
  queue: PushQueue;
  log: Logger;
  clock: () => number;
  /** Past this many unsent bytes a page is too slow: its socket is ended rather than fed. */
  maxBufferedBytes: number;
  forget(connection: PushConnection): void;
}

const OPEN = 1;
type Kept = NonNullable<PushSubscription['kept']>;
const DRAIN_PAGE = 100;
const ACK_BATCH = 500;

/**
 * One socket: a page's on one channel, or a user's launcher. A user's connection first drains the
 * messages kept for the user, in order; live messages arriving meanwhile wait behind them, so a
 * page sees a user's messages in the order they were sent. Kept messages are deleted when the
 * page acknowledges them.
 */
export class PushConnection {
  /** Cleared by each heartbeat, set again by the page's pong. */
  alive = true;
  private open = true;
  private drains = 0;
  private chain: Promise<void> = Promise.resolve();
  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private lastSeq = 0;
  private readonly awaitingAck = new Map<string, number>();
  private acked: number[] = [];
  private ackFlush: Promise<void> | undefined;
  private resolveClosed!: () => void;
  /** Resolves when the socket has closed (or the hub let go of it). */
  readonly whenClosed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(
    private readonly context: PushConnectionContext,
    readonly subscription: PushSubscription,
    readonly socket: PushSocket,
  ) {}

  /** The hub's key of the sockets hearing what this one hears. */
  get key(): string {
    return this.subscription.key;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Writes a live message (or queues it behind a drain); false when this page cannot take it. */
  deliver(frame: Buffer): boolean {
    if (!this.open) return false;
    if (this.drains > 0) {
      this.backlogBytes += frame.length;
      if (this.backlogBytes > this.context.maxBufferedBytes) {
        this.terminate();
        return false;
      }
      this.backlog.push(frame);
      return true;
    }
    return this.write(frame);
  }

  /** Sends the user's kept messages not sent on this socket yet (again after each enqueue). */
  scheduleDrain(): void {
    const kept = this.subscription.kept;
    if (kept === undefined || !this.open) return;
    this.drains++;
    this.chain = this.chain
      .then(() => this.drainKept(kept))
      .catch((error: unknown) => this.context.log.error('push: sending kept messages failed', error))
      .then(() => {
        if (--this.drains > 0) return;
        this.backlogBytes = 0;
        for (const frame of this.backlog.splice(0)) if (!this.write(frame)) break;
      });
  }

  /** A text frame from the page: acknowledgements of kept messages; anything else is ignored. */
  received(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const { type, id } = (frame ?? {}) as { type?: unknown; id?: unknown };
    if (type !== 'ack' || typeof id !== 'string') return;
    const seq = this.awaitingAck.get(id);
    const kept = this.subscription.kept;
    if (seq === undefined || kept === undefined) return;
    this.awaitingAck.delete(id);
    this.acked.push(seq);
    // One delete in flight at a time; acknowledgements arriving meanwhile go in the next one.
    this.ackFlush ??= this.flushAcks(kept).finally(() => (this.ackFlush = undefined));
  }

  pong(): void {
    this.alive = true;
  }

  /** The socket closed: the hub lets go of it. */
  closed(): void {
    if (!this.open) return;
    this.open = false;
    this.backlog = [];
    this.backlogBytes = 0;
    this.context.forget(this);
    this.resolveClosed();
  }

  close(code: number, reason: string): void {
    try {
      this.socket.close(code, reason);
    } catch {
      this.terminate();
    }
  }

  terminate(): void {
    this.socket.terminate();
    this.closed();
  }

  /** Resolves once no database work of this connection is in flight. */
  async settled(): Promise<void> {
    await this.chain;
    await this.ackFlush;
  }

  private write(frame: Buffer): boolean {
    if (this.socket.readyState !== OPEN) return false;
    if (this.socket.bufferedAmount > this.context.maxBufferedBytes) {
      // A page this far behind would only fall further behind; it reconnects and catches up.
      this.terminate();
      return false;
    }
    try {
      this.socket.send(frame, { binary: false });
      return true;
    } catch {
      this.terminate();
      return false;
    }
  }

  private async drainKept(kept: Kept): Promise<void> {
    const channel = channelNameOf({ kind: 'user', userId: kept.userId });
    const { namesApp } = this.subscription;
    for (;;) {
      if (!this.open) return;
      const page = await this.context.queue.pending(kept.scope, kept.userId, {
        afterSeq: this.lastSeq,
        now: this.context.clock(),
        limit: DRAIN_PAGE,
      });
      for (const message of page) {
        if (!this.open || this.socket.readyState !== OPEN) return;
        this.lastSeq = message.seq;
        this.awaitingAck.set(message.id, message.seq);
        const app = namesApp ? message.appId : undefined;
        const frame = encodePushFrame(
          { id: message.id, channel, sentAt: message.sentAt, ack: true, app },
          message.body,
        );
        // A long queue is fed as the socket drains instead of piling up in memory.
        if (this.socket.bufferedAmount > this.context.maxBufferedBytes / 2) await this.sendAndWait(frame);
        else this.socket.send(frame, { binary: false });
      }
      if (page.length < DRAIN_PAGE) return;
    }
  }

  private sendAndWait(frame: Buffer): Promise<void> {
    const sent = new Promise<void>((resolve) => this.socket.send(frame, { binary: false }, () => resolve()));
    return Promise.race([sent, this.whenClosed]);
  }

  private async flushAcks(kept: Kept): Promise<void> {
    try {
      while (this.acked.length > 0) {
        await this.context.queue.remove(kept.scope, kept.userId, this.acked.splice(0, ACK_BATCH));
      }
    } catch (error) {
      this.context.log.error('push: deleting acknowledged messages failed', error);
    }
  }
}
