'use client';

import type { GitCommitDto } from '@/server/protocol/git';
import { relativeTime } from '@/components/ui/relative-time';

/** The commit log: first line of the message, author, relative date and short hash. */
export function GitHistory({ commits }: { commits: GitCommitDto[] | null }) {
  if (commits === null) return <p className="hint side-view-pad">Loading history…</p>;
  if (commits.length === 0) return <p className="hint side-view-pad">No commits yet.</p>;
  return (
    <ul className="scm-history" aria-label="History">
      {commits.map((c) => {
        const subject = c.message.split('\n')[0] ?? '';
        return (
          <li
            key={c.hash}
            className="scm-commit"
            title={`${c.message}\n\n${c.authorName} <${c.authorEmail}>\n${c.date}\n${c.hash}`}
          >
            <div className="scm-commit-subject">{subject}</div>
            <div className="scm-commit-meta hint">
              <span>{c.authorName}</span>
              <span>·</span>
              <time dateTime={c.date}>{relativeTime(c.date)}</time>
              <span>·</span>
              <code>{c.shortHash}</code>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
