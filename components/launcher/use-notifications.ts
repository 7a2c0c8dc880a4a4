'use client';

import { useCallback, useEffect, useState } from 'react';
import type { LauncherNotificationItem } from './launcher-notification';
import {
  addNotification,
  browserStorage,
  loadNotifications,
  markAllSeen,
  notificationKey,
  saveNotifications,
  unseenCount,
} from './notification-store';

/** The notifications of one user in one organisation, kept in localStorage across reloads. */
export interface NotificationsState {
  items: LauncherNotificationItem[];
  unseen: number;
  add: (item: LauncherNotificationItem) => void;
  markSeen: () => void;
  clear: () => void;
}

interface Stored {
  key: string | null;
  items: LauncherNotificationItem[];
}

/** The list for (user, organisation); empty and unsaved until both are known. */
export function useNotifications(userId: string | null, tenantId: string | null): NotificationsState {
  const key = userId && tenantId ? notificationKey(userId, tenantId) : null;
  // The key travels with its list, so a list is never saved under the next organisation's key.
  const [stored, setStored] = useState<Stored>({ key: null, items: [] });

  useEffect(() => {
    setStored({ key, items: key ? loadNotifications(browserStorage(), key) : [] });
    if (!key) return;
    // Another launcher tab of the same user received (or cleared) notifications: follow it.
    const onStorage = (event: StorageEvent): void => {
      if (event.key === key) setStored({ key, items: loadNotifications(browserStorage(), key) });
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [key]);

  const update = useCallback((change: (items: LauncherNotificationItem[]) => LauncherNotificationItem[]) => {
    setStored((current) => {
      const items = change(current.items);
      if (items === current.items) return current;
      if (current.key) saveNotifications(browserStorage(), current.key, items);
      return { key: current.key, items };
    });
  }, []);

  const add = useCallback(
    (item: LauncherNotificationItem) => update((items) => addNotification(items, item)),
    [update],
  );
  const markSeen = useCallback(() => update(markAllSeen), [update]);
  const clear = useCallback(() => update((items) => (items.length ? [] : items)), [update]);

  const items = stored.key === key ? stored.items : [];
  return { items, unseen: unseenCount(items), add, markSeen, clear };
}
