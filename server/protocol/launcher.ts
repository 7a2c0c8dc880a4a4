/**
 * The mobile launcher (`/m`): a business user's published apps, their apps' push notifications and
 * in-platform messages, on the platform's origin with the platform session (decision 015).
 */

/** `GET /api/v1/launcher?tenantId=` (the first organisation of the user when omitted). */
export interface LauncherDto {
  user: { id: string; name: string; email: string };
  /** Every organisation the user belongs to, by name (the launcher switches between them). */
  tenants: LauncherTenantDto[];
  /** The organisation shown; null when the user belongs to none. */
  tenant: LauncherTenantDto | null;
  /** Its apps with a live version that the user may open, by title. */
  apps: LauncherAppDto[];
  /** How the launcher receives push; null when the organisation's contract has no push service. */
  push: LauncherPushDto | null;
}

export interface LauncherTenantDto {
  id: string;
  slug: string;
  name: string;
}

/** One app tile. */
export interface LauncherAppDto {
  id: string;
  title: string;
  /** From slipway.json; may be empty. */
  description: string;
  runtime: 'java' | 'python';
  /** Where the app lives (`<slug>.<tenant>.<apps domain>`); it signs the user in by itself. */
  url: string;
}

/**
 * The launcher's socket: load `clientScript` and call `Slipway.connect(token, onMessage)`, as app
 * pages do. The token lets its holder receive, until `expiresAt`, every push message the
 * organisation's production apps send to this user and the user's new in-platform messages.
 */
export interface LauncherPushDto {
  token: string;
  clientScript: string;
  expiresAt: string;
}

/**
 * The channel of a launcher frame announcing an in-platform message; its `message` is a
 * {@link LauncherInboxNotice}. Other launcher frames carry the app's channel (`user:<id>`).
 */
export const LAUNCHER_INBOX_CHANNEL = 'inbox';

/** What an `inbox` frame says about a new in-platform message (read it with `GET /api/v1/messages`). */
export interface LauncherInboxNotice {
  messageId: string;
  subject: string;
}

/**
 * A push message an app meant as a notification: an object with a string `title`, and optionally
 * `body` and `path` (where in the app tapping it leads). Anything else is shown as "a new message".
 */
export interface LauncherNotification {
  title: string;
  body?: string;
  path?: string;
}
