'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { GitCommitDto, GitFileStatusDto, GitStatusDto } from '@/server/protocol/git';
import { api, errorMessage } from '@/components/api/api-client';
import { useChoice } from '@/components/ui/choice-dialog';
import { Icon } from '@/components/ui/icon';
import { useToast } from '@/components/ui/toast';
import { GitHistory } from './git-history';

interface Badge {
  letter: string;
  label: string;
}

/** Maps porcelain status columns to the single letter VS Code shows. */
export function statusBadge(file: GitFileStatusDto): Badge {
  const codes = `${file.index}${file.workingTree}`;
  if (codes.includes('?')) return { letter: 'U', label: 'Untracked' };
  if (codes.includes('U')) return { letter: '!', label: 'Conflict' };
  if (codes.includes('A')) return { letter: 'A', label: 'Added' };
  if (codes.includes('D')) return { letter: 'D', label: 'Deleted' };
  if (codes.includes('R')) return { letter: 'R', label: 'Renamed' };
  return { letter: 'M', label: 'Modified' };
}

/** Source Control side bar view: changes with badges, commit box, revert, and history. */
export function SourceControlView({
  projectId,
  status,
  refreshKey,
  onRefresh,
  onOpenDiff,
  onReverted,
}: {
  projectId: string;
  /** Fetched by the IDE (the status bar shows it too). */
  status: GitStatusDto | null;
  /** Changes whenever files may have changed (saves, explorer operations, commits). */
  refreshKey: number;
  /** Asks the IDE to refetch status; `refreshKey` changes as a result. */
  onRefresh: () => void;
  onOpenDiff: (path: string) => void;
  onReverted: (path: string) => void;
}) {
  const toast = useToast();
  const ask = useChoice();
  const [commits, setCommits] = useState<GitCommitDto[] | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loadLog = useCallback(async () => {
    try {
      setCommits(await api.git.log(projectId, 50));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [projectId]);

  useEffect(() => {
    void loadLog();
  }, [loadLog, refreshKey]);

  async function commit(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    setError(null);
    if (!message.trim()) {
      setError('Enter a commit message first.');
      return;
    }
    setBusy(true);
    try {
      const result = await api.git.commit(projectId, { message });
      setMessage('');
      toast.info(`Committed ${result.hash.slice(0, 7)}`);
      onRefresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function revert(file: GitFileStatusDto): Promise<void> {
    const untracked = statusBadge(file).letter === 'U';
    const answer = await ask({
      title: `Discard changes to ${file.path}?`,
      message: untracked
        ? 'This file is not in git yet; discarding deletes it. This cannot be undone.'
        : 'The file goes back to its last committed version. This cannot be undone.',
      options: [{ value: 'revert', label: untracked ? 'Delete file' : 'Discard changes', danger: true }],
    });
    if (answer !== 'revert') return;
    try {
      await api.git.revert(projectId, file.path);
      onReverted(file.path);
      onRefresh();
    } catch (e) {
      toast.error(e, `Could not revert ${file.path}`);
    }
  }

  const files = status?.files ?? [];
  return (
    <section className="side-view" aria-label="Source Control">
      <header className="side-view-header">
        <h2 className="side-view-title">Source Control{status ? ` · ${status.branch}` : ''}</h2>
        <div className="side-view-actions" role="toolbar" aria-label="Source control actions">
          <button
            type="button"
            className="icon-btn"
            aria-label="Refresh source control"
            title="Refresh"
            onClick={onRefresh}
          >
            <Icon name="refresh" />
          </button>
        </div>
      </header>
      <form className="scm-commit-box" onSubmit={commit}>
        <label htmlFor="scm-message" className="visually-hidden">
          Commit message
        </label>
        <textarea
          id="scm-message"
          className="input"
          rows={3}
          placeholder="Message (Ctrl+Enter to commit all changes)"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void commit(e);
          }}
        />
        <button type="submit" className="btn scm-commit-button" disabled={busy} title="Stage all changes and commit">
          Commit
        </button>
        {error ? (
          <div className="alert" role="alert">
            {error}
          </div>
        ) : null}
      </form>
      <h3 className="scm-heading">
        Changes <span className="badge">{files.length}</span>
      </h3>
      {status && files.length === 0 ? <p className="hint side-view-pad">No changes.</p> : null}
      <ul className="scm-changes" aria-label="Changes">
        {files.map((file) => {
          const badge = statusBadge(file);
          const slash = file.path.lastIndexOf('/');
          return (
            <li key={file.path} className="scm-change">
              <button
                type="button"
                className="scm-change-open"
                aria-label={`${file.path} (${badge.label})`}
                onClick={() => onOpenDiff(file.path)}
                title={`${file.path} — ${badge.label}`}
              >
                <span className="scm-change-name">{file.path.slice(slash + 1)}</span>
                <span className="scm-change-dir hint">{slash > 0 ? file.path.slice(0, slash) : ''}</span>
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label={`Discard changes to ${file.path}`}
                title="Discard Changes"
                onClick={() => void revert(file)}
              >
                <Icon name="discard" />
              </button>
              <span className={`scm-badge scm-badge-${badge.letter === '!' ? 'C' : badge.letter}`} title={badge.label}>
                <span aria-hidden="true">{badge.letter}</span>
                <span className="visually-hidden">{badge.label}</span>
              </span>
            </li>
          );
        })}
      </ul>
      <h3 className="scm-heading">History</h3>
      <GitHistory commits={commits} />
    </section>
  );
}
