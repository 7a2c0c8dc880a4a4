import type { PushChannelGrant } from './push-channel-tokens';
import type { PushLauncherGrant } from './push-launcher-tokens';
import type { KeptMessagesScope } from './push-message-store';
import { channelKeyOf, launcherKeyOf } from './push-target';

/** What one socket hears, however it was granted: an app page's channel or a user's launcher. */
export interface PushSubscription {
  /** The hub's key of the sockets that hear the same messages. */
  key: string;
  /** Milliseconds since the epoch; the heartbeat closes the socket after it. */
  expiresAt: number;
  /** The user whose kept messages the socket drains and acknowledges, and of which apps. */
  kept?: { scope: KeptMessagesScope; userId: string };
  /** Launcher frames name their app: a launcher hears every app of the organisation. */
  namesApp: boolean;
}

/** An app page's socket: its one channel; a user channel also drains the user's kept messages of that app. */
export function channelSubscription(grant: PushChannelGrant): PushSubscription {
  const { scope, target } = grant;
  return {
    key: channelKeyOf(scope, target),
    expiresAt: grant.expiresAt,
    kept: target.kind === 'user' ? { scope, userId: target.userId } : undefined,
    namesApp: false,
  };
}

/** A launcher's socket: the user's messages from every production app of the organisation. */
export function launcherSubscription(grant: PushLauncherGrant): PushSubscription {
  return {
    key: launcherKeyOf(grant.tenantId, grant.userId),
    expiresAt: grant.expiresAt,
    kept: { scope: { tenantId: grant.tenantId, environment: 'production' }, userId: grant.userId },
    namesApp: true,
  };
}
