'use client';

import type { AppDto, AppVersionDto } from '@/server/protocol/apps';
import { relativeTime } from '@/components/ui/relative-time';
import { versionAction } from './version-action';

/** An app's versions, newest first: state, health, where it came from, which one serves. */
export function AppVersionsTable({
  app,
  versions,
  busy,
  onActivate,
}: {
  app: AppDto;
  versions: readonly AppVersionDto[];
  /** A switch is under way: the buttons wait. */
  busy: boolean;
  onActivate: (version: AppVersionDto, action: 'rollback' | 'promote') => void;
}) {
  if (versions.length === 0) return <p className="hint">No versions yet.</p>;
  return (
    <table className="apps-table" aria-label={`Versions of ${app.slug}`}>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">State</th>
          <th scope="col">Health</th>
          <th scope="col">Source</th>
          <th scope="col">Published</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => {
          const action = versionAction(app, v);
          return (
            <tr key={v.id} aria-current={v.active ? 'true' : undefined}>
              <th scope="row">
                v{v.number} {v.active ? <span className="badge badge-active">active</span> : null}
              </th>
              <td className={`state-${v.state}`}>{v.state}</td>
              <td className={`health-${v.health}`}>{v.health}</td>
              <td>
                {v.source}
                {v.commit ? <code title={v.commit}> {v.commit.slice(0, 7)}</code> : null}
              </td>
              <td title={v.createdAt}>
                {relativeTime(v.createdAt)} by {v.createdByName ?? 'a former member'}
              </td>
              <td>
                {action ? (
                  <button
                    type="button"
                    className="btn btn-secondary"
                    disabled={busy}
                    onClick={() => onActivate(v, action)}
                  >
                    {action === 'rollback' ? `Roll back to v${v.number}` : `Promote v${v.number}`}
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
