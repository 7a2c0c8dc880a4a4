import type { Disposable } from '../../core/disposable';
import type { Logger } from '../../core/logger';
import { PUSH_CLOSE_CODES } from '../../protocol/push';
import type { ServiceScope } from '../service-scope';
import { PushConnection, type PushConnectionContext, type PushSocket } from './push-connection';
import { encodePushFrame } from './push-frame';
import type { PushQueue } from './push-message-store';
import type { PushSubscription } from './push-subscription';
import { channelKeyOf, channelNameOf, launcherKeyOf, type PushTarget } from './push-target';

/** One message on its way out: the hub builds each kind of frame for it once. */
export interface OutgoingPushMessage {
  id: string;
  /** ISO-8601. */
  sentAt: string;
  /** The message's JSON text. */
  body: string;
}

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
 * The live sockets: pages' keyed by (tenant, app, environment, channel), launchers' by (tenant,
 * user). A send serialises its frame once and writes the same bytes to each socket of the key; a
 * production app's message to a user also goes, naming the app, to the user's launchers. Slow
 * pages are cut off rather than buffered for; a heartbeat drops dead sockets and closes those
 * whose token expired.
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
  attach(subscription: PushSubscription, socket: PushSocket): PushConnection {
    const connection = new PushConnection(this.context, subscription, socket);
    if (this.disposed) {
      connection.terminate();
      return connection;
    }
    this.connections.add(connection);
    let channel = this.channels.get(connection.key);
    if (!channel) this.channels.set(connection.key, (channel = new Set()));
    channel.add(connection);
    connection.scheduleDrain();
    return connection;
  }

  /** Writes a message to every page of the channel (and launchers, see above); returns how many sockets took it. */
  publish(scope: Omit<ServiceScope, 'userId'>, target: PushTarget, message: OutgoingPushMessage): number {
    const channel = channelNameOf(target);
    const pages = this.channels.get(channelKeyOf(scope, target));
    let delivered = pages ? this.write(pages, encodePushFrame({ ...message, channel }, message.body)) : 0;
    const launchers = this.launchersHearing(scope, target);
    if (launchers)
      delivered += this.write(launchers, encodePushFrame({ ...message, channel, app: scope.appId }, message.body));
    return delivered;
  }

  /** Writes a platform notice (such as a new in-platform message) to a user's launchers only. */
  notifyLaunchers(tenantId: string, userId: string, channel: string, message: OutgoingPushMessage): number {
    const launchers = this.channels.get(launcherKeyOf(tenantId, userId));
    return launchers ? this.write(launchers, encodePushFrame({ ...message, channel }, message.body)) : 0;
  }

  /** A message was kept for the user: pages and launchers that connected meanwhile pick it up. */
  drain(scope: Omit<ServiceScope, 'userId'>, target: PushTarget): void {
    for (const connection of this.channels.get(channelKeyOf(scope, target)) ?? []) connection.scheduleDrain();
    for (const connection of this.launchersHearing(scope, target) ?? []) connection.scheduleDrain();
  }

  /** One heartbeat: ends sockets that missed the last ping or whose token expired, pings the rest. */
  sweep(): void {
    const now = this.context.clock();
    for (const connection of [...this.connections]) {
      if (connection.subscription.expiresAt <= now) {
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

  private write(sockets: Set<PushConnection>, frame: Buffer): number {
    let delivered = 0;
    // A socket cut off here leaves the set during the loop, which Set iteration allows.
    for (const connection of sockets) if (connection.deliver(frame)) delivered++;
    return delivered;
  }

  /** Launchers hear users' messages from production apps only: previews are the developer's. */
  private launchersHearing(scope: Omit<ServiceScope, 'userId'>, target: PushTarget) {
    if (target.kind !== 'user' || scope.environment !== 'production') return undefined;
    return this.channels.get(launcherKeyOf(scope.tenantId, target.userId));
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
