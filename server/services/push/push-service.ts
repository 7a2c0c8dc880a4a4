import { randomBytes } from 'node:crypto';
import type { Disposable } from '../../core/disposable';
import { DomainError, invalidInput, tooLarge } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { PUSH_DEFAULT_TTL_SECONDS, PUSH_MAX_MESSAGE_BYTES, PUSH_MAX_TTL_SECONDS } from '../../protocol/push';
import type { ServiceScope } from '../service-scope';
import type { PushChannelGrant, PushChannelTokens } from './push-channel-tokens';
import { PushLauncherTokens } from './push-launcher-tokens';
import type { PushHub } from './push-hub';
import type { PushMessageStore } from './push-message-store';
import { channelSubscription, launcherSubscription, type PushSubscription } from './push-subscription';
import { channelNameOf, parsePushTarget } from './push-target';

/** What a page needs to receive a channel: its name, its token and the client script to load. */
export interface PushChannel {
  channel: string;
  token: string;
  clientScript: string;
}

/** What the mobile launcher connects with (decision 015). */
export interface PushLauncherAccess {
  token: string;
  clientScript: string;
  /** ISO-8601. */
  expiresAt: string;
}

/** What a socket's token lets it hear; a launcher's user must still be a member of `tenantId`. */
export interface PushSocketGrant {
  tenantId: string;
  launcherOf?: string;
  subscription: PushSubscription;
}

/** How a send went: sockets written now, and messages kept for a user with no open page. */
export interface PushSendResult {
  delivered: number;
  queued: number;
}

/** A send as the protocol carries it (checked here). */
export interface PushSendRequest {
  user?: unknown;
  topic?: unknown;
  message: unknown;
  ttlSeconds?: unknown;
}

export interface PushServiceOptions {
  tokens: PushChannelTokens;
  launcherTokens: PushLauncherTokens;
  store: PushMessageStore;
  hub: PushHub;
  /** The absolute URL of the client script (`<publicUrl>/push/v1/client.js`). */
  clientScriptUrl: string;
  log: Logger;
  clock?: () => number;
  /** How long a channel token is valid. */
  tokenLifetimeSeconds?: number;
  /** Messages kept per user at most; sends beyond are refused until pages catch up or TTLs pass. */
  maxKeptPerUser?: number;
  /** How often expired kept messages are deleted. */
  purgeIntervalMs?: number;
}

/**
 * Push: an app sends JSON messages to one user's open pages or to every page on a topic. Pages
 * receive them over a WebSocket on the platform's origin with a channel token from `channel()`.
 * Messages to a user with no open page are kept (until their TTL) and arrive, in order, when a
 * page of the user connects; they are deleted when the page acknowledges them (at-least-once,
 * deduplicated by id in the page). Everything is scoped by tenant, app and environment.
 */
export class PushService implements Disposable {
  private readonly clock: () => number;
  private readonly purgeTimer: NodeJS.Timeout;
  private purging: Promise<unknown> | undefined;

  constructor(private readonly options: PushServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.purgeTimer = setInterval(
      () => {
        this.purging = this.purgeExpired().catch((error: unknown) =>
          options.log.error('push: deleting expired messages failed', error),
        );
      },
      options.purgeIntervalMs ?? 10 * 60_000,
    );
  }

  /** A channel for `{user}` or `{topic}` and the token a page of the app connects with. */
  async channel(scope: ServiceScope, audience: { user?: unknown; topic?: unknown }): Promise<PushChannel> {
    const target = parsePushTarget(audience);
    const lifetime = this.options.tokenLifetimeSeconds ?? 24 * 60 * 60;
    const token = await this.options.tokens.issue({
      scope: { tenantId: scope.tenantId, appId: scope.appId, environment: scope.environment },
      target,
      expiresAt: this.clock() + lifetime * 1000,
    });
    return { channel: channelNameOf(target), token, clientScript: this.options.clientScriptUrl };
  }

  async send(scope: ServiceScope, request: PushSendRequest): Promise<PushSendResult> {
    const target = parsePushTarget(request);
    const ttlSeconds = ttlOf(request.ttlSeconds);
    const body = serialise(request.message);
    const appScope = { tenantId: scope.tenantId, appId: scope.appId, environment: scope.environment };
    const now = this.clock();
    const id = randomBytes(12).toString('base64url');
    const sentAt = new Date(now).toISOString();
    const delivered = this.options.hub.publish(appScope, target, { id, sentAt, body });
    if (target.kind === 'topic' || delivered > 0) return { delivered, queued: 0 };

    const { store } = this.options;
    const limit = this.options.maxKeptPerUser ?? 1000;
    if ((await store.count(appScope, target.userId, now)) >= limit)
      throw new DomainError(
        'too-many-requests',
        `User ${JSON.stringify(target.userId)} has ${limit} undelivered push messages, the most kept per user; ` +
          'they are delivered when a page of the user connects, or dropped when their ttlSeconds pass.',
        { limit },
      );
    await store.add(appScope, target.userId, { id, body, sentAt, expiresAt: now + ttlSeconds * 1000 });
    // A page that connected after the publish above has drained the queue already: drain again.
    this.options.hub.drain(appScope, target);
    return { delivered: 0, queued: 1 };
  }

  /** The grant of a page's channel token (the socket's only authentication). */
  openChannel(token: string): Promise<PushChannelGrant> {
    return this.options.tokens.verify(token);
  }

  /** A token for the user's launcher: every push the organisation's production apps send the user. */
  async launcher(tenantId: string, userId: string): Promise<PushLauncherAccess> {
    const expiresAt = this.clock() + (this.options.tokenLifetimeSeconds ?? 24 * 60 * 60) * 1000;
    const token = await this.options.launcherTokens.issue({ tenantId, userId, expiresAt });
    return { token, clientScript: this.options.clientScriptUrl, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** What a socket's token (a page's channel token or a launcher token) lets it hear. */
  async openSocket(token: string): Promise<PushSocketGrant> {
    if (PushLauncherTokens.looksLikeOne(token)) {
      const grant = await this.options.launcherTokens.verify(token);
      return { tenantId: grant.tenantId, launcherOf: grant.userId, subscription: launcherSubscription(grant) };
    }
    const grant = await this.openChannel(token);
    return { tenantId: grant.scope.tenantId, subscription: channelSubscription(grant) };
  }

  /** Deletes kept messages whose TTL has passed; returns how many. */
  purgeExpired(): Promise<number> {
    return this.options.store.removeExpired(this.clock());
  }

  async dispose(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.purging;
  }
}

function ttlOf(value: unknown): number {
  if (value === undefined) return PUSH_DEFAULT_TTL_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > PUSH_MAX_TTL_SECONDS)
    throw invalidInput(
      `"ttlSeconds" must be a whole number of seconds from 1 to ${PUSH_MAX_TTL_SECONDS} (7 days); the default is ${PUSH_DEFAULT_TTL_SECONDS}.`,
      { field: 'ttlSeconds' },
    );
  return value;
}

function serialise(message: unknown): string {
  const body = message === undefined ? undefined : JSON.stringify(message);
  if (body === undefined) throw invalidInput('"message" is required: any JSON value.', { field: 'message' });
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > PUSH_MAX_MESSAGE_BYTES)
    throw tooLarge(
      `The message is ${bytes} bytes as JSON; push messages are at most ${PUSH_MAX_MESSAGE_BYTES} bytes (64 KiB). ` +
        'Send an id and let the page fetch the rest.',
      { limit: PUSH_MAX_MESSAGE_BYTES },
    );
  return body;
}
