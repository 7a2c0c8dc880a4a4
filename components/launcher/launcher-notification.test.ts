import { describe, expect, it } from 'vitest';
import type { LauncherAppDto } from '@/server/protocol/launcher';
import { appHref, interpretFrame, previewOf } from './launcher-notification';

const orders: LauncherAppDto = {
  id: 'app-1',
  title: 'Orders',
  description: '',
  runtime: 'python',
  url: 'http://orders.acme.apps.localhost:8080/',
};
const frame = (patch: Record<string, unknown>) => ({
  type: 'message',
  id: 'm1',
  channel: 'user:u1',
  sentAt: '2026-11-22T10:00:00.000Z',
  app: 'app-1',
  ...patch,
});

describe('interpretFrame', () => {
  it('reads an inbox frame as a notice about a new in-platform message', () => {
    const event = interpretFrame(frame({ channel: 'inbox', message: { messageId: 'x9', subject: 'Hi' } }), [orders]);
    expect(event).toEqual({ kind: 'inbox', notice: { messageId: 'x9', subject: 'Hi' } });
  });

  it('shows a message with a title as that notification, opening the app at its path', () => {
    const event = interpretFrame(frame({ message: { title: 'Order 7 shipped', body: 'Track it', path: '/o/7' } }), [
      orders,
    ]);
    expect(event).toEqual({
      kind: 'notification',
      notification: {
        id: 'm1',
        appId: 'app-1',
        appTitle: 'Orders',
        title: 'Order 7 shipped',
        body: 'Track it',
        href: 'http://orders.acme.apps.localhost:8080/o/7',
        sentAt: '2026-11-22T10:00:00.000Z',
        seen: false,
      },
    });
  });

  it('shows any other message as "New message from <app>" with a one-line preview', () => {
    const event = interpretFrame(frame({ message: { count: 3, note: 'a\nb' } }), [orders]);
    expect(event?.kind).toBe('notification');
    if (event?.kind !== 'notification') return;
    expect(event.notification.title).toBe('New message from Orders');
    expect(event.notification.body).toBe('{"count":3,"note":"a\\nb"}');
    expect(event.notification.href).toBe('http://orders.acme.apps.localhost:8080/');
  });

  it('names an app it does not know "An app" and links nowhere', () => {
    const event = interpretFrame(frame({ app: 'gone', message: { title: 'T' } }), [orders]);
    expect(event).toMatchObject({ notification: { appId: 'gone', appTitle: 'An app', href: null } });
  });

  it('uses the arrival time when sentAt is missing or not a date', () => {
    const event = interpretFrame(frame({ sentAt: 'soon', message: 'x' }), [orders], Date.UTC(2026, 0, 2));
    expect(event).toMatchObject({ notification: { sentAt: '2026-01-02T00:00:00.000Z' } });
  });

  it('ignores malformed frames', () => {
    expect(interpretFrame(null, [orders])).toBeNull();
    expect(interpretFrame(frame({ type: 'ack' }), [orders])).toBeNull();
    expect(interpretFrame(frame({ id: 7 }), [orders])).toBeNull();
    expect(interpretFrame(frame({ channel: 'inbox', message: 'nope' }), [orders])).toBeNull();
  });

  it('cuts very long titles so the list and storage stay small', () => {
    const event = interpretFrame(frame({ message: { title: 'x'.repeat(500) } }), [orders]);
    expect(event).toMatchObject({ notification: { title: `${'x'.repeat(199)}…` } });
  });
});

describe('appHref', () => {
  it('joins the app URL and a path without doubling the slash', () => {
    expect(appHref('http://a.example/', '/x?y=1#z')).toBe('http://a.example/x?y=1#z');
    expect(appHref('http://a.example/base', '/x')).toBe('http://a.example/base/x');
  });

  it('never leaves the app origin', () => {
    expect(appHref('http://a.example/', '//evil.example/x')).toBe('http://a.example/');
    expect(appHref('http://a.example/', '/\\evil.example')).toBe('http://a.example/');
    expect(appHref('http://a.example/', 'https://evil.example/')).toBe('http://a.example/');
  });

  it('refuses app URLs that are not web links', () => {
    expect(appHref('javascript:alert(1)')).toBeNull();
    expect(appHref('not a url')).toBeNull();
  });
});

describe('previewOf', () => {
  it('keeps strings as they are on one line and cuts long previews', () => {
    expect(previewOf('  hello\n  world ')).toBe('hello world');
    expect(previewOf({ a: 'y'.repeat(300) })).toHaveLength(120);
    expect(previewOf(undefined)).toBe('');
    expect(previewOf(null)).toBe('null');
  });
});
