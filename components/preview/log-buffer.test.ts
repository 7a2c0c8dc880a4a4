import { describe, expect, it } from 'vitest';
import type { LogEntryDto } from '@/server/protocol/preview';
import { LogBuffer } from './log-buffer';

const entry = (seq: number, text = `line ${seq}`, stream: LogEntryDto['stream'] = 'stdout'): LogEntryDto => ({
  seq,
  time: '2026-11-22T10:00:00.000Z',
  stream,
  text,
});

describe('LogBuffer', () => {
  it('merges history and live entries in seq order without duplicates', () => {
    const buffer = new LogBuffer();
    expect(buffer.add([entry(5), entry(6)])).toBe(true);
    expect(buffer.add([entry(3), entry(4), entry(5)])).toBe(true);
    expect(buffer.add([entry(6)])).toBe(false);
    expect(buffer.all.map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(buffer.last).toBe(6);
  });

  it('keeps only the most recent entries', () => {
    const buffer = new LogBuffer(3);
    buffer.add([1, 2, 3, 4, 5].map((n) => entry(n)));
    expect(buffer.all.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it("replaces a local console line with the server's copy", () => {
    const buffer = new LogBuffer();
    buffer.add([entry(1)]);
    buffer.addLocal('console', 'TypeError: x is undefined');
    expect(buffer.all).toHaveLength(2);
    expect(buffer.all[1]?.local).toBe(true);
    buffer.add([entry(2, '[error] TypeError: x is undefined', 'console')]);
    expect(buffer.all.map((e) => [e.seq, e.local ?? false])).toEqual([
      [1, false],
      [2, false],
    ]);
  });

  it('returns a new array on every change (React compares snapshots by identity)', () => {
    const buffer = new LogBuffer();
    const before = buffer.all;
    buffer.add([entry(1)]);
    expect(buffer.all).not.toBe(before);
  });
});
