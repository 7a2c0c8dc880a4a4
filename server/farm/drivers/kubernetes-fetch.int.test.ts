import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FETCH_SCRIPT } from './kubernetes-objects';
import { writeTar } from './runtime-image-tar';

/** The init container's download step, run for real with Debian's Python against a loopback server. */
describe('the kubernetes init container’s fetch script', () => {
  let server: Server;
  let base: string;
  let root: string;
  const archives: Record<string, Buffer> = {
    '/app.tar.gz': gzipSync(
      writeTar([
        { kind: 'directory', path: 'static', mode: 0o755 },
        { kind: 'file', path: 'app.py', mode: 0o644, content: 'app = None\n' },
        { kind: 'file', path: 'static/site.css', mode: 0o644, content: 'body {}\n' },
      ]),
    ),
    '/jar.tar.gz': gzipSync(writeTar([{ kind: 'file', path: '0-sdk.jar', mode: 0o644, content: 'jar' }])),
    '/escape.tar.gz': gzipSync(writeTar([{ kind: 'file', path: '../outside.txt', mode: 0o644, content: 'x' }])),
    '/link.tar.gz': gzipSync(writeTar([{ kind: 'symlink', path: 'passwd', target: '/etc/passwd' }])),
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'slipway-fetch-'));
    server = createServer((request, response) => {
      const body = archives[request.url ?? ''];
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    server.close();
    await rm(root, { recursive: true, force: true });
  });

  function fetchInto(...pairs: string[]): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      // An empty environment (the cast only satisfies Next's NODE_ENV augmentation).
      const env = {} as NodeJS.ProcessEnv;
      execFile('/usr/bin/python3', ['-I', '-c', FETCH_SCRIPT, ...pairs], { env }, (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
  }

  it('unpacks each archive into its own folder', async () => {
    const result = await fetchInto(
      path.join(root, '0'),
      `${base}/app.tar.gz`,
      path.join(root, '1'),
      `${base}/jar.tar.gz`,
    );
    expect(result).toEqual({ code: 0, stderr: '' });
    expect(await readFile(path.join(root, '0/app.py'), 'utf8')).toBe('app = None\n');
    expect(await readFile(path.join(root, '0/static/site.css'), 'utf8')).toBe('body {}\n');
    expect(await readdir(path.join(root, '1'))).toEqual(['0-sdk.jar']);
  });

  it('refuses entries that climb out of their folder, and links', async () => {
    const dest = path.join(root, 'evil', 'dest');
    await mkdir(dest, { recursive: true });
    const escape = await fetchInto(dest, `${base}/escape.tar.gz`);
    expect(escape.code).not.toBe(0);
    expect(escape.stderr).toMatch(/refusing '..\/outside.txt'/);
    expect(await readdir(path.join(root, 'evil'))).toEqual(['dest']);
    const link = await fetchInto(dest, `${base}/link.tar.gz`);
    expect(link.stderr).toMatch(/refusing 'passwd'/);
    expect(await readdir(dest)).toEqual([]);
  });

  it('fails when the platform does not serve the files', async () => {
    const result = await fetchInto(path.join(root, 'missing'), `${base}/nothing.tar.gz`);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/404/);
  });
});
