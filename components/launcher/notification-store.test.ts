import { describe, expect, it } from 'vitest';
import type { LauncherNotificationItem } from './launcher-notification';
import {
  NOTIFICATION_LIMIT,
  addNotification,
  forgetAllNotifications,
  loadNotifications,
  markAllSeen,
  notificationKey,
  saveNotifications,
  unseenCount,
  type NotificationStorage,
} from './notification-store';

const item = (id: string, minute: number, patch: Partial<LauncherNotificationItem> = {}): LauncherNotificationItem => ({
  id,
  appId: 'a1',
  appTitle: 'Orders',
  title: `T${id}`,
  body: '',
  href: 'http://orders.example/',
  sentAt: new Date(Date.UTC(2026, 10, 22, 10, minute)).toISOString(),
  seen: false,
  ...patch,
});

function memoryStorage(): NotificationStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
    key: (index) => [...data.keys()][index] ?? null,
    get length() {
      return data.size;
    },
  };
}

const throwing: NotificationStorage = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
  key: () => {
    throw new Error('SecurityError');
  },
  length: 1,
};

describe('addNotification', () => {
  it('keeps the newest first by sending time, whatever the arrival order', () => {
    let list = addNotification([], item('b', 5));
    list = addNotification(list, item('a', 1));
    list = addNotification(list, item('c', 9));
    expect(list.map((n) => n.id)).toEqual(['c', 'b', 'a']);
  });

  it('ignores a repeated id', () => {
    const list = addNotification([item('a', 1, { seen: true })], item('a', 1));
    expect(list).toEqual([item('a', 1, { seen: true })]);
  });

  it('drops the oldest beyond the limit', () => {
    let list: LauncherNotificationItem[] = [];
    for (let i = 0; i < 5; i++) list = addNotification(list, item(`n${i}`, i), 3);
    expect(list.map((n) => n.id)).toEqual(['n4', 'n3', 'n2']);
  });
});

describe('seen state', () => {
  it('counts unseen notifications and marks them all seen', () => {
    const list = [item('a', 1), item('b', 2, { seen: true }), item('c', 3)];
    expect(unseenCount(list)).toBe(2);
    const seen = markAllSeen(list);
    expect(unseenCount(seen)).toBe(0);
    expect(markAllSeen(seen)).toBe(seen);
  });
});

describe('storage', () => {
  const key = notificationKey('u1', 't1');

  it('keys by user and organisation', () => {
    expect(key).not.toBe(notificationKey('u1', 't2'));
    expect(key).not.toBe(notificationKey('u2', 't1'));
  });

  it('round-trips the list and removes the key when it is empty', () => {
    const storage = memoryStorage();
    const list = [item('b', 2), item('a', 1)];
    expect(saveNotifications(storage, key, list)).toBe(true);
    expect(loadNotifications(storage, key)).toEqual(list);
    saveNotifications(storage, key, []);
    expect(storage.data.has(key)).toBe(false);
  });

  it('keeps at most the limit', () => {
    const storage = memoryStorage();
    const many = Array.from({ length: NOTIFICATION_LIMIT + 20 }, (_, i) => item(`n${i}`, i));
    saveNotifications(storage, key, many);
    expect(loadNotifications(storage, key)).toHaveLength(NOTIFICATION_LIMIT);
  });

  it('drops malformed entries and non-web links, and survives garbage', () => {
    const storage = memoryStorage();
    storage.setItem(
      key,
      JSON.stringify([item('ok', 1), { id: 'half' }, item('x', 2, { href: 'javascript:alert(1)' })]),
    );
    expect(loadNotifications(storage, key).map((n) => n.id)).toEqual(['ok']);
    storage.setItem(key, '{not json');
    expect(loadNotifications(storage, key)).toEqual([]);
    storage.setItem(key, '{"a":1}');
    expect(loadNotifications(storage, key)).toEqual([]);
  });

  it('never throws when storage is missing or refuses', () => {
    expect(loadNotifications(null, key)).toEqual([]);
    expect(loadNotifications(throwing, key)).toEqual([]);
    expect(saveNotifications(null, key, [item('a', 1)])).toBe(false);
    expect(saveNotifications(throwing, key, [item('a', 1)])).toBe(false);
    expect(saveNotifications(throwing, key, [])).toBe(false);
  });

  it("forgets every user's notifications on sign-out, and nothing else", () => {
    const storage = memoryStorage();
    saveNotifications(storage, notificationKey('u1', 't1'), [item('1', 1)]);
    saveNotifications(storage, notificationKey('u2', 't2'), [item('2', 2)]);
    storage.setItem('slipway.tenant', 't1');
    forgetAllNotifications(storage);
    expect([...storage.data.keys()]).toEqual(['slipway.tenant']);
    expect(() => forgetAllNotifications(null)).not.toThrow();
    expect(() => forgetAllNotifications(throwing)).not.toThrow();
  });
});
