import type { UserMessageDto } from '@/server/protocol/messaging';
import { relativeTime } from '@/components/ui/relative-time';
import './launcher-cards.css';

/** One in-platform message: a row that expands to its body; opening an unread one marks it read. */
export function MessageItem({
  message,
  open,
  now,
  onToggle,
}: {
  message: UserMessageDto;
  open: boolean;
  now: number;
  onToggle: () => void;
}) {
  const unread = message.readAt === null;
  const bodyId = `ln-msg-${message.id}`;
  const source = [message.appName ?? 'A removed app', message.from?.name].filter(Boolean).join(' · ');
  return (
    <article className={unread ? 'ln-msg ln-msg-unread' : 'ln-msg'}>
      <button type="button" className="ln-msg-row" aria-expanded={open} aria-controls={bodyId} onClick={onToggle}>
        <span className="ln-msg-top">
          <span className="ln-msg-subject">{message.subject || '(no subject)'}</span>
          <time dateTime={message.createdAt} title={new Date(message.createdAt).toLocaleString()}>
            {relativeTime(message.createdAt, now)}
          </time>
        </span>
        <span className="ln-msg-source">
          {unread ? (
            <span className="ln-dot">
              <span className="visually-hidden">Unread</span>
            </span>
          ) : null}
          {source}
        </span>
      </button>
      <div id={bodyId} className="ln-msg-body" hidden={!open}>
        {open ? message.body || '(no text)' : null}
      </div>
    </article>
  );
}
