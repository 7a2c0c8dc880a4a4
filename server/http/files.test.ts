import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { FileEntry } from '../protocol/files';
import { adminWithProject } from '../test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

let env: TestPlatform;
let admin: ApiTestClient;
let base: string;
let projectDir: string;

beforeAll(async () => {
  env = await startTestPlatform({
    configure: (config) => (config.limits = { ...config.limits, maxFileBytes: 64 * 1024 }),
  });
  const setup = await adminWithProject(env);
  admin = setup.admin;
  base = `/projects/${setup.project.id}`;
  projectDir = path.join(env.dataDir, 'projects', setup.project.id);
});
afterAll(() => env.close());

const q = (p: string) => encodeURIComponent(p);

async function multipart(
  files: { name: string; data: Buffer }[],
  extract = false,
): Promise<{ body: ArrayBuffer; type: string }> {
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([new Uint8Array(file.data)]), file.name);
  if (extract) form.append('extract', 'true');
  const request = new Request('http://x/', { method: 'POST', body: form });
  return { body: await request.arrayBuffer(), type: request.headers.get('content-type') ?? '' };
}

/** yazl refuses unsafe names, so write a same-length safe name and patch the bytes afterwards. */
function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) out.write(to, at, 'latin1');
  return out;
}

async function zipOf(entries: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('file API', () => {
  it('lists the tree, reads a file and saves it atomically to disk', async () => {
    const tree = await admin.json<FileEntry[]>('GET', `${base}/files`);
    expect(tree.map((e) => e.path)).toContain('app.py');
    expect(tree.some((e) => e.path.startsWith('.git'))).toBe(false);
    const original = await (await admin.get(`${base}/files/content?path=app.py`)).text();
    expect(original).toContain('def ');
    const saved = await admin.put(`${base}/files/content?path=app.py`, `${original}\n# edited\n`);
    expect(saved.status).toBe(200);
    expect(await readFile(path.join(projectDir, 'app.py'), 'utf8')).toContain('# edited');
  });

  it('saves with If-Match only while the file still has the content the editor loaded', async () => {
    const save = (text: string, ifMatch?: string) =>
      admin.request('PUT', `${base}/files/content?path=notes.txt`, {
        body: text,
        headers: { 'content-type': 'text/plain', ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
      });
    expect((await save('first')).status).toBe(200);
    const loaded = await admin.get(`${base}/files/content?path=notes.txt`);
    const tag = loaded.headers.get('etag') ?? '';
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

    // Asked whether it changed: 304 without a body while it has not.
    const unchanged = await admin.request('GET', `${base}/files/content?path=notes.txt`, {
      headers: { 'if-none-match': tag },
    });
    expect([unchanged.status, await unchanged.text(), unchanged.headers.get('etag')]).toEqual([304, '', tag]);

    const saved = await save('second', tag);
    expect(saved.status).toBe(200);
    const savedBody = (await saved.json()) as { etag: string };
    expect(savedBody.etag).toBe(saved.headers.get('etag'));
    expect(savedBody.etag).not.toBe(tag);

    // Changed outside the editor (a terminal): the stale tag is refused and the disk keeps the change.
    await writeFile(path.join(projectDir, 'notes.txt'), 'from the terminal');
    const stale = await save('third', savedBody.etag);
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const changed = await admin.request('GET', `${base}/files/content?path=notes.txt`, {
      headers: { 'if-none-match': savedBody.etag },
    });
    expect([changed.status, await changed.text()]).toEqual([200, 'from the terminal']);
    const problem = (await stale.json()) as { detail: string; etag: string };
    expect(problem.detail).toMatch(/"notes\.txt" changed since it was opened/);
    expect(problem.etag).toBe((await admin.get(`${base}/files/content?path=notes.txt`)).headers.get('etag'));
    expect(await readFile(path.join(projectDir, 'notes.txt'), 'utf8')).toBe('from the terminal');

    // The current tag (or "*") saves; without If-Match a save overwrites, as before.
    expect((await save('fourth', `"nope", ${problem.etag}`)).status).toBe(200);
    expect((await save('fifth', '*')).status).toBe(200);
    expect((await save('sixth')).status).toBe(200);
    expect(await readFile(path.join(projectDir, 'notes.txt'), 'utf8')).toBe('sixth');

    // Deleted since it was opened: even "*" does not bring it back unnoticed.
    expect((await admin.delete(`${base}/files?path=notes.txt`)).status).toBe(204);
    const deleted = await save('seventh', '*');
    expect(deleted.status).toBe(412);
    expect(((await deleted.json()) as { detail: string }).detail).toMatch(/was deleted since it was opened/);
  });

  it('creates files and folders, moves and deletes them', async () => {
    expect((await admin.post(`${base}/files`, { path: 'docs', type: 'directory' })).status).toBe(201);
    expect((await admin.post(`${base}/files`, { path: 'docs/a.md', type: 'file', content: '# A' })).status).toBe(201);
    expect((await admin.post(`${base}/files`, { path: 'docs/a.md', type: 'file' })).status).toBe(409);
    expect((await admin.post(`${base}/files/move`, { from: 'docs/a.md', to: 'b.md' })).status).toBe(200);
    expect(await readFile(path.join(projectDir, 'b.md'), 'utf8')).toBe('# A');
    expect((await admin.post(`${base}/files/move`, { from: 'docs', to: 'docs/inner' })).status).toBe(400);
    expect((await admin.delete(`${base}/files?path=b.md`)).status).toBe(204);
    expect((await admin.get(`${base}/files/content?path=b.md`)).status).toBe(404);
  });

  it('uploads files and unpacks a zip', async () => {
    const plain = await multipart([{ name: 'logo.txt', data: Buffer.from('logo') }]);
    const uploaded = await admin.request('POST', `${base}/files/upload?dir=static`, {
      body: plain.body,
      headers: { 'content-type': plain.type },
    });
    expect(uploaded.status).toBe(201);
    expect(await readFile(path.join(projectDir, 'static/logo.txt'), 'utf8')).toBe('logo');
    const zip = await multipart(
      [{ name: 'bundle.zip', data: await zipOf({ 'lib/x.py': 'x = 1\n', 'lib/y.py': 'y = 2\n' }) }],
      true,
    );
    const unpacked = await admin.request('POST', `${base}/files/upload`, {
      body: zip.body,
      headers: { 'content-type': zip.type },
    });
    expect(((await unpacked.json()) as { written: string[] }).written.sort()).toEqual(['lib/x.py', 'lib/y.py']);
  });

  it('downloads the project as zip and tar.gz', async () => {
    const zip = await admin.get(`${base}/archive?format=zip`);
    expect(zip.headers.get('content-disposition')).toMatch(/demo-app\.zip/);
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const tgz = Buffer.from(await (await admin.get(`${base}/archive?format=tar.gz`)).arrayBuffer());
    expect([tgz[0], tgz[1]]).toEqual([0x1f, 0x8b]);
    expect((await admin.get(`${base}/archive?format=rar`)).status).toBe(400);
  });
});

describe('file API under attack', () => {
  const traversals = ['../x', 'a/../../x', '/etc/passwd', '..', '.git/config', 'a\\..\\..\\x', 'x\0y'];

  it('refuses traversal on every file route with a problem document', async () => {
    for (const bad of traversals) {
      const responses = [
        await admin.get(`${base}/files/content?path=${q(bad)}`),
        await admin.put(`${base}/files/content?path=${q(bad)}`, 'x'),
        await admin.post(`${base}/files`, { path: bad, type: 'file', content: 'x' }),
        await admin.post(`${base}/files/move`, { from: 'app.py', to: bad }),
        await admin.post(`${base}/files/move`, { from: bad, to: 'stolen' }),
        await admin.delete(`${base}/files?path=${q(bad)}`),
      ];
      for (const response of responses) {
        expect([400, 403, 404], `${response.url} ${bad}`).toContain(response.status);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
      }
    }
    await expect(readFile('/x')).rejects.toThrow();
  });

  it('refuses symlinks that lead out of the project', async () => {
    await symlink('/etc', path.join(projectDir, 'etc-link'));
    await symlink('/etc/hostname', path.join(projectDir, 'host-link'));
    expect((await admin.get(`${base}/files/content?path=etc-link/hostname`)).status).toBe(403);
    expect((await admin.get(`${base}/files/content?path=host-link`)).status).toBe(403);
    expect((await admin.put(`${base}/files/content?path=etc-link/evil`, 'x')).status).toBe(403);
    expect((await admin.put(`${base}/files/content?path=host-link`, 'x')).status).toBe(403);
  });

  it('refuses zip-slip uploads and upload names with paths', async () => {
    const evil = renameInZip(await zipOf({ 'aa/aa/escaped.txt': 'x' }), 'aa/aa/escaped.txt', '../../escaped.txt');
    const slip = await multipart([{ name: 'evil.zip', data: evil }], true);
    const response = await admin.request('POST', `${base}/files/upload`, {
      body: slip.body,
      headers: { 'content-type': slip.type },
    });
    const result = response.ok ? ((await response.json()) as { written: string[] }) : { written: [] };
    expect(result.written).toEqual([]);
    await expect(readFile(path.join(env.dataDir, 'escaped.txt'))).rejects.toThrow();
    await expect(readFile(path.join(projectDir, '..', 'escaped.txt'))).rejects.toThrow();
    const named = await multipart([{ name: '../up.txt', data: Buffer.from('x') }]);
    const refused = await admin.request('POST', `${base}/files/upload`, {
      body: named.body,
      headers: { 'content-type': named.type },
    });
    expect(refused.status).toBe(400);
  });

  it('enforces size limits with the limit in the problem', async () => {
    const big = await admin.put(`${base}/files/content?path=big.bin`, 'x'.repeat(65 * 1024));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { detail: string }).detail).toMatch(/65536|limit/);
  });

  it('refuses special files', async () => {
    await mkdir(path.join(projectDir, 'special'), { recursive: true });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(projectDir, 'special/fifo')]);
    const response = await admin.get(`${base}/files/content?path=special/fifo`);
    expect([400, 415]).toContain(response.status);
    await writeFile(path.join(projectDir, 'special/ok.txt'), 'ok');
    expect(await (await admin.get(`${base}/files/content?path=special/ok.txt`)).text()).toBe('ok');
  });
});
