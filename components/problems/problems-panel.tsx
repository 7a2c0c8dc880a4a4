'use client';

import { useMemo, useState } from 'react';
import type { DiagnosticDto } from '@/server/protocol/preview';
import { Icon } from '@/components/ui/icon';
import './problems.css';

interface FileGroup {
  file: string;
  items: DiagnosticDto[];
}

const SEVERITY_LABEL: Record<DiagnosticDto['severity'], string> = {
  error: 'Error',
  warning: 'Warning',
  info: 'Info',
};

function groupByFile(diagnostics: readonly DiagnosticDto[]): FileGroup[] {
  const groups = new Map<string, DiagnosticDto[]>();
  for (const d of diagnostics) {
    const items = groups.get(d.file);
    if (items) items.push(d);
    else groups.set(d.file, [d]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, items]) => ({ file, items: items.sort((a, b) => a.line - b.line || a.column - b.column) }));
}

/** The Problems view of the bottom panel: the last build's (and checkers') findings by file; a click opens the place. */
export default function ProblemsPanel({
  diagnostics,
  onOpen,
}: {
  diagnostics: readonly DiagnosticDto[];
  onOpen: (diagnostic: DiagnosticDto) => void;
}) {
  const groups = useMemo(() => groupByFile(diagnostics), [diagnostics]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());

  function toggle(file: string): void {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(file)) next.delete(file);
      else next.add(file);
      return next;
    });
  }

  return (
    <section aria-label="Problems" className="problems">
      {groups.length === 0 ? (
        <p className="hint side-view-pad">
          No problems have been detected. Errors and warnings of the last build appear here.
        </p>
      ) : (
        <ul className="problems-files">
          {groups.map((group) => {
            const slash = group.file.lastIndexOf('/');
            const open = !collapsed.has(group.file);
            return (
              <li key={group.file}>
                <button
                  type="button"
                  className="problems-file"
                  aria-expanded={open}
                  title={group.file}
                  onClick={() => toggle(group.file)}
                >
                  <span className={`chevron${open ? ' open' : ''}`} aria-hidden="true" />
                  <span className="problems-file-name">{group.file.slice(slash + 1)}</span>
                  <span className="hint problems-file-dir">{slash > 0 ? group.file.slice(0, slash) : ''}</span>
                  <span className="problems-count">{group.items.length}</span>
                </button>
                {open ? (
                  <ul className="problems-items">
                    {group.items.map((d, index) => (
                      <li key={`${d.line}:${d.column}:${index}`}>
                        <button
                          type="button"
                          className="problem"
                          title={`${group.file}:${d.line}:${d.column}`}
                          onClick={() => onOpen(d)}
                        >
                          <span className={`severity severity-${d.severity}`}>
                            <Icon name={d.severity} size={14} />
                            <span className="visually-hidden">{SEVERITY_LABEL[d.severity]}:</span>
                          </span>
                          <span className="problem-message">{d.message}</span>
                          <span className="hint">
                            {d.source}
                            {d.code ? `(${d.code})` : ''}
                          </span>
                          <span className="hint">
                            [Ln {d.line}, Col {d.column}]
                          </span>
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
