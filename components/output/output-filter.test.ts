import { describe, expect, it } from 'vitest';
import type { OutputEntry } from '@/components/preview/log-buffer';
import { outputRows } from './output-filter';

const entries: OutputEntry[] = [
  { seq: 1, time: '2026-11-22T10:00:00.000Z', stream: 'build', text: 'Compiling 3 files' },
  { seq: 2, time: '2026-11-22T10:00:01.000Z', stream: 'stderr', text: 'Traceback:\n  File "app.py"\n' },
  { seq: 3, time: '2026-11-22T10:00:02.000Z', stream: 'access', text: '\x1b[32mGET / 200\x1b[0m' },
];

describe('outputRows', () => {
  it('splits entries into lines and strips terminal escapes', () => {
    const rows = outputRows(entries, { streamFilter: 'all', text: '', clearedAfter: -1 });
    expect(rows.map((r) => r.text)).toEqual(['Compiling 3 files', 'Traceback:', '  File "app.py"', 'GET / 200']);
  });

  it('filters by stream group, text and what was cleared', () => {
    expect(outputRows(entries, { streamFilter: 'app', text: '', clearedAfter: -1 })).toHaveLength(2);
    expect(outputRows(entries, { streamFilter: 'all', text: 'APP.PY', clearedAfter: -1 }).map((r) => r.key)).toEqual([
      '2:1',
    ]);
    expect(outputRows(entries, { streamFilter: 'all', text: '', clearedAfter: 2 }).map((r) => r.key)).toEqual(['3:0']);
  });
});
