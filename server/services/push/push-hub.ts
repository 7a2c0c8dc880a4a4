import type { Disposable } from '../../core/disposable';
import type { Logger } from '../../core/logger';
import { PUSH_CLOSE_CODES } from '../../protocol/push';
import type { ServiceScope } from '../service-scope';
import type { PushChannelGrant } from './push-channel-tokens';
import { PushConnection, type PushConnectionContext, type PushSocket } from './push-connection';
import type { PushQueue } from './push-message-store';
import { channelKeyOf, type PushTarget } from './push-target';

/** How the hub is tuned; tests shorten the heartbeat and the close grace. */
export interface PushHubOptions {
  queue: PushQueue;
  log: Logger;
  clock?: () => number;
  /** Each period, every socket is pinged; one that has not answered the previous ping is ended. */
  heartbeatMs?: number;
  /** Unsent bytes past which a page is too slow to be fed (its socket is ended). */
  maxBufferedBytes?: number;
  /** Upgrades beyond this many open sockets are refused. */
  maxConnections?: number;
  /** How long shutting down waits for pages to answer the close frame. */
  closeGraceMs?: number;
}

/**
 * The pages' live sockets, keyed by (tenant, app, environment, channel). A send serialises its
 * frame once and writes the same bytes to each socket of the key; slow pages are cut off rather
 * than buffered for; a heartbeat drops dead sockets and closes those whose token expired.
 *
 * One hub per platform process: a send reaches the pages connected to this process.
 */
export class PushHub implements Disposable {
  private readonly channels = new Map<string, Set<PushConnection>>();
  private readonly connections = new Set<PushConnection>();
  /** Closed connections whose last database work (deleting acknowledged messages) is in flight. */
  private readonly settling = new Set<Promise<void>>();
  private readonly context: PushConnectionContext;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxConnections: number;
  private readonly closeGraceMs: number;
  private disposed = false;

  constructor(options: PushHubOptions) {
    this.maxConnections = options.maxConnections ?? 20_000;
    this.closeGraceMs = options.closeGraceMs ?? 1_000;
    this.context = {
      queue: options.queue,
      log: options.log,
      clock: options.clock ?? Date.now,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      forget: (connection) => this.forget(connection),
    };
    this.heartbeat = setInterval(() => this.sweep(), options.heartbeatMs ?? 30_000);
  }

  /** Open sockets, in all or in one channel. */
  count(scope?: Omit<ServiceScope, 'userId'>, target?: PushTarget): number {
    if (!scope || !target) return this.connections.size;
    return this.channels.get(channelKeyOf(scope, target))?.size ?? 0;
  }

  /** True when no further socket should be accepted (full, or shutting down). */
  get isFull(): boolean {
    return this.disposed || this.connections.size >= this.maxConnections;
  }

  /** Takes an accepted socket; the caller forwards its pong, text frames and close to the result. */
  attach(grant: PushChannelGrant, socket: PushSocket): PushConnection {
    const key = channelKeyOf(grant.scope, grant.target);
    const connection = new PushConnection(this.context, grant, socket, key);
    if (this.disposed) {
      connection.terminate();
      return connection;
    }
    this.connections.add(connection);
    let channel = this.channels.get(key);
    if (!channel) this.channels.set(key, (channel = new Set()));
    channel.add(connection);
    connection.scheduleDrain();
    return connection;
  }

  /** Writes one frame to every page of the channel; returns how many sockets took it. */
  publish(scope: Omit<ServiceScope, 'userId'>, target: PushTarget, frame: Buffer): number {
    const channel = this.channels.get(channelKeyOf(scope, target));
    if (!channel) return 0;
    let delivered = 0;
    // A socket cut off here leaves the set during the loop, which Set iteration allows.
    for (const connection of channel) if (connection.deliver(frame)) delivered++;
    return delivered;
  }

  /** A message was kept for the user: pages that connected meanwhile pick it up. */
  drain(scope: Omit<ServiceScope, 'userId'>, target: PushTarget): void {
    for (const connection of this.channels.get(channelKeyOf(scope, target)) ?? []) connection.scheduleDrain();
  }

  /** One heartbeat: ends sockets that missed the last ping or whose token expired, pings the rest. */
  sweep(): void {
    const now = this.context.clock();
    for (const connection of [...this.connections]) {
      if (connection.grant.expiresAt <= now) {
        connection.close(PUSH_CLOSE_CODES.tokenExpired, 'channel token expired');
        continue;
      }
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      connection.alive = false;
      try {
        connection.socket.ping();
      } catch {
        connection.terminate();
      }
    }
  }

  /** Closes every socket (pages reconnect), waiting briefly for their answers, then ends the rest. */
  async closeAll(): Promise<void> {
    const open = [...this.connections];
    for (const connection of open) connection.close(PUSH_CLOSE_CODES.goingAway, 'Slipway is restarting');
    if (open.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open.map((connection) => connection.whenClosed)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeGraceMs))),
      ]);
      clearTimeout(timer);
    }
    for (const connection of open) if (connection.isOpen) connection.terminate();
    await Promise.all([...this.settling]);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.heartbeat);
    await this.closeAll();
  }

  private forget(connection: PushConnection): void {
    if (!this.connections.delete(connection)) return;
    const settled = connection.settled().finally(() => this.settling.delete(settled));
    this.settling.add(settled);
    const channel = this.channels.get(connection.key);
    channel?.delete(connection);
    if (channel?.size === 0) this.channels.delete(connection.key);
  }
}
