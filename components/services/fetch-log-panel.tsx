'use client';

import { useCallback, useEffect, useState } from 'react';
import type { UrlFetchLogEntryDto } from '@/server/protocol/platform-services';
import { api, errorMessage } from '@/components/api/api-client';
import { formatSize } from '@/components/files/file-tree-model';
import { relativeTime } from '@/components/ui/relative-time';

const PAGE_SIZE = 50;

type OutcomeFilter = UrlFetchLogEntryDto['outcome'] | 'all';

/** The URL fetch audit log of the organisation's apps: newest first, filtered, paged on demand. */
export function FetchLogPanel({ tenantId, refreshKey }: { tenantId: string; refreshKey: number }) {
  const [outcome, setOutcome] = useState<OutcomeFilter>('all');
  const [entries, setEntries] = useState<UrlFetchLogEntryDto[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (before?: string) => {
      try {
        const page = await api.services.fetchLog(tenantId, {
          limit: PAGE_SIZE,
          ...(before ? { before } : {}),
          ...(outcome === 'all' ? {} : { outcome }),
        });
        setEntries((shown) => (before ? [...(shown ?? []), ...page] : page));
        setMore(page.length === PAGE_SIZE);
        setError(null);
      } catch (e) {
        setError(errorMessage(e));
      }
    },
    [tenantId, outcome],
  );

  useEffect(() => {
    setEntries(null);
    void load();
  }, [load, refreshKey]);

  return (
    <section className="services-card" aria-labelledby="fetch-log-heading">
      <div className="dash-section-head">
        <h2 id="fetch-log-heading">URL fetch log</h2>
        <div className="field services-filter">
          <label htmlFor="fetch-log-outcome">Show</label>
          <select
            id="fetch-log-outcome"
            value={outcome}
            onChange={(event) => setOutcome(event.target.value as OutcomeFilter)}
          >
            <option value="all">All attempts</option>
            <option value="refused">Refused</option>
            <option value="failed">Failed</option>
            <option value="ok">Allowed</option>
          </select>
        </div>
      </div>
      <p className="hint">Every request an app made to another site, whether it was allowed, refused or failed.</p>
      {error ? (
        <div className="alert" role="alert">
          {error}
        </div>
      ) : null}
      {entries === null && !error ? <p className="hint">Loading…</p> : null}
      {entries?.length === 0 ? <p className="hint">No requests yet.</p> : null}
      {entries?.length ? <FetchLogTable entries={entries} /> : null}
      {more ? (
        <button type="button" className="btn btn-secondary" onClick={() => void load(entries?.at(-1)?.id)}>
          Show older
        </button>
      ) : null}
    </section>
  );
}

function FetchLogTable({ entries }: { entries: readonly UrlFetchLogEntryDto[] }) {
  return (
    <table className="apps-table fetch-log-table" aria-label="URL fetch log">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">App</th>
          <th scope="col">User</th>
          <th scope="col">Request</th>
          <th scope="col">Outcome</th>
          <th scope="col">Size</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id}>
            <td title={entry.at}>{relativeTime(entry.at)}</td>
            <td>
              {entry.appName ?? <code title="An app or project that no longer exists">{entry.appId}</code>}
              {entry.environment === 'preview' ? <span className="badge">preview</span> : null}
            </td>
            <td>{entry.userName ?? (entry.userId ? 'a former member' : '—')}</td>
            <td className="fetch-log-url">
              <code>{entry.method}</code> {entry.url}
              {entry.finalUrl && entry.finalUrl !== entry.url ? <div className="hint">→ {entry.finalUrl}</div> : null}
            </td>
            <td className={`fetch-outcome-${entry.outcome}`}>
              {entry.outcome === 'ok' ? `allowed${entry.status ? ` · ${entry.status}` : ''}` : entry.outcome}
              {entry.reason ? <div className="hint">{entry.reason}</div> : null}
            </td>
            <td>{formatSize(entry.bytesIn)}</td>
            <td>{entry.ms} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
