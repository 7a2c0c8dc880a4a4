import { relativeTime } from '@/components/ui/relative-time';
import { AppLetterIcon } from './app-letter-icon';
import type { LauncherNotificationItem } from './launcher-notification';
import './launcher-cards.css';

/** One notification: app, time, title and body; the whole card opens the app when it has a link. */
export function NotificationCard({
  item,
  fresh,
  now,
}: {
  item: LauncherNotificationItem;
  /** Shown with the unread dot (unseen when the view was opened). */
  fresh: boolean;
  now: number;
}) {
  const titleId = `ln-note-${item.id}`;
  return (
    <article className={fresh ? 'ln-card ln-card-fresh' : 'ln-card'} aria-labelledby={titleId}>
      <AppLetterIcon title={item.appTitle} seed={item.appId ?? item.appTitle} small />
      <div className="ln-card-main">
        <div className="ln-card-meta">
          <span className="ln-card-app">{item.appTitle}</span>
          <time dateTime={item.sentAt} title={new Date(item.sentAt).toLocaleString()}>
            {relativeTime(item.sentAt, now)}
          </time>
          {fresh ? (
            <span className="ln-dot">
              <span className="visually-hidden">New</span>
            </span>
          ) : null}
        </div>
        <h3 className="ln-card-title" id={titleId}>
          {/* The link's ::after covers the card, so a tap anywhere on it opens the app. */}
          {item.href ? (
            <a href={item.href} className="ln-card-link">
              {item.title}
            </a>
          ) : (
            item.title
          )}
        </h3>
        {item.body ? <p className="ln-card-body">{item.body}</p> : null}
      </div>
    </article>
  );
}
