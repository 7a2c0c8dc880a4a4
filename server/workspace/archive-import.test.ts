import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';
import yazl from 'yazl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { detectArchiveFormat, importArchive, type ArchiveImportOptions } from './archive-import';

const LIMITS = {
  maxFileBytes: 1024 * 1024,
  maxProjectBytes: 4 * 1024 * 1024,
  maxEntries: 1000,
  maxArchiveBytes: 8 << 20,
};

type ZipItem = { name: string; data?: Buffer | Readable; mode?: number; dir?: boolean; level?: number };

async function makeZip(items: ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const item of items) {
    if (item.dir) zip.addEmptyDirectory(item.name);
    else if (item.data instanceof Readable)
      zip.addReadStream(item.data, item.name, { compressionLevel: item.level ?? 1 });
    else zip.addBuffer(item.data ?? Buffer.alloc(0), item.name, item.mode ? { mode: item.mode } : {});
  }
  zip.end();
  const parts: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

// yazl refuses unsafe names, so evil archives are written with a same-length placeholder and patched.
function patchName(archive: Buffer, placeholder: string, evil: string): Buffer {
  expect(Buffer.byteLength(placeholder)).toBe(Buffer.byteLength(evil));
  const result = Buffer.from(archive);
  const needle = Buffer.from(placeholder);
  let at = result.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  while (at >= 0) {
    Buffer.from(evil).copy(result, at);
    at = result.indexOf(needle, at + 1);
  }
  return result;
}

type TarItem = HeaderData & { body?: Buffer };

function makeTar(items: TarItem[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { body, ...data } of items) {
    const header = Buffer.alloc(512);
    new Header({ mode: 0o644, mtime: new Date(0), size: body?.length ?? 0, ...data }).encode(header);
    blocks.push(header);
    if (body) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('importArchive', () => {
  let base: string;
  let root: string;
  let staging: string;
  const options = (extra: Partial<ArchiveImportOptions> = {}): ArchiveImportOptions => ({
    projectRoot: root,
    stagingRoot: staging,
    limits: LIMITS,
    ...extra,
  });
  const listing = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).sort();

  beforeEach(async () => {
    base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'slipway-import-')));
    root = path.join(base, 'project');
    staging = path.join(base, 'staging');
    await mkdir(root);
    await writeFile(path.join(root, 'existing.txt'), 'old');
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('detects formats by magic bytes, not names', async () => {
    expect(detectArchiveFormat(await makeZip([{ name: 'a.txt', data: Buffer.from('a') }]))).toBe('zip');
    expect(detectArchiveFormat(makeTar([{ path: 'a.txt', type: 'File', body: Buffer.from('a') }]))).toBe('tar');
    expect(detectArchiveFormat(gzipSync(Buffer.from('x')))).toBe('tar.gz');
    expect(detectArchiveFormat(Buffer.from('not an archive at all'))).toBeUndefined();
    expect((await failure(importArchive(Buffer.from('MZ\x90\x00 plain junk'), options()))).code).toBe('unsupported');
  });

  it('unpacks a zip into a subdirectory, keeping the executable bit', async () => {
    const zip = await makeZip([
      { name: 'src/', dir: true },
      { name: 'src/Main.java', data: Buffer.from('class Main {}') },
      { name: 'gradlew', data: Buffer.from('#!/bin/sh'), mode: 0o100755 },
    ]);
    const result = await importArchive(zip, options({ targetDir: 'imported' }));
    expect(result.format).toBe('zip');
    expect(result.written.sort()).toEqual(['imported/gradlew', 'imported/src', 'imported/src/Main.java']);
    expect(await readFile(path.join(root, 'imported', 'src', 'Main.java'), 'utf8')).toBe('class Main {}');
    expect((await stat(path.join(root, 'imported', 'gradlew'))).mode & 0o777).toBe(0o755);
    expect(await readdir(staging)).toEqual([]);
  });

  it('unpacks tar and tar.gz (also from a stream), stripping "./" and merging into existing dirs', async () => {
    const tar = makeTar([
      { path: './', type: 'Directory', mode: 0o755 },
      { path: './app/', type: 'Directory', mode: 0o755 },
      { path: './app/main.py', type: 'File', body: Buffer.from('print(1)') },
    ]);
    expect((await importArchive(tar, options())).written.sort()).toEqual(['app', 'app/main.py']);
    const second = gzipSync(makeTar([{ path: 'app/util.py', type: 'File', body: Buffer.from('x = 1') }]));
    const stream = Readable.from([second.subarray(0, 5), second.subarray(5)]);
    const result = await importArchive(stream, options());
    expect(result).toEqual({ format: 'tar.gz', written: ['app/util.py'], skipped: [] });
    expect(await listing(root)).toEqual(['app', 'app/main.py', 'app/util.py', 'existing.txt']);
  });

  it.each([
    ['../evil.txt', 'xx/evil.txt'],
    ['a/../../evil.txt', 'a/xx/xx/evil.txt'],
    ['/tmp/evil.txt', '_tmp/evil.txt'],
    ['C:/evil.txt', 'Cx/evil.txt'],
    ['a\\..\\..\\evil', 'a_xx_xx_evil'],
    ['.git/hooks/x\u0000', '.git/hooks/xx'],
    ['.git/../../evil', 'xxxx/xx/xx/evil'],
  ])('refuses the zip-slip entry %j and writes nothing', async (evil, placeholder) => {
    const zip = patchName(
      await makeZip([
        { name: 'good.txt', data: Buffer.from('fine') },
        { name: placeholder, data: Buffer.from('evil') },
      ]),
      placeholder,
      evil,
    );
    const error = await failure(importArchive(zip, options()));
    expect(error.code).toBe('invalid-input');
    expect(await listing(root)).toEqual(['existing.txt']);
    expect(await readdir(base)).toEqual(['project', 'staging']);
    expect(await readdir(staging)).toEqual([]);
  });

  it.each([['../evil.txt'], ['/tmp/slipway-evil.txt'], ['a/../../evil.txt']])(
    'refuses the tar entry %j',
    async (evil) => {
      const tar = makeTar([
        { path: 'good.txt', type: 'File', body: Buffer.from('fine') },
        { path: evil, type: 'File', body: Buffer.from('evil') },
      ]);
      expect((await failure(importArchive(gzipSync(tar), options()))).code).toBe('invalid-input');
      expect(await listing(root)).toEqual(['existing.txt']);
      await expect(lstat('/tmp/slipway-evil.txt')).rejects.toThrow();
    },
  );

  it('skips symlink entries in a zip, so a later entry cannot write through them', async () => {
    const zip = await makeZip([
      { name: 'link', data: Buffer.from(base), mode: 0o120777 },
      { name: 'link/escaped.txt', data: Buffer.from('evil') },
    ]);
    const result = await importArchive(zip, options());
    expect(result.skipped).toEqual([{ path: 'link', reason: 'symlink entries are not unpacked' }]);
    expect((await lstat(path.join(root, 'link'))).isDirectory()).toBe(true);
    expect(await readdir(base)).toEqual(['project', 'staging']);
  });

  it('skips symlink, hardlink, device and FIFO entries in a tar, and .git', async () => {
    const tar = makeTar([
      { path: 'etc', type: 'SymbolicLink', linkpath: '/etc' },
      { path: 'passwd', type: 'Link', linkpath: '/etc/passwd' },
      { path: 'null', type: 'CharacterDevice' },
      { path: 'pipe', type: 'FIFO' },
      { path: '.git/config', type: 'File', body: Buffer.from('[core]\n\thooksPath = /tmp') },
      { path: 'ok.txt', type: 'File', body: Buffer.from('ok') },
    ]);
    const result = await importArchive(tar, options());
    expect(result.written).toEqual(['ok.txt']);
    expect(result.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['etc', 'symlink entries are not unpacked'],
      ['passwd', 'hardlink entries are not unpacked'],
      ['null', 'device entries are not unpacked'],
      ['pipe', 'fifo entries are not unpacked'],
      ['.git/config', 'repository internals (.git) are not imported'],
    ]);
    expect(await listing(root)).toEqual(['existing.txt', 'ok.txt']);
  });

  it('stops a zip bomb by counting inflated bytes (200 MB of zeros, 1 MB budget)', async () => {
    const zeros = Buffer.alloc(1 << 20);
    const bomb = await makeZip([{ name: 'zeros.bin', data: Readable.from(Array.from({ length: 200 }, () => zeros)) }]);
    expect(bomb.length).toBeLessThan(2 << 20);
    const limits = { ...LIMITS, maxFileBytes: 1 << 30, maxProjectBytes: 1 << 20 };
    const started = performance.now();
    const error = await failure(importArchive(bomb, options({ limits })));
    expect(error.code).toBe('too-large');
    expect(error.data).toMatchObject({ limitName: 'maxTotalBytes' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await listing(root)).toEqual(['existing.txt']);
    expect(await readdir(staging)).toEqual([]);
  });

  it('does not trust a zip header that understates the size', async () => {
    const honest = await makeZip([{ name: 'big.bin', data: Buffer.alloc(100_000, 'a') }]);
    // Patch the uncompressed size (offset 22 in the local header, 24 in the central directory).
    const lying = Buffer.from(honest);
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(10, 22);
    lying.writeUInt32LE(10, central + 24);
    const error = await failure(importArchive(lying, options()));
    expect(['invalid-input', 'too-large']).toContain(error.code);
    expect(await listing(root)).toEqual(['existing.txt']);
  });

  it('stops a tar.gz bomb and a single oversized file', async () => {
    const header = Buffer.alloc(512);
    new Header({ path: 'zeros.bin', type: 'File', mode: 0o644, size: 200 << 20, mtime: new Date(0) }).encode(header);
    const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(200 << 20), Buffer.alloc(1024)]), { level: 1 });
    const total = await failure(
      importArchive(bomb, options({ limits: { ...LIMITS, maxFileBytes: 1 << 30, maxProjectBytes: 1 << 20 } })),
    );
    expect(total.code).toBe('too-large');
    const perFile = await failure(importArchive(bomb, options({ limits: { ...LIMITS, maxFileBytes: 1000 } })));
    expect(perFile.data).toMatchObject({ limit: 1000, limitName: 'maxFileBytes', entry: 'zeros.bin' });
    expect(await listing(root)).toEqual(['existing.txt']);
  });

  it('refuses a gzip inside a gzip, even when the first inflated chunk is shorter than a block', async () => {
    const inner = gzipSync(makeTar([{ path: 'noise.bin', type: 'File', body: randomBytes(64 << 10) }]));
    const outer = gzipSync(inner);
    const chunks = Array.from({ length: Math.ceil(outer.length / 600) }, (_, i) =>
      outer.subarray(i * 600, (i + 1) * 600),
    );
    const error = await failure(importArchive(Readable.from(chunks), options()));
    expect(error.code).toBe('unsupported');
    expect(await listing(root)).toEqual(['existing.txt']);
  });

  it('refuses archives with too many entries and oversized uploads', async () => {
    const many = await makeZip(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })));
    const entries = await failure(importArchive(many, options({ limits: { ...LIMITS, maxEntries: 10 } })));
    expect(entries.data).toMatchObject({ limitName: 'maxEntries' });
    const tar = makeTar(Array.from({ length: 50 }, (_, i) => ({ path: `f${i}.txt`, type: 'File' as const })));
    expect((await failure(importArchive(tar, options({ limits: { ...LIMITS, maxEntries: 10 } })))).code).toBe(
      'too-large',
    );
    const upload = await failure(importArchive(many, options({ limits: { ...LIMITS, maxArchiveBytes: 100 } })));
    expect(upload.data).toMatchObject({ limitName: 'maxArchiveBytes' });
  });

  it('is all-or-nothing on conflicts, and replaces files only with overwrite', async () => {
    const zip = await makeZip([
      { name: 'new.txt', data: Buffer.from('new') },
      { name: 'existing.txt', data: Buffer.from('replaced') },
    ]);
    const error = await failure(importArchive(zip, options()));
    expect(error.code).toBe('conflict');
    expect(error.data).toMatchObject({ paths: ['existing.txt'] });
    expect(await listing(root)).toEqual(['existing.txt']);
    await importArchive(zip, options({ overwrite: true }));
    expect(await readFile(path.join(root, 'existing.txt'), 'utf8')).toBe('replaced');
  });

  it('refuses duplicate entries and malformed archives', async () => {
    const dup = makeTar([
      { path: 'a.txt', type: 'File', body: Buffer.from('1') },
      { path: 'a.txt', type: 'File', body: Buffer.from('2') },
    ]);
    expect((await failure(importArchive(dup, options()))).data).toMatchObject({ reason: 'duplicate' });
    const zip = await makeZip([{ name: 'a.txt', data: Buffer.from('hello') }]);
    expect((await failure(importArchive(zip.subarray(0, zip.length - 30), options()))).code).toBe('invalid-input');
    const tar = makeTar([{ path: 'a.txt', type: 'File', body: Buffer.from('hello') }]);
    tar[148] = 0x39; // break the header checksum
    expect((await failure(importArchive(tar, options()))).code).toBe('invalid-input');
  });

  it('refuses a target directory that leads outside through a symlink', async () => {
    await symlink(base, path.join(root, 'up'));
    const zip = await makeZip([{ name: 'x.txt', data: Buffer.from('x') }]);
    expect((await failure(importArchive(zip, options({ targetDir: 'up' })))).code).toBe('forbidden');
    expect((await failure(importArchive(zip, options({ targetDir: '../x' })))).code).toBe('invalid-input');
  });
});
