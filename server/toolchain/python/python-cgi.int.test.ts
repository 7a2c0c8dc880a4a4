import { readFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendantsOf, median, startApp, type RunningApp } from './python-test-kit';
import { PythonToolchain } from './python-toolchain';

// A one-second script limit keeps the timeout test short.
const toolchain = new PythonToolchain({ cgiTimeoutSeconds: 1 });

const scripts: Record<string, string> = {
  'env.py': `import json, os, sys
body = sys.stdin.buffer.read().decode()
print("Content-Type: application/json")
print()
print(json.dumps({"env": dict(os.environ), "body": body, "cwd": os.getcwd()}))
`,
  'status.py': 'print("Status: 201 Created\\nX-Thing: yes\\nContent-Type: text/plain\\n\\ncreated", end="")\n',
  'client_redirect.py': 'print("Location: https://example.com/elsewhere\\n")\n',
  'local_redirect.py': 'print("Location: /cgi-bin/env.py?from=redirect\\n")\n',
  'fail.py': `import sys
sys.stderr.write("secret detail from the script\\n")
print("Content-Type: text/plain\\n\\npartial")
sys.exit(3)
`,
  'no_headers.py': 'print("just some text")\n',
  'slow.py': 'import time\ntime.sleep(30)\n',
  'leaves_child.py': `import subprocess
subprocess.Popen(["/usr/bin/sleep", "30"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("Content-Type: text/plain\\n\\nstarted a child")
`,
};

let app: RunningApp;

beforeAll(async () => {
  app = await startApp(toolchain, 'python-cgi-scripts');
  const project = (relative: string): string => path.join(app.layout.projectDir, relative);
  for (const [name, source] of Object.entries(scripts)) await writeFile(project(`cgi-bin/${name}`), source);
  await writeFile(project('.secret'), 'hidden');
  await mkdir(project('docs'));
  await writeFile(project('docs/index.html'), '<h1>Docs</h1>');
  await writeFile(project('helper.py'), 'PASSWORD = "hunter2"\n');
  await symlink('/usr/share/common-licenses/Apache-2.0', project('outside.txt'));
  await symlink('cgi-bin', project('scripts'));
  const built = await app.build();
  expect(built).toEqual({ ok: true, diagnostics: [] });
  await toolchain.reload(app.instance, app.manifest);
});
afterAll(async () => {
  await app.stop();
  await toolchain.dispose();
});

describe('CGI scripts', () => {
  it('runs the template scripts: a GET with a query, a POST that writes to the data folder', async () => {
    const lookup = await app.get('/cgi-bin/lookup.py?q=valve');
    expect(lookup.status).toBe(200);
    expect(lookup.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(lookup.text).toContain('Ball valve 1/2 in, brass');
    const saved = await app.get('/cgi-bin/checklist.py', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'site=Plant+A&inspector=Ann&check=Fire+exits+clear&notes=',
    });
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('Inspection saved');
    expect(await readFile(path.join(app.layout.dataDir, 'inspections.jsonl'), 'utf8')).toContain('"site": "Plant A"');
    expect((await app.get('/cgi-bin/checklist.py')).text).toContain('<strong>Plant A</strong>');
  });

  it('passes the RFC 3875 meta-variables and the body on stdin', async () => {
    const answer = await app.get('/cgi-bin/env.py/extra/path?x=1&y=%20', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-custom': 'yes',
        'x-forwarded-for': '203.0.113.9, 10.1.2.3',
        authorization: 'Basic c2VjcmV0',
        proxy: 'http://attacker.test',
      },
      body: 'hello=world',
    });
    expect(answer.status).toBe(200);
    const { env, body, cwd } = JSON.parse(answer.text) as { env: Record<string, string>; body: string; cwd: string };
    expect(env).toMatchObject({
      GATEWAY_INTERFACE: 'CGI/1.1',
      REQUEST_METHOD: 'POST',
      QUERY_STRING: 'x=1&y=%20',
      CONTENT_LENGTH: '11',
      CONTENT_TYPE: 'application/x-www-form-urlencoded',
      SCRIPT_NAME: '/cgi-bin/env.py',
      PATH_INFO: '/extra/path',
      PATH_TRANSLATED: '/app/build/extra/path',
      SERVER_PROTOCOL: 'HTTP/1.1',
      SERVER_NAME: 'preview.test',
      SERVER_PORT: '80',
      REMOTE_ADDR: '10.1.2.3',
      HTTP_X_CUSTOM: 'yes',
      HTTP_HOST: 'preview.test',
      SLIPWAY_APP_DATA_DIR: '/app/data',
    });
    expect(env.SERVER_SOFTWARE).toMatch(/gunicorn/);
    expect(env).not.toHaveProperty('HTTP_AUTHORIZATION');
    expect(env).not.toHaveProperty('HTTP_PROXY');
    expect(body).toBe('hello=world');
    expect(cwd).toBe('/app/build/cgi-bin');
  });

  it('applies Status, extra header fields and Location (client and local redirects)', async () => {
    const created = await app.get('/cgi-bin/status.py');
    expect(created.status).toBe(201);
    expect(created.headers['x-thing']).toBe('yes');
    expect(created.text).toBe('created');
    const client = await app.get('/cgi-bin/client_redirect.py');
    expect(client.status).toBe(302);
    expect(client.headers.location).toBe('https://example.com/elsewhere');
    const local = await app.get('/cgi-bin/local_redirect.py', { method: 'POST', body: 'ignored' });
    expect(local.status).toBe(200);
    const { env } = JSON.parse(local.text) as { env: Record<string, string> };
    expect(env).toMatchObject({ REQUEST_METHOD: 'GET', QUERY_STRING: 'from=redirect', SCRIPT_NAME: '/cgi-bin/env.py' });
  });

  it('answers 502 for a failing script and logs its stderr, never showing it', async () => {
    const failed = await app.get('/cgi-bin/fail.py');
    expect(failed.status).toBe(502);
    expect(failed.text).not.toContain('secret detail');
    expect(failed.text).not.toContain('partial');
    const log = app.lines.join('\n');
    expect(log).toContain('cgi-bin/fail.py: secret detail from the script');
    expect(log).toMatch(/cgi-bin\/fail\.py: exited with status 3/);
    const malformed = await app.get('/cgi-bin/no_headers.py');
    expect(malformed.status).toBe(502);
    expect(app.lines.join('\n')).toMatch(/no_headers\.py: malformed/);
  });

  it('stops a script at its time limit (504) and ends what a script leaves running', async () => {
    const started = performance.now();
    const slow = await app.get('/cgi-bin/slow.py');
    expect(slow.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await app.get('/cgi-bin/leaves_child.py')).status).toBe(200);
    const commands = await Promise.all(
      (await descendantsOf(app.instance.pid)).map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
    );
    expect(commands.filter((command) => command.startsWith('/usr/bin/sleep'))).toEqual([]);
  });

  it('serves a saved script change after a reload', async () => {
    await writeFile(
      path.join(app.layout.projectDir, 'cgi-bin/status.py'),
      scripts['status.py']!.replace('created"', 'made"'),
    );
    expect((await app.build(['cgi-bin/status.py'])).ok).toBe(true);
    await toolchain.reload(app.instance, app.manifest);
    expect((await app.get('/cgi-bin/status.py')).text).toBe('made');
    const times: number[] = [];
    for (let round = 0; round < 10; round++) {
      const begun = performance.now();
      await app.get('/cgi-bin/lookup.py?q=fuse');
      times.push(performance.now() - begun);
    }
    console.log(`[python] CGI request (python3 per request) p50 ${median(times).toFixed(1)} ms`);
  });
});

describe('static files of a CGI app', () => {
  it('serves the index page and stylesheet with their types', async () => {
    const index = await app.get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.text).toContain('Field tools');
    expect((await app.get('/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await app.get('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const lastModified = String(index.headers['last-modified']);
    expect((await app.get('/', { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await app.get('/', { method: 'POST' })).status).toBe(405);
  });

  it('redirects a folder to its slash and serves its index.html, without listing folders', async () => {
    const folder = await app.get('/docs');
    expect(folder.status).toBe(301);
    expect(folder.headers.location).toBe('/docs/');
    expect((await app.get('/docs/')).text).toBe('<h1>Docs</h1>');
    expect((await app.get('/cgi-bin/')).status).toBe(404);
    expect((await app.get('/cgi-bin')).status).toBe(404);
  });

  it.each([
    '/slipway.json',
    '/README.md',
    '/readme.md',
    '/.secret',
    '/helper.py',
    '/outside.txt',
    '/scripts/lookup.py',
    '/../slipway.json',
    '/%2e%2e/slipway.json',
    '/docs/..%2f..%2fslipway.json',
    '/cgi-bin/../slipway.json',
    '/cgi-bin/..%2f..%2fslipway.json',
    '/cgi-bin/../../etc/hostname',
  ])('refuses %s', async (urlPath) => {
    const answer = await app.get(urlPath);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).not.toMatch(/"runtime"|hunter2|Apache License|hidden/);
  });
});
