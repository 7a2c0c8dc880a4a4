'use client';

import { useDeferredValue, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import type { PreviewSession } from '@/components/preview/preview-session';
import { usePreviewLogs } from '@/components/preview/use-preview';
import { IconButton } from '@/components/ui/icon-button';
import { LogView } from './log-view';
import { outputRows, STREAM_FILTERS } from './output-filter';
import './output.css';

/** The Output view of the bottom panel: build output, the app's stdout/stderr, access log and page console. */
export default function OutputPanel({
  session,
  toolbar,
}: {
  session: PreviewSession | null;
  /** Where the view's controls go (the panel header) while this view is shown; null otherwise. */
  toolbar: HTMLElement | null;
}) {
  const entries = usePreviewLogs(session);
  const [streamFilter, setStreamFilter] = useState('all');
  const [text, setText] = useState('');
  const [showTime, setShowTime] = useState(false);
  const [follow, setFollow] = useState(true);
  const [clearedAfter, setClearedAfter] = useState(-1);
  // Typing in the filter stays responsive while thousands of lines are re-filtered.
  const deferredText = useDeferredValue(text);
  const rows = useMemo(
    () => outputRows(entries, { streamFilter, text: deferredText, clearedAfter }),
    [entries, streamFilter, deferredText, clearedAfter],
  );

  const controls = (
    <div className="output-toolbar">
      <select
        className="input output-select"
        aria-label="Output stream"
        value={streamFilter}
        onChange={(e) => setStreamFilter(e.target.value)}
      >
        {STREAM_FILTERS.map((f) => (
          <option key={f.id} value={f.id}>
            {f.label}
          </option>
        ))}
      </select>
      <input
        type="search"
        className="input output-filter"
        placeholder="Filter"
        aria-label="Filter output"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <IconButton
        icon="clock"
        label="Timestamps"
        title="Show timestamps"
        pressed={showTime}
        onClick={() => setShowTime((v) => !v)}
      />
      <IconButton
        icon="follow"
        label="Follow output"
        title={follow ? 'Following new output (scroll up to pause)' : 'Paused: follow new output'}
        pressed={follow}
        onClick={() => setFollow((v) => !v)}
      />
      <IconButton
        icon="clear"
        label="Clear"
        title="Clear the view (the server keeps the log)"
        onClick={() => setClearedAfter(entries.at(-1)?.seq ?? clearedAfter)}
      />
    </div>
  );

  return (
    <section aria-label="Output" className="output">
      {toolbar ? createPortal(controls, toolbar) : null}
      <LogView
        rows={rows}
        showTime={showTime}
        showStream={streamFilter === 'all'}
        follow={follow}
        onFollowChange={setFollow}
        emptyText={
          entries.length === 0
            ? 'No output yet. Run the app to see its build output and logs here.'
            : 'No lines to show (cleared, or filtered out).'
        }
      />
    </section>
  );
}
