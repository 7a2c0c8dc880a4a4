import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFileTail } from './log-file-tail';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'slipway-log-tail-'));
  file = path.join(dir, 'stdout.log');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LogFileTail', () => {
  it('reports complete lines appended after it started, keeping a partial line for later', async () => {
    await writeFile(file, 'old line\n');
    const lines: string[] = [];
    const tail = await LogFileTail.follow(file, (line) => lines.push(line), { replay: false });
    await appendFile(file, 'one\ntw');
    await tail.flush();
    expect(lines).toEqual(['one']);
    await appendFile(file, 'o\n');
    await tail.flush();
    expect(lines).toEqual(['one', 'two']);
    tail.dispose();
  });

  it('replays the end of an existing file from a whole line', async () => {
    await writeFile(file, `${'x'.repeat(20_000)}\nrecent 1\nrecent 2\n`);
    const lines: string[] = [];
    const tail = await LogFileTail.follow(file, (line) => lines.push(line), { replay: true });
    await tail.flush();
    expect(lines).toEqual(['recent 1', 'recent 2']);
    tail.dispose();
  });

  it('empties the file beyond its bound and keeps following what is written next', async () => {
    const lines: string[] = [];
    const tail = await LogFileTail.follow(file, (line) => lines.push(line), { replay: false, maxBytes: 100 });
    await appendFile(file, `${'a'.repeat(150)}\n`);
    await tail.flush();
    expect((await stat(file)).size).toBe(0);
    await appendFile(file, 'after\n');
    await tail.flush();
    expect(lines).toEqual(['a'.repeat(150), 'after']);
    tail.dispose();
  });
});
