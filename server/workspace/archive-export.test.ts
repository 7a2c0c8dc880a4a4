import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportArchive } from './archive-export';
import { importArchive } from './archive-import';

const run = promisify(execFile);

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

async function zipEntries(buffer: Buffer): Promise<Map<string, { mode: number; data: string }>> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const result = new Map<string, { mode: number; data: string }>();
  for await (const entry of zip.eachEntry()) {
    const data = entry.fileName.endsWith('/') ? '' : (await collect(await zip.openReadStreamPromise(entry))).toString();
    result.set(entry.fileName, { mode: entry.externalFileAttributes >>> 16, data });
  }
  return result;
}

async function tarEntries(
  buffer: Buffer,
): Promise<Map<string, { type: string; mode: number; data: string; linkpath?: string }>> {
  const result = new Map<string, { type: string; mode: number; data: string; linkpath?: string }>();
  const parser = new Parser({ strict: true });
  const pending: Promise<void>[] = [];
  parser.on('entry', (entry: ReadEntry) => {
    pending.push(
      collect(entry as AsyncIterable<Buffer>).then((data) => {
        result.set(entry.path, {
          type: entry.type,
          mode: entry.mode ?? 0,
          data: data.toString(),
          linkpath: entry.linkpath,
        });
      }),
    );
  });
  parser.end(gunzipSync(buffer));
  await new Promise((resolve) => parser.on('end', resolve));
  await Promise.all(pending);
  return result;
}

describe('exportArchive', () => {
  let base: string;
  let root: string;

  beforeEach(async () => {
    base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'slipway-export-')));
    root = path.join(base, 'project');
    await mkdir(path.join(root, 'src', 'empty'), { recursive: true });
    await mkdir(path.join(root, '.git'), { recursive: true });
    await writeFile(path.join(root, '.git', 'config'), '[core]');
    await writeFile(path.join(root, 'src', 'app.py'), 'print("hi")\n');
    await writeFile(path.join(root, 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(root, 'run.sh'), 0o755);
    const long = `${'deep-directory-name/'.repeat(8)}file-with-a-long-name-ü.txt`;
    await mkdir(path.join(root, path.dirname(long)), { recursive: true });
    await writeFile(path.join(root, long), 'long');
    await symlink('/etc/passwd', path.join(root, 'passwd-link'));
    await run('mkfifo', [path.join(root, 'pipe')]);
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('writes a zip without .git or FIFOs, with modes and symlinks as links (never their targets)', async () => {
    const entries = await zipEntries(await collect(exportArchive(root, 'zip')));
    const names = [...entries.keys()];
    expect(names.some((n) => n.startsWith('.git'))).toBe(false);
    expect(names).not.toContain('pipe');
    expect(entries.get('src/app.py')?.data).toBe('print("hi")\n');
    expect(entries.get('src/empty/')).toBeDefined();
    expect((entries.get('run.sh')?.mode ?? 0) & 0o777).toBe(0o755);
    expect(entries.get('passwd-link')).toEqual({ mode: 0o120777, data: '/etc/passwd' });
    expect(names.find((n) => n.endsWith('file-with-a-long-name-ü.txt'))).toBeDefined();
  });

  it('writes a tar.gz with the same content, long names through PAX headers', async () => {
    const entries = await tarEntries(await collect(exportArchive(root, 'tar.gz')));
    expect([...entries.keys()].some((n) => n.startsWith('.git'))).toBe(false);
    expect(entries.get('src/app.py')).toMatchObject({ type: 'File', data: 'print("hi")\n' });
    expect(entries.get('src/empty/')).toMatchObject({ type: 'Directory' });
    expect(entries.get('run.sh')?.mode).toBe(0o755);
    expect(entries.get('passwd-link')).toMatchObject({ type: 'SymbolicLink', linkpath: '/etc/passwd', data: '' });
    const long = `${'deep-directory-name/'.repeat(8)}file-with-a-long-name-ü.txt`;
    expect(entries.get(long)?.data).toBe('long');
  });

  it('round-trips through importArchive (links skipped)', async () => {
    for (const format of ['zip', 'tar.gz'] as const) {
      const target = path.join(base, `copy-${format}`);
      await mkdir(target);
      const archive = await collect(exportArchive(root, format));
      const result = await importArchive(archive, {
        projectRoot: target,
        stagingRoot: path.join(base, 'staging'),
        limits: { maxFileBytes: 1 << 20, maxProjectBytes: 1 << 22, maxEntries: 1000 },
      });
      expect(result.skipped).toEqual([{ path: 'passwd-link', reason: 'symlink entries are not unpacked' }]);
      expect(await readFile(path.join(target, 'src', 'app.py'), 'utf8')).toBe('print("hi")\n');
      expect((await readdir(path.join(target, 'src'))).sort()).toEqual(['app.py', 'empty']);
    }
  });

  it('fails the stream when the project is missing', async () => {
    await expect(collect(exportArchive(path.join(base, 'missing'), 'zip'))).rejects.toThrow();
  });
});
