/**
 * Every folder under templates/ must be a working app: a valid slipway.json, code that compiles
 * cleanly, and pages that answer when run the way the platform runs them. Each template also has
 * a scenario below that uses it like a person would.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAppManifest, type AppManifest } from '../protocol/app-manifest';
import { TemplateCatalog } from './template-catalog';
import {
  compileJava,
  filesUnder,
  getFromGunicorn,
  python,
  run,
  startTomcat,
  startWsgiHarness,
  stopStartedProcesses,
  type AppRequest,
  type AppUnderTest,
} from './template-test-drivers';
import { cgiApp } from './template-test-cgi';

const templatesRoot = fileURLToPath(new URL('../../templates', import.meta.url));
const templateIds = readdirSync(templatesRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-templates-'));
});

afterAll(async () => {
  await stopStartedProcesses();
  await rm(scratch, { recursive: true, force: true });
});

type Scenario = (app: AppUnderTest) => Promise<void>;

it('finds the templates', () => {
  expect(templateIds).toEqual(expect.arrayContaining(['java-hello', 'java-purchase-requests', 'python-hello']));
});

describe.each(templateIds)('template %s', (id) => {
  const templateDir = join(templatesRoot, id);
  let manifest: AppManifest;
  try {
    manifest = parseAppManifest(readFileSync(join(templateDir, 'slipway.json'), 'utf8'));
  } catch (error) {
    // Without a manifest nothing else can run; report it as this template's failure.
    it('has a valid slipway.json', () => {
      throw error;
    });
    return;
  }
  let appDir: string;
  let dataDir: string;

  beforeAll(async () => {
    const workDir = join(scratch, id);
    appDir = join(workDir, 'app');
    dataDir = join(workDir, 'data');
    await mkdir(dataDir, { recursive: true });
    // Work on a copy made the way new projects are made, so the template folder stays clean.
    await new TemplateCatalog(templatesRoot).copyInto(id, appDir, manifest.name);
  });

  it('has a valid slipway.json named after its folder, and a README', async () => {
    expect(manifest.name).toBe(id);
    expect(await new TemplateCatalog(templatesRoot).get(id)).toMatchObject({
      id,
      runtime: manifest.runtime,
      kind: manifest.kind,
    });
    expect(existsSync(join(templateDir, 'README.md'))).toBe(true);
  });

  it('loads nothing from the internet', () => {
    for (const file of filesUnder(templateDir).filter((path) => /\.(html|css|py|java)$/.test(path))) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(templateDir, file)).not.toMatch(/(?:src|href|action)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(text, relative(templateDir, file)).not.toMatch(/url\(\s*["']?(?:https?:)?\/\/|@import/i);
    }
  });

  it('has a smoke scenario in this test', () => {
    expect(scenarios[id], `add a scenario for "${id}" to templates.int.test.ts`).toBeDefined();
  });

  if (manifest.kind === 'servlet') {
    it('compiles with javac --release 17 -Xlint:all -Werror', async () => {
      await compileJava(appDir, manifest);
    }, 60_000);

    it('serves its pages on embedded Tomcat', async () => {
      await runScenario(id, await startTomcat(appDir, dataDir, manifest, scratch));
    }, 90_000);
  } else {
    it('byte-compiles every Python file', async () => {
      const sources = filesUnder(appDir).filter((path) => path.endsWith('.py'));
      expect(sources.length).toBeGreaterThan(0);
      await run(python, ['-m', 'py_compile', ...sources], { env: { PYTHONPYCACHEPREFIX: join(scratch, 'pycache') } });
    });
  }

  if (manifest.kind === 'wsgi') {
    it('serves its pages through wsgiref.validate, in process', async () => {
      await runScenario(id, await startWsgiHarness(appDir, dataDir, manifest, scratch));
    }, 60_000);

    it('answers its main page under gunicorn on a Unix socket', async () => {
      const response = await getFromGunicorn(appDir, join(scratch, `${id}-gunicorn-data`), manifest, scratch);
      expect(response.status).toBe(200);
      expectMobilePage(response.text);
    }, 30_000);
  }

  if (manifest.kind === 'cgi') {
    it('has executable python3 scripts in cgi-bin/', () => {
      const scripts = filesUnder(join(appDir, 'cgi-bin')).filter((path) => path.endsWith('.py'));
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        expect(readFileSync(script, 'utf8').startsWith('#!/usr/bin/env python3\n'), script).toBe(true);
        expect(statSync(script).mode & 0o111, script).not.toBe(0);
      }
    });

    it('answers as CGI/1.1 scripts (RFC 3875)', async () => {
      await runScenario(id, cgiApp(appDir, dataDir, manifest));
    }, 60_000);
  }
});

async function runScenario(id: string, app: AppUnderTest): Promise<void> {
  const scenario = scenarios[id];
  try {
    if (!scenario) throw new Error(`no scenario for ${id}`);
    await scenario(app);
  } finally {
    await app.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// What each template must do. A new template needs an entry here (a test above checks).

const onePixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const scenarios: Record<string, Scenario> = {
  'java-hello': async (app) => {
    const home = await app.request('/');
    expect(home.status).toBe(200);
    expectMobilePage(home.text);
    expect(home.text).toContain('Hello, Servlet');

    const hello = await app.request('/hello?name=%3Cb%3EAda%3C%2Fb%3E');
    expect(hello.status).toBe(200);
    expect(hello.text).toContain('Hello, &lt;b&gt;Ada&lt;/b&gt;!');
    expect(hello.text).not.toContain('<b>Ada');

    const status = await app.request('/status'); // declared in web.xml, not by annotation
    expect(status.status).toBe(200);
    expect(status.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(status.text)).toMatchObject({ status: 'ok' });

    expect((await app.request('/css/app.css')).status).toBe(200);
  },

  'java-purchase-requests': async (app) => {
    // Here it runs without the platform services (app-hosting-approvals.int.test.ts runs it with
    // them): the start page opens and the form checks what it is given; whatever needs the
    // datastore answers with a friendly page instead of a stack trace, and task calls are refused.
    const empty = await app.request('/');
    expect(empty.status).toBe(200);
    expectMobilePage(empty.text);
    expect(empty.text).toContain('Nothing here yet');
    expect(empty.text).toContain('Requests are kept in the Slipway datastore');
    expect(empty.text).not.toContain('data-push-token');
    expect((await app.request('/css/app.css')).status).toBe(200);
    expect((await app.request('/js/live.js')).status).toBe(200);

    const invalid = await app.request('/requests/new', form({ title: '<script>alert(1)</script>', amount: 'abc' }));
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('Enter an amount like 125 or 125.50.');
    expect(invalid.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(invalid.text).not.toContain('<script>alert');

    for (const answer of [
      await app.request('/requests/new', form({ title: 'Laptop', amount: '1250.5' })),
      await app.request('/requests/1'),
      await app.request('/api/requests'),
    ]) {
      expect(answer.status).toBe(503);
      expect(answer.text).toContain('which it can only reach when it runs on Slipway');
      expect(answer.text).not.toMatch(/Exception|\tat /);
    }
    const unsigned = await app.request('/tasks/summary', { method: 'POST' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.text).not.toMatch(/Exception|\tat /);
  },

  'python-hello': async (app) => {
    const home = await app.request('/');
    expect(home.status).toBe(200);
    expectMobilePage(home.text);
    expect(home.text).toContain('Hello, world!');

    const named = await app.request('/?name=%3Ci%3EAda%3C%2Fi%3E');
    expect(named.text).toContain('Hello, &lt;i&gt;Ada&lt;/i&gt;!');

    const style = await app.request('/static/style.css');
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toMatch(/^text\/css/);
    expect((await app.request('/static/../app.py')).status).toBe(404);
    expect((await app.request('/missing')).status).toBe(404);
  },

  'python-expense-reports': async (app) => {
    // Here it runs without the platform services (app-hosting-expenses.int.test.ts runs it with
    // them): its pages open and its form checks what it is given, and whatever needs the
    // datastore answers with a friendly page instead of a traceback.
    const start = await app.request('/');
    expect(start.status).toBe(200);
    expectMobilePage(start.text);
    expect(start.text).toContain('<h1>Expenses</h1>');
    expect(start.text).toContain('which it can only reach when it runs on Slipway');
    expect((await app.request('/expenses/new')).text).toContain('enctype="multipart/form-data"');

    const fields = { spent_on: '2026-03-01', amount: '12.50', category: 'Meals', description: 'lunch' };
    const invalid = await app.request(
      '/expenses',
      multipart({ ...fields, amount: '-3', description: '<script>alert(1)</script> lunch' }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('Enter an amount like 12.50.');
    expect(invalid.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; lunch');
    expect(invalid.text).not.toContain('<script>alert');
    const huge = Buffer.concat([onePixelPng, Buffer.alloc(9 * 1024 * 1024)]);
    expect(
      (await app.request('/expenses', multipart(fields, { name: 'big.png', type: 'image/png', data: huge }))).status,
    ).toBe(413);

    for (const file of [undefined, { name: 'receipt.png', type: 'image/png', data: onePixelPng }]) {
      const unsaved = await app.request('/expenses', multipart(fields, file));
      expect(unsaved.status).toBe(503);
      expect(unsaved.text).toContain('<h1>Not running on Slipway</h1>');
      expect(unsaved.text).not.toContain('Traceback');
    }
    expect((await app.request('/expenses/1')).status).toBe(503);
    expect((await app.request('/expenses/1/receipt')).status).toBe(503);
    expect((await app.request('/expenses/1/delete', { method: 'POST' })).status).toBe(503);
    expect((await app.request('/expenses/1/delete')).status).toBe(405);
    expect((await app.request('/static/style.css')).status).toBe(200);
    expect((await app.request('/static/../app.py')).status).toBe(404);
    expect(await readdir(app.dataDir)).toEqual([]); // nothing is kept in the instance's data folder
  },

  'python-cgi-scripts': async (app) => {
    const home = await app.request('/');
    expect(home.status).toBe(200);
    expectMobilePage(home.text);
    expect(home.text).toContain('href="cgi-bin/checklist.py"');

    const blank = await app.request('/cgi-bin/checklist.py');
    expect(blank.status).toBe(200);
    expectMobilePage(blank.text);
    expect(blank.text).toContain('No inspections yet.');

    expect((await app.request('/cgi-bin/checklist.py', form({ site: '', inspector: '' }))).status).toBe(400);
    const checks = [
      'Fire exits clear',
      'Extinguishers inspected',
      'First-aid kit stocked',
      'Electrical panels closed',
      'Walkways free of hazards',
      'Protective equipment available',
    ];
    const saved = await app.request(
      '/cgi-bin/checklist.py',
      form({ site: '<b>Depot 7</b>', inspector: 'Kim', check: checks }),
    );
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('&lt;b&gt;Depot 7&lt;/b&gt;: All checks passed.');
    expect((await app.request('/cgi-bin/checklist.py')).text).toContain(
      '<strong>&lt;b&gt;Depot 7&lt;/b&gt;</strong> · Kim · 6/6',
    );

    const found = await app.request('/cgi-bin/lookup.py?q=valve');
    expect(found.status).toBe(200);
    expect(found.text).toContain('2 part(s) match “valve”.');
    const hostile = await app.request('/cgi-bin/lookup.py?q=%3Cscript%3E');
    expect(hostile.text).toContain('No parts match “&lt;script&gt;”.');
    expect((await app.request('/cgi-bin/lookup.py', { method: 'PUT' })).status).toBe(405);
  },
};

function expectMobilePage(html: string): void {
  expect(html).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
  expect(html).toMatch(/^<!doctype html>/i);
}

function form(fields: Record<string, string | string[]>): AppRequest {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of [value].flat()) body.append(name, item);
  }
  return { method: 'POST', body: body.toString(), contentType: 'application/x-www-form-urlencoded' };
}

function multipart(fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }): AppRequest {
  const boundary = '----SlipwayTestBoundary7MA4YWxkTrZu0gW';
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="receipt"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`;
    parts.push(Buffer.from(head), file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { method: 'POST', body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
