import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isExcluded, packFolder, preparePublishUpload } from './pack-folder';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'slipway-cli-pack-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(relative: string, content = 'x'): Promise<void> {
  await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
  await writeFile(path.join(dir, relative), content);
}

/** Reads a gzipped tar back with node-tar's parser: entry paths and file contents. */
async function listArchive(bytes: Uint8Array): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(entry.path, Buffer.concat(chunks).toString('utf8')));
    },
  });
  await pipeline(Readable.from([Buffer.from(bytes)]), parser);
  return files;
}

describe('packFolder', () => {
  it('packs the app with paths relative to the folder and leaves out VCS, caches and build output', async () => {
    await put('slipway.json', '{"name":"hello-py"}');
    await put('app.py', 'app = None');
    await put('static/style.css', 'body{}');
    await put('vendor/lib/mod.py', 'x = 1');
    await put('WEB-INF/classes/Hello.class', 'cafebabe');
    for (const skipped of [
      '.git/HEAD',
      'node_modules/a/index.js',
      '__pycache__/app.cpython-311.pyc',
      'vendor/lib/__pycache__/mod.pyc',
      'stray.pyc',
      'target/classes/A.class',
      'build/out.txt',
      '.config/slipway/config.json',
    ]) {
      await put(skipped);
    }
    await put('.config/other/settings', 'kept');

    const files = await listArchive(await packFolder(dir));
    const paths = [...files.keys()].filter((p) => !p.endsWith('/')).sort();
    expect(paths).toEqual([
      '.config/other/settings',
      'WEB-INF/classes/Hello.class',
      'app.py',
      'slipway.json',
      'static/style.css',
      'vendor/lib/mod.py',
    ]);
    expect(files.get('app.py')).toBe('app = None');
  });

  it('excludes by whole path segments only', () => {
    expect(isExcluded('src/build/x')).toBe(true);
    expect(isExcluded('src/builder.py')).toBe(false);
    expect(isExcluded('.config/slipway')).toBe(true);
    expect(isExcluded('docs/.config/slipway-notes')).toBe(false);
  });
});

describe('preparePublishUpload', () => {
  it('takes the name from slipway.json and sends a gzip tar', async () => {
    await put('slipway.json', '{"name":"hello-py"}');
    const upload = await preparePublishUpload(dir);
    expect(upload).toMatchObject({ contentType: 'application/gzip', suggestedName: 'hello-py' });
    expect([...upload.bytes.slice(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it('sends a WAR as is, named after the file', async () => {
    await put('orders.war', 'PK fake');
    const upload = await preparePublishUpload(path.join(dir, 'orders.war'));
    expect(upload).toMatchObject({ contentType: 'application/java-archive', suggestedName: 'orders' });
    expect(Buffer.from(upload.bytes).toString()).toBe('PK fake');
  });

  it('refuses a folder without slipway.json, a missing path and other files', async () => {
    await expect(preparePublishUpload(dir)).rejects.toThrow(/has no slipway.json/);
    await expect(preparePublishUpload(path.join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    await put('notes.txt');
    await expect(preparePublishUpload(path.join(dir, 'notes.txt'))).rejects.toThrow(/only folders, .war and .zip/);
  });
});
