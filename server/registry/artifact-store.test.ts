import { mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDomainError } from '../core/errors';
import { ArtifactStore } from './artifact-store';

const LIMITS = { maxFileBytes: 1 << 20, maxProjectBytes: 4 << 20, maxEntries: 1_000 };
let dir: string;
let store: ArtifactStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'slipway-artifacts-'));
  store = new ArtifactStore(path.join(dir, 'artifacts'), LIMITS);
  await store.recover();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function buildOutput(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

describe('ArtifactStore', () => {
  it('packs the same content to the same hash, whatever the files’ times', async () => {
    const first = await buildOutput('a', { 'app.py': 'app = 1\n', 'static/x.css': 'body{}' });
    const second = await buildOutput('b', { 'static/x.css': 'body{}', 'app.py': 'app = 1\n' });
    await utimes(path.join(second, 'app.py'), new Date(2020, 1, 1), new Date(2020, 1, 1));
    const a = await store.pack(first);
    const b = await store.pack(second);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    const changed = await store.pack(await buildOutput('c', { 'app.py': 'app = 2\n', 'static/x.css': 'body{}' }));
    expect(changed.hash).not.toBe(a.hash);
    expect(await store.list()).toHaveLength(2);
  });

  it('unpacks once into read-only files and leaves symlinks out', async () => {
    const output = await buildOutput('a', { 'app.py': 'app = 1\n', 'pkg/mod.py': 'x = 1\n' });
    await symlink('/etc/passwd', path.join(output, 'leak'));
    const lines: string[] = [];
    const { hash } = await store.pack(output, (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/left out symlink "leak"/);
    const unpacked = await store.unpacked(hash);
    expect(await store.unpacked(hash)).toBe(unpacked);
    expect(await readFile(path.join(unpacked, 'pkg/mod.py'), 'utf8')).toBe('x = 1\n');
    expect((await stat(path.join(unpacked, 'app.py'))).mode & 0o222).toBe(0);
    await expect(stat(path.join(unpacked, 'leak'))).rejects.toThrow(/ENOENT/);
  });

  it('concurrent unpacks of one hash share one folder', async () => {
    const { hash } = await store.pack(await buildOutput('a', { 'app.py': 'app = 1\n' }));
    const [one, two] = await Promise.all([store.unpacked(hash), store.unpacked(hash)]);
    expect(one).toBe(two);
  });

  it('refuses a damaged archive instead of serving it', async () => {
    const { hash } = await store.pack(await buildOutput('a', { 'app.py': 'app = 1\n' }));
    const file = path.join(dir, 'artifacts', 'sha256', `${hash}.tar.gz`);
    await rm(file);
    await writeFile(file, 'not the same bytes');
    const error: unknown = await store.unpacked(hash).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe('failed-dependency');
  });

  it('imports an archive only when its content matches the hash it claims', async () => {
    const source = new ArtifactStore(path.join(dir, 'other'), LIMITS);
    const { hash, bytes } = await source.pack(await buildOutput('a', { 'app.py': 'app = 1\n' }));
    const imported = await store.importStream(source.open(hash), hash, 1 << 20);
    expect(imported).toEqual({ hash, bytes });
    const wrong = 'f'.repeat(64);
    const error: unknown = await store.importStream(source.open(hash), wrong, 1 << 20).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe('invalid-input');
    expect(await store.has(wrong)).toBe(false);
    const tooBig: unknown = await store.importStream(source.open(hash), hash, 10).catch((e: unknown) => e);
    expect(isDomainError(tooBig) && tooBig.code).toBe('too-large');
  });

  it('refuses hashes that are not hex digests (they become file names)', async () => {
    expect(() => store.open('../../etc/passwd')).toThrow(/64 lowercase hex/);
    await expect(store.importStream(Readable.from([]), 'abc', 10)).rejects.toThrow(/64 lowercase hex/);
  });

  it('remove deletes the archive and its unpacked folder', async () => {
    const { hash } = await store.pack(await buildOutput('a', { 'app.py': 'app = 1\n' }));
    const unpacked = await store.unpacked(hash);
    await store.remove(hash);
    expect(await store.has(hash)).toBe(false);
    await expect(stat(unpacked)).rejects.toThrow(/ENOENT/);
  });
});
