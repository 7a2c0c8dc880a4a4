import type { LogEntryDto } from '@/server/protocol/preview';
import type { OutputEntry } from '@/components/preview/log-buffer';

type Stream = LogEntryDto['stream'];

/** The stream filter's choices: one stream, or the app's stdout and stderr together. */
export const STREAM_FILTERS: { id: string; label: string; streams: readonly Stream[] | null }[] = [
  { id: 'all', label: 'All output', streams: null },
  { id: 'build', label: 'Build', streams: ['build'] },
  { id: 'app', label: 'App (stdout, stderr)', streams: ['stdout', 'stderr'] },
  { id: 'stderr', label: 'App errors (stderr)', streams: ['stderr'] },
  { id: 'access', label: 'Access log', streams: ['access'] },
  { id: 'console', label: 'Page console', streams: ['console'] },
  { id: 'platform', label: 'Platform', streams: ['platform'] },
];

/** One rendered line: an entry's text split at newlines, so every row has the same height. */
export interface OutputRow {
  key: string;
  entry: OutputEntry;
  text: string;
}

export interface OutputFilter {
  streamFilter: string;
  text: string;
  /** Entries up to this `seq` were cleared from the view. */
  clearedAfter: number;
}

// Colour and cursor escapes from tools that think they write to a terminal.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** The rows to show for the entries and the filter (cheap enough to recompute on each change at 5,000 entries). */
export function outputRows(entries: readonly OutputEntry[], filter: OutputFilter): OutputRow[] {
  const streams = STREAM_FILTERS.find((f) => f.id === filter.streamFilter)?.streams ?? null;
  const needle = filter.text.trim().toLowerCase();
  const rows: OutputRow[] = [];
  for (const entry of entries) {
    if (entry.seq <= filter.clearedAfter) continue;
    if (streams && !streams.includes(entry.stream)) continue;
    const lines = entry.text
      .replace(ANSI, '')
      .replace(/\r?\n$/, '')
      .split(/\r?\n/);
    lines.forEach((text, index) => {
      if (needle && !text.toLowerCase().includes(needle)) return;
      rows.push({ key: `${entry.seq}:${index}`, entry, text });
    });
  }
  return rows;
}

/** `HH:MM:SS.mmm` in local time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
