'use client';

import { useState } from 'react';
import { MessageItem } from './message-item';
import type { MessagesState } from './use-messages';

/** The Messages view: the user's in-platform inbox, newest first, unread ones emphasised. */
export function MessagesView({ messages, now }: { messages: MessagesState; now: number }) {
  const { page, error, loadingOlder, loadOlder, markRead } = messages;
  const [openId, setOpenId] = useState<string | null>(null);

  function toggle(id: string, unread: boolean): void {
    setOpenId((current) => (current === id ? null : id));
    if (unread) markRead(id);
  }

  return (
    <>
      <div className="ln-view-head">
        <h2>Messages</h2>
        {page && page.unread > 0 ? <span className="ln-hint">{page.unread} unread</span> : null}
      </div>
      {error ? (
        <p className="ln-error" role="alert">
          {error}
        </p>
      ) : null}
      {page === null ? (
        error ? null : (
          <p className="ln-empty">Loading…</p>
        )
      ) : page.messages.length === 0 ? (
        <p className="ln-empty">No messages yet. Messages your apps send you appear here.</p>
      ) : (
        <ul className="ln-cards" aria-label="Messages">
          {page.messages.map((message) => (
            <li key={message.id}>
              <MessageItem
                message={message}
                open={openId === message.id}
                now={now}
                onToggle={() => toggle(message.id, message.readAt === null)}
              />
            </li>
          ))}
        </ul>
      )}
      {page?.nextCursor ? (
        <button type="button" className="ln-action ln-more" disabled={loadingOlder} onClick={() => void loadOlder()}>
          Load older messages
        </button>
      ) : null}
    </>
  );
}
