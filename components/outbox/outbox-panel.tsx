'use client';

import { useCallback, useEffect, useState } from 'react';
import type { MailStatus, OutboxMailDetailDto } from '@/server/protocol/messaging';
import { api, errorMessage } from '@/components/api/api-client';
import { IconButton } from '@/components/ui/icon-button';
import { PanelRefresh } from '@/components/ide/panel-refresh';
import { usePanelData } from '@/components/ide/use-panel-data';
import { relativeTime } from '@/components/ui/relative-time';
import './outbox.css';

const STATUS_LABEL: Record<MailStatus, string> = {
  outbox: 'In outbox',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
};

/**
 * The Outbox view of the bottom panel: the mail the project's previews (and its published app)
 * sent, newest first; a click shows a mail's text. Without an SMTP server the mail stays here.
 */
export default function OutboxPanel({
  projectId,
  visible,
  toolbar,
}: {
  projectId: string;
  /** Reloads the list each time the view is shown. */
  visible: boolean;
  /** Where the view's controls go (the panel header) while this view is shown; null otherwise. */
  toolbar: HTMLElement | null;
}) {
  const load = useCallback(() => api.outbox.list(projectId), [projectId]);
  const { data: page, setData: setPage, loading, error, refresh, run } = usePanelData(visible, load);
  const [selected, setSelected] = useState<string | null>(null);
  const mails = page?.mails ?? null;
  const nextCursor = page?.nextCursor ?? null;

  async function loadOlder(): Promise<void> {
    if (!nextCursor) return;
    await run(async () => {
      const older = await api.outbox.list(projectId, nextCursor);
      setPage((shown) => ({ mails: [...(shown?.mails ?? []), ...older.mails], nextCursor: older.nextCursor }));
    });
  }

  return (
    <section aria-label="Outbox" className="outbox">
      <PanelRefresh toolbar={toolbar} title="Refresh the outbox" disabled={loading} onRefresh={() => void refresh()} />
      <div className="outbox-list">
        {error ? (
          <p role="alert" className="outbox-error side-view-pad">
            {error}
          </p>
        ) : null}
        {mails === null ? (
          <p className="hint side-view-pad">Loading…</p>
        ) : mails.length === 0 ? (
          <p className="hint side-view-pad">
            No mail yet. Mail the app sends with the Messaging service appears here; without an SMTP server configured
            for this installation, this outbox is where it stays.
          </p>
        ) : (
          <ul className="outbox-mails">
            {mails.map((mail) => (
              <li key={mail.id}>
                <button
                  type="button"
                  className={`outbox-mail${mail.id === selected ? ' selected' : ''}`}
                  aria-current={mail.id === selected ? 'true' : undefined}
                  onClick={() => setSelected(mail.id === selected ? null : mail.id)}
                >
                  <span className="hint" title={new Date(mail.createdAt).toLocaleString()}>
                    {relativeTime(mail.createdAt)}
                  </span>
                  <span className="outbox-to" title={mail.to.join(', ')}>
                    {mail.to.join(', ')}
                  </span>
                  <span className="outbox-subject">{mail.subject || '(no subject)'}</span>
                  <span className="hint outbox-meta">
                    {mail.environment} · {mail.via}
                  </span>
                  <span className={`outbox-status outbox-status-${mail.status}`} title={mail.error ?? undefined}>
                    {STATUS_LABEL[mail.status]}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {nextCursor ? (
          <button type="button" className="btn outbox-more" disabled={loading} onClick={() => void loadOlder()}>
            Load older mail
          </button>
        ) : null}
      </div>
      {selected ? <MailDetail projectId={projectId} mailId={selected} onClose={() => setSelected(null)} /> : null}
    </section>
  );
}

/** One mail: its envelope, delivery and text (the HTML version as source, never rendered). */
function MailDetail({ projectId, mailId, onClose }: { projectId: string; mailId: string; onClose: () => void }) {
  const [mail, setMail] = useState<OutboxMailDetailDto | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setMail(null);
    setError(null);
    api.outbox.get(projectId, mailId).then(
      (loaded) => current && setMail(loaded),
      (e: unknown) => current && setError(errorMessage(e)),
    );
    return () => {
      current = false;
    };
  }, [projectId, mailId]);

  return (
    <article aria-label="Mail" className="outbox-detail">
      <div className="outbox-detail-head">
        <h3 className="outbox-detail-subject">{mail ? mail.subject || '(no subject)' : 'Mail'}</h3>
        <IconButton icon="close" label="Close mail" onClick={onClose} />
      </div>
      {error ? (
        <p role="alert" className="outbox-error">
          {error}
        </p>
      ) : null}
      {mail ? (
        <>
          <dl className="outbox-fields">
            <dt>From</dt>
            <dd>{mail.from}</dd>
            <dt>To</dt>
            <dd>{mail.to.join(', ')}</dd>
            {mail.replyTo ? (
              <>
                <dt>Reply-To</dt>
                <dd>{mail.replyTo}</dd>
              </>
            ) : null}
            <dt>Date</dt>
            <dd>{new Date(mail.createdAt).toLocaleString()}</dd>
            <dt>Status</dt>
            <dd>
              <span className={`outbox-status outbox-status-${mail.status}`}>{STATUS_LABEL[mail.status]}</span>{' '}
              <span className="hint">
                via {mail.via}, from the {mail.environment}
              </span>
              {mail.error ? <div className="outbox-error">{mail.error}</div> : null}
            </dd>
          </dl>
          <pre className="outbox-text">{mail.text}</pre>
          {mail.html !== null ? (
            <details className="outbox-html">
              <summary>HTML version (source)</summary>
              <pre className="outbox-text">{mail.html}</pre>
            </details>
          ) : null}
        </>
      ) : error ? null : (
        <p className="hint">Loading…</p>
      )}
    </article>
  );
}
