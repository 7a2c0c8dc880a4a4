'use client';

import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { rankPaths, type FuzzyMatch } from './fuzzy';

function Highlighted({ text, positions, offset }: { text: string; positions: ReadonlySet<number>; offset: number }) {
  return (
    <>
      {Array.from(text, (ch, i) =>
        positions.has(i + offset) ? (
          <mark key={i} className="qo-hit">
            {ch}
          </mark>
        ) : (
          ch
        ),
      )}
    </>
  );
}

function Row({ match }: { match: FuzzyMatch }) {
  const slash = match.path.lastIndexOf('/');
  const hits = new Set(match.positions);
  return (
    <>
      <span className="qo-name">
        <Highlighted text={match.path.slice(slash + 1)} positions={hits} offset={slash + 1} />
      </span>
      {slash > 0 ? (
        <span className="qo-dir hint">
          <Highlighted text={match.path.slice(0, slash)} positions={hits} offset={0} />
        </span>
      ) : null}
    </>
  );
}

/** Ctrl/Cmd+P "Go to File": a combobox over every file path with fuzzy matching. */
export function QuickOpen({
  paths,
  recent,
  onOpen,
  onClose,
}: {
  paths: string[];
  recent: string[];
  onOpen: (path: string) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  // With no query, recently opened files come first (like VS Code).
  const ordered = useMemo(() => {
    const recentSet = new Set(recent);
    const existing = new Set(paths);
    return [...recent.filter((p) => existing.has(p)), ...paths.filter((p) => !recentSet.has(p))];
  }, [paths, recent]);
  const matches = useMemo(() => rankPaths(query, ordered, 100), [query, ordered]);

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => setSelected(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>): void {
    if (e.key === 'ArrowDown') setSelected((i) => Math.min(matches.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setSelected((i) => Math.max(0, i - 1));
    else if (e.key === 'PageDown') setSelected((i) => Math.min(matches.length - 1, i + 10));
    else if (e.key === 'PageUp') setSelected((i) => Math.max(0, i - 10));
    else if (e.key === 'Enter') {
      const match = matches[selected];
      if (match) onOpen(match.path);
    } else if (e.key === 'Escape') onClose();
    else return;
    e.preventDefault();
  }

  const optionId = (i: number): string => `qo-option-${i}`;
  return (
    <div className="qo-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div role="dialog" aria-modal="true" aria-label="Go to file" className="qo">
        <input
          ref={inputRef}
          className="input qo-input"
          role="combobox"
          aria-label="Search files by name"
          aria-expanded="true"
          aria-controls="qo-list"
          aria-autocomplete="list"
          aria-activedescendant={matches[selected] ? optionId(selected) : undefined}
          placeholder="Search files by name"
          value={query}
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={(e) => {
            if (!e.currentTarget.closest('.qo')?.contains(e.relatedTarget)) onClose();
          }}
        />
        <ul id="qo-list" ref={listRef} role="listbox" aria-label="Files" className="qo-list">
          {matches.map((match, i) => (
            <li
              key={match.path}
              id={optionId(i)}
              role="option"
              aria-selected={i === selected}
              aria-label={match.path}
              className={`qo-option${i === selected ? ' selected' : ''}`}
              onPointerDown={(e) => e.preventDefault()}
              onClick={() => onOpen(match.path)}
              onMouseMove={() => setSelected(i)}
            >
              <Row match={match} />
            </li>
          ))}
          {matches.length === 0 ? <li className="qo-empty hint">No matching files</li> : null}
        </ul>
      </div>
    </div>
  );
}
