'use client';

import { useEffect, useState } from 'react';
import { NotificationCard } from './notification-card';
import type { AlertPermission } from './system-alert';
import type { NotificationsState } from './use-notifications';

/**
 * The Notifications view: newest first, with a dot on those that were unseen when it was opened.
 * While it is on screen, arrivals count as seen (the tab's badge stays at zero).
 */
export function NotificationsView({
  notifications,
  active,
  pageVisible,
  hasPush,
  permission,
  onAllowAlerts,
  now,
}: {
  notifications: NotificationsState;
  active: boolean;
  pageVisible: boolean;
  hasPush: boolean;
  permission: AlertPermission;
  onAllowAlerts: () => void;
  now: number;
}) {
  const { items, unseen, markSeen, clear } = notifications;
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    if (!active) {
      setFresh(new Set());
      return;
    }
    if (!pageVisible || unseen === 0) return;
    setFresh((shown) => new Set([...shown, ...items.filter((item) => !item.seen).map((item) => item.id)]));
    markSeen();
  }, [active, pageVisible, unseen, items, markSeen]);

  return (
    <>
      <div className="ln-view-head">
        <h2>Notifications</h2>
        {permission === 'default' && hasPush ? (
          <button type="button" className="ln-action" onClick={onAllowAlerts}>
            Allow alerts
          </button>
        ) : null}
        <button type="button" className="ln-action" onClick={clear} disabled={items.length === 0}>
          Clear
        </button>
      </div>
      {hasPush ? null : <p className="ln-note">Push is not part of your organisation&apos;s plan.</p>}
      {items.length === 0 ? (
        hasPush ? (
          <p className="ln-empty">No notifications yet. What your apps send you appears here.</p>
        ) : null
      ) : (
        <ul className="ln-cards" aria-label="Notifications">
          {items.map((item) => (
            <li key={item.id}>
              <NotificationCard item={item} fresh={!item.seen || fresh.has(item.id)} now={now} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
