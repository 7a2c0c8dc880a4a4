import { invalidInput } from '../../core/errors';
import { PUSH_TOPIC_PATTERN } from '../../protocol/push';
import type { ServiceScope } from '../service-scope';

/** Who a channel reaches: one user's pages, or every page subscribed to a topic. */
export type PushTarget = { kind: 'user'; userId: string } | { kind: 'topic'; topic: string };

const MAX_USER_ID_LENGTH = 200;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The target a request names with exactly one of `user` and `topic`; invalid input otherwise. */
export function parsePushTarget(audience: { user?: unknown; topic?: unknown }): PushTarget {
  const { user, topic } = audience;
  if ((user === undefined) === (topic === undefined))
    throw invalidInput(
      'Name exactly one audience: "user" (a user id, for that user\'s pages) or "topic" (for every page subscribed to it).',
    );
  if (user !== undefined) {
    if (
      typeof user !== 'string' ||
      user.length === 0 ||
      user.length > MAX_USER_ID_LENGTH ||
      CONTROL_CHARACTERS.test(user)
    )
      throw invalidInput(
        `"user" must be a user id: 1 to ${MAX_USER_ID_LENGTH} characters without control characters.`,
        { field: 'user' },
      );
    return { kind: 'user', userId: user };
  }
  if (typeof topic !== 'string' || !PUSH_TOPIC_PATTERN.test(topic))
    throw invalidInput(
      `"topic" must be 1 to 100 characters of a-z, 0-9, ".", "_" and "-" (got ${JSON.stringify(topic)}).`,
      { field: 'topic' },
    );
  return { kind: 'topic', topic };
}

/** The channel's name as apps and pages see it: `user:<id>` or `topic:<name>`. */
export function channelNameOf(target: PushTarget): string {
  return target.kind === 'user' ? `user:${target.userId}` : `topic:${target.topic}`;
}

/** The target a channel name stands for, or undefined when it is not one. */
export function targetOfChannelName(name: string): PushTarget | undefined {
  try {
    if (name.startsWith('user:')) return parsePushTarget({ user: name.slice('user:'.length) });
    if (name.startsWith('topic:')) return parsePushTarget({ topic: name.slice('topic:'.length) });
  } catch {
    return undefined;
  }
  return undefined;
}

/** One key per (tenant, app, environment, channel): a preview app's channels never see production's. */
export function channelKeyOf(scope: Omit<ServiceScope, 'userId'>, target: PushTarget): string {
  // Ids never hold control characters (user ids are refused above; the others are platform ids).
  return `${scope.tenantId}\n${scope.appId}\n${scope.environment}\n${channelNameOf(target)}`;
}

/**
 * The key of a user's launchers in an organisation. Its second line is empty where a channel key
 * has an app id (never empty), so the two never meet.
 */
export function launcherKeyOf(tenantId: string, userId: string): string {
  return `${tenantId}\n\nlauncher\n${userId}`;
}
