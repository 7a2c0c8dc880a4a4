'use client';

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatTime, type OutputRow } from './output-filter';

/** Row height in px; kept in step with `.log-row` in output.css. */
const ROW = 18;
const OVERSCAN = 20;

/**
 * A virtualised, fixed-row-height list of output lines: only the rows in view are in the DOM, so
 * 5,000 lines cost as much as 50. While following, it stays scrolled to the end; scrolling up
 * pauses following and scrolling back to the end resumes it (as VS Code's Output does).
 */
export function LogView({
  rows,
  showTime,
  showStream,
  follow,
  onFollowChange,
  emptyText,
}: {
  rows: readonly OutputRow[];
  showTime: boolean;
  showStream: boolean;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  /** Shown when there are no rows. */
  emptyText: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Before paint, so following never shows a frame scrolled off the end.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !follow) return;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [rows, follow, height]);

  function onScroll(): void {
    const el = ref.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < ROW;
    if (atEnd !== follow) onFollowChange(atEnd);
  }

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const visible = rows.slice(first, last);

  return (
    <div
      ref={ref}
      className="log-view"
      role="log"
      aria-live="off"
      aria-label="Output lines"
      tabIndex={0}
      onScroll={onScroll}
    >
      <div className="log-rows" style={{ height: rows.length * ROW }}>
        {visible.map((row, i) => (
          <div
            key={row.key}
            className={`log-row log-${row.entry.stream}${row.entry.local ? ' log-local' : ''}`}
            style={{ top: (first + i) * ROW }}
          >
            {showTime ? <span className="log-time">{formatTime(row.entry.time)}</span> : null}
            {showStream ? <span className="log-stream">{row.entry.stream}</span> : null}
            <span className="log-text">{row.text}</span>
          </div>
        ))}
      </div>
      {rows.length === 0 ? <p className="hint log-empty">{emptyText}</p> : null}
    </div>
  );
}
