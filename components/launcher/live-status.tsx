import type { PushStatus } from './use-push';

const LABEL: Record<Exclude<PushStatus, 'off'>, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Whether notifications arrive right now; nothing when the organisation has no push. */
export function LiveStatus({ status }: { status: PushStatus }) {
  if (status === 'off') return null;
  return (
    <span className={`ln-live ln-live-${status}`} role="status" title="Notifications arrive while this is live">
      <span className="ln-live-dot" aria-hidden="true" />
      {LABEL[status]}
    </span>
  );
}
