import { describe, expect, it } from 'vitest';
import type { UserMessageDto, UserMessagesPageDto } from '@/server/protocol/messaging';
import { appendOlder, markMessageRead } from './messages-page';

const message = (id: string, readAt: string | null = null) => ({ id, readAt, subject: id }) as UserMessageDto;
const page = (messages: UserMessageDto[], unread: number, nextCursor: string | null = null): UserMessagesPageDto => ({
  messages,
  unread,
  nextCursor,
});

describe('markMessageRead', () => {
  it('marks an unread message read and lowers the count', () => {
    const next = markMessageRead(page([message('a'), message('b')], 5), 'b', '2026-11-22T10:00:00Z');
    expect(next.messages[1]?.readAt).toBe('2026-11-22T10:00:00Z');
    expect(next.messages[0]?.readAt).toBeNull();
    expect(next.unread).toBe(4);
  });

  it('changes nothing for a read or unknown message', () => {
    const shown = page([message('a', '2026-01-01T00:00:00Z')], 0);
    expect(markMessageRead(shown, 'a', 'later')).toBe(shown);
    expect(markMessageRead(shown, 'zz', 'later')).toBe(shown);
  });
});

describe('appendOlder', () => {
  it('appends older messages once, takes their cursor and the later unread count', () => {
    const shown = page([message('c'), message('b')], 3, 'cur1');
    const older = page([message('b'), message('a')], 4, null);
    const merged = appendOlder(shown, older);
    expect(merged.messages.map((m) => m.id)).toEqual(['c', 'b', 'a']);
    expect(merged.nextCursor).toBeNull();
    expect(merged.unread).toBe(4);
  });
});
