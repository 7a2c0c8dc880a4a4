import type { LauncherNotificationItem } from './launcher-notification';

/** How many notifications the launcher keeps per user and organisation. */
export const NOTIFICATION_LIMIT = 100;

/** The part of `Storage` the store uses (tests pass a fake; some browsers have none). */
export type NotificationStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const KEY_PREFIX = 'slipway.launcher.notifications';

/** The storage key of one user's notifications in one organisation. */
export function notificationKey(userId: string, tenantId: string): string {
  return `${KEY_PREFIX}.${userId}.${tenantId}`;
}

/** The page's localStorage, or null where reading it throws (private modes, blocked cookies). */
export function browserStorage(): NotificationStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** Removes every user's stored notifications: signing out of a shared phone leaves none behind. */
export function forgetAllNotifications(storage: NotificationStorage | null): void {
  if (!storage) return;
  try {
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(`${KEY_PREFIX}.`)) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
  } catch {
    // Storage that cannot be read holds nothing of ours either.
  }
}

/** The stored notifications, newest first; [] when absent, unreadable or malformed. */
export function loadNotifications(storage: NotificationStorage | null, key: string): LauncherNotificationItem[] {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return sortNewestFirst(parsed.filter(isItem)).slice(0, NOTIFICATION_LIMIT);
  } catch {
    return [];
  }
}

/** Writes the list (an empty one removes the key); false when storage refused it (quota, disabled). */
export function saveNotifications(
  storage: NotificationStorage | null,
  key: string,
  items: readonly LauncherNotificationItem[],
): boolean {
  if (!storage) return false;
  try {
    if (items.length === 0) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(items.slice(0, NOTIFICATION_LIMIT)));
    return true;
  } catch {
    return false;
  }
}

/**
 * The list with `item` added: newest first by `sentAt`, a repeated id ignored (a kept message may
 * arrive again after a reload), the oldest dropped beyond the limit.
 */
export function addNotification(
  items: readonly LauncherNotificationItem[],
  item: LauncherNotificationItem,
  limit = NOTIFICATION_LIMIT,
): LauncherNotificationItem[] {
  if (items.some((existing) => existing.id === item.id)) return [...items];
  return sortNewestFirst([item, ...items]).slice(0, limit);
}

/** The list with every notification marked seen (the same array when nothing changes). */
export function markAllSeen(items: LauncherNotificationItem[]): LauncherNotificationItem[] {
  return items.some((item) => !item.seen) ? items.map((item) => (item.seen ? item : { ...item, seen: true })) : items;
}

/** How many notifications have not been seen. */
export function unseenCount(items: readonly LauncherNotificationItem[]): number {
  return items.filter((item) => !item.seen).length;
}

function sortNewestFirst(items: LauncherNotificationItem[]): LauncherNotificationItem[] {
  // A stable sort keeps arrival order for messages sent in the same millisecond.
  return items.sort((a, b) => Date.parse(b.sentAt) - Date.parse(a.sentAt));
}

// Storage is another tab's (or an older version's) writing: check every field, and that `href`
// stays a web link.
function isItem(value: unknown): value is LauncherNotificationItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    (typeof v.appId === 'string' || v.appId === null) &&
    typeof v.appTitle === 'string' &&
    typeof v.title === 'string' &&
    typeof v.body === 'string' &&
    (v.href === null || (typeof v.href === 'string' && /^https?:\/\//.test(v.href))) &&
    typeof v.sentAt === 'string' &&
    !Number.isNaN(Date.parse(v.sentAt)) &&
    typeof v.seen === 'boolean'
  );
}
