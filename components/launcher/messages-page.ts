import type { UserMessagesPageDto } from '@/server/protocol/messaging';

/** The page with one message marked read at `readAt` and the unread count lowered (unchanged if already read). */
export function markMessageRead(page: UserMessagesPageDto, messageId: string, readAt: string): UserMessagesPageDto {
  const target = page.messages.find((m) => m.id === messageId);
  if (!target || target.readAt !== null) return page;
  return {
    ...page,
    messages: page.messages.map((m) => (m.id === messageId ? { ...m, readAt } : m)),
    unread: Math.max(0, page.unread - 1),
  };
}

/**
 * An older page appended to the shown one: messages already shown are skipped (new messages
 * shift the cursor's window), and the later answer's unread count wins.
 */
export function appendOlder(shown: UserMessagesPageDto, older: UserMessagesPageDto): UserMessagesPageDto {
  const ids = new Set(shown.messages.map((m) => m.id));
  return {
    messages: [...shown.messages, ...older.messages.filter((m) => !ids.has(m.id))],
    nextCursor: older.nextCursor,
    unread: older.unread,
  };
}
