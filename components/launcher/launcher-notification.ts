// Relative, not '@/…': this value import must also resolve under vitest, which has no path alias.
import {
  LAUNCHER_INBOX_CHANNEL,
  type LauncherAppDto,
  type LauncherInboxNotice,
  type LauncherNotification,
} from '../../server/protocol/launcher';

/** A notification as the launcher lists and stores it. */
export interface LauncherNotificationItem {
  /** The push message's id (the client script already drops repeats; the store does again across reloads). */
  id: string;
  appId: string | null;
  appTitle: string;
  title: string;
  body: string;
  /** Where tapping it leads: the app (at the message's `path`), or nowhere for an unknown app. */
  href: string | null;
  /** ISO-8601, when the app sent it. */
  sentAt: string;
  seen: boolean;
}

/** What a launcher frame means to the page. */
export type LauncherFrameEvent =
  { kind: 'inbox'; notice: LauncherInboxNotice } | { kind: 'notification'; notification: LauncherNotificationItem };

// Apps send any JSON up to 64 KiB; the list and localStorage need only what fits on a card.
const MAX_TITLE = 200;
const MAX_BODY = 1000;
const MAX_PREVIEW = 120;

/**
 * Reads one launcher frame (`{ type, id, channel, sentAt, app?, message }`): an `inbox` notice,
 * an app's notification, or null for anything malformed.
 */
export function interpretFrame(
  frame: unknown,
  apps: readonly LauncherAppDto[],
  now = Date.now(),
): LauncherFrameEvent | null {
  if (!isRecord(frame) || frame.type !== 'message' || typeof frame.id !== 'string' || frame.id === '') return null;
  if (frame.channel === LAUNCHER_INBOX_CHANNEL) {
    const notice = frame.message;
    if (!isRecord(notice) || typeof notice.messageId !== 'string') return null;
    const subject = typeof notice.subject === 'string' ? notice.subject : '';
    return { kind: 'inbox', notice: { messageId: notice.messageId, subject } };
  }
  const appId = typeof frame.app === 'string' ? frame.app : null;
  const app = apps.find((a) => a.id === appId);
  const sentAt = validIso(frame.sentAt) ?? new Date(now).toISOString();
  return { kind: 'notification', notification: notificationOf(frame.id, appId, app, frame.message, sentAt) };
}

function notificationOf(
  id: string,
  appId: string | null,
  app: LauncherAppDto | undefined,
  message: unknown,
  sentAt: string,
): LauncherNotificationItem {
  const appTitle = app?.title || 'An app';
  const base = { id, appId, appTitle, sentAt, seen: false };
  const shaped = asLauncherNotification(message);
  if (shaped) {
    return {
      ...base,
      title: truncate(shaped.title, MAX_TITLE),
      body: truncate(shaped.body ?? '', MAX_BODY),
      href: app ? appHref(app.url, shaped.path) : null,
    };
  }
  return {
    ...base,
    title: `New message from ${appTitle}`,
    body: previewOf(message),
    href: app ? appHref(app.url) : null,
  };
}

/** The message as a notification when it is one (a string `title`, optional string `body` and `path`). */
export function asLauncherNotification(message: unknown): LauncherNotification | null {
  if (!isRecord(message) || typeof message.title !== 'string' || message.title.trim() === '') return null;
  const body = typeof message.body === 'string' ? message.body : undefined;
  const path = typeof message.path === 'string' ? message.path : undefined;
  return { title: message.title, body, path };
}

/**
 * The app's URL, at `path` when it is a path on the app's own origin; anything else (`//host`,
 * `/\host`, a full URL) is ignored so a message cannot send the user to another site.
 */
export function appHref(appUrl: string, path?: string): string | null {
  let base: URL;
  try {
    base = new URL(appUrl);
  } catch {
    return null;
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return null;
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return base.href;
  try {
    const target = new URL(appUrl.replace(/\/+$/, '') + path);
    return target.origin === base.origin ? target.href : base.href;
  } catch {
    return base.href;
  }
}

/** A one-line preview of any JSON: strings as they are, anything else as compact JSON. */
export function previewOf(message: unknown): string {
  if (message === undefined) return '';
  const text = typeof message === 'string' ? message : (JSON.stringify(message) ?? '');
  return truncate(text.replace(/\s+/g, ' ').trim(), MAX_PREVIEW);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function validIso(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
