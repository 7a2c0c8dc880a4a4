import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDto, AppVersionDto, PublishEvent, PublishOperationDto } from '../../server/protocol/apps';
import type { CliContext } from './cli-context';
import { configPath, readConfig } from './config-store';
import { runCli } from './run-cli';

const TENANT = { tenantId: 't-1', tenantSlug: 'acme', tenantName: 'Acme', roles: ['developer'] };
const SESSION = {
  user: { id: 'u-1', email: 'dev@acme.test', name: 'Dev', isOperator: false },
  memberships: [TENANT],
  csrfToken: 'csrf-1',
};
const APP: AppDto = {
  id: 'a-1',
  tenantId: 't-1',
  slug: 'hello-py',
  title: 'Hello',
  runtime: 'python',
  projectId: null,
  url: 'http://hello-py.acme.apps.localhost:8080',
  activeVersion: 3,
  createdAt: '2026-11-22T10:00:00Z',
};
const VERSION = { id: 'v-3', appId: 'a-1', number: 3, artifactHash: 'abc' } as AppVersionDto;
const OPERATION = { id: 'op-1' } as PublishOperationDto;

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/** A fake server: answers by "METHOD /path" and records every request. */
function fakeServer(routes: Record<string, () => Response>): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const method = init?.method ?? 'GET';
    const body = init?.body instanceof Blob ? new Uint8Array(await init.body.arrayBuffer()) : init?.body;
    seen.push({ method, url: url.href, headers: new Headers(init?.headers), body });
    const route = routes[`${method} ${url.pathname}`];
    if (!route) return problem(404, `No route ${method} ${url.pathname}`);
    return route();
  };
  return { fetch: fake, seen };
}

function json(value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json', ...headers } });
}
function ndjson(events: PublishEvent[]): Response {
  return new Response(events.map((e) => `${JSON.stringify(e)}\n`).join(''), {
    headers: { 'content-type': 'application/x-ndjson' },
  });
}
function problem(status: number, detail: string): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Refused', status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

let home: string;
let appDir: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'slipway-cli-run-'));
  appDir = path.join(home, 'hello');
  await mkdir(appDir);
  await writeFile(path.join(appDir, 'slipway.json'), '{"name":"hello-py","runtime":"python"}');
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function run(argv: string[], fetchImpl: typeof fetch, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env: { HOME: home, SLIPWAY_URL: 'http://slipway.test', SLIPWAY_TOKEN: 'tok', ...env },
    cwd: appDir,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    fetch: fetchImpl,
  };
  return { code: await runCli(argv, ctx), out, err };
}

const started = (stage: 'build'): PublishEvent => ({ type: 'stage', stage, state: 'started' });
const done: PublishEvent = { type: 'done', operation: OPERATION, app: APP, version: VERSION };

/** A platform that knows the session and answers a publish with `events`. */
function publishServer(events: PublishEvent[]): ReturnType<typeof fakeServer> {
  return fakeServer({
    'GET /api/v1/session': () => json(SESSION),
    'POST /api/v1/tenants/t-1/apps/publish': () => ndjson(events),
  });
}

describe('slipway publish', () => {
  it('uploads the folder as gzip to the tenant and prints exactly one JSON object with --json', async () => {
    const server = publishServer([started('build'), { type: 'log', line: 'compiling' }, done]);
    const { code, out, err } = await run(['publish', '--name', 'hello-py', '--json'], server.fetch);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ ok: true, url: APP.url, version: 3, appId: 'a-1' });
    const upload = server.seen.find((s) => s.method === 'POST');
    expect(upload?.url).toBe('http://slipway.test/api/v1/tenants/t-1/apps/publish?name=hello-py');
    expect(upload?.headers.get('authorization')).toBe('Bearer tok');
    expect(upload?.headers.get('content-type')).toBe('application/gzip');
    expect([...(upload?.body as Uint8Array).slice(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it('shows stages and the log to people', async () => {
    const server = publishServer([started('build'), { type: 'log', line: 'compiling' }, done]);
    const { out } = await run(['publish', '.', '--tenant', 'acme'], server.fetch);
    expect(out).toEqual([
      expect.stringMatching(/^Publishing folder .*hello as hello-py in acme…$/),
      '▸ build',
      '    compiling',
      `Published hello-py v3: ${APP.url}`,
    ]);
    // The folder's slipway.json names the app; no name is sent unless --name says so.
    expect(server.seen[1]?.url).toBe('http://slipway.test/api/v1/tenants/t-1/apps/publish');
  });

  it('names a WAR after its file (slugged) unless --name says otherwise', async () => {
    await writeFile(path.join(appDir, 'Order_Desk.war'), 'PK');
    const server = publishServer([done]);
    await run(['publish', 'Order_Desk.war', '--json'], server.fetch);
    const upload = server.seen.find((s) => s.method === 'POST');
    expect(upload?.url).toMatch(/\/apps\/publish\?name=order-desk$/);
    expect(upload?.headers.get('content-type')).toBe('application/java-archive');
  });

  it('exits 1 with the failing stage, as one line or as a JSON error', async () => {
    const failed: PublishEvent = {
      type: 'failed',
      operation: OPERATION,
      stage: 'build',
      detail: 'app.py:3: SyntaxError',
    };
    const server = publishServer([started('build'), failed]);
    const human = await run(['publish'], server.fetch);
    expect(human.code).toBe(1);
    expect(human.err).toEqual([
      'slipway: Publish failed at build: app.py:3: SyntaxError. Nothing that serves was changed.',
    ]);
    const scripted = await run(['publish', '--json'], server.fetch);
    expect(scripted.code).toBe(1);
    expect(scripted.out).toHaveLength(1);
    expect(JSON.parse(scripted.out[0] ?? '')).toMatchObject({ ok: false, error: { stage: 'build' } });
  });

  it('prints a refused request as one line and exits 1', async () => {
    const server = fakeServer({ 'GET /api/v1/session': () => problem(401, 'Sign in first.') });
    const { code, err } = await run(['publish'], server.fetch);
    expect(code).toBe(1);
    expect(err).toEqual(['slipway: Refused: Sign in first. (HTTP 401). Run `slipway login` (or set SLIPWAY_TOKEN).']);
  });
});

describe('slipway login', () => {
  it('signs in, creates a token with the session cookie and CSRF token, and saves url + token', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/login': () => json(SESSION, { 'set-cookie': 'slipway_session=s3cret; Path=/; HttpOnly' }),
      'POST /api/v1/tokens': () => json({ id: 'k', name: 'cli', token: 'new-token' }, {}),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
      'GET /api/v1/session': () => json(SESSION),
    });
    const env = { SLIPWAY_URL: '', SLIPWAY_TOKEN: '' };
    const argv = ['login', '--url', 'http://platform.test/', '--email', 'dev@acme.test', '--password', 'pw'];
    const { code, out } = await run(argv, server.fetch, env);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Logged in to http:\/\/platform.test as dev@acme.test/);
    const tokenRequest = server.seen.find((s) => s.url.endsWith('/tokens'));
    expect(tokenRequest?.headers.get('cookie')).toBe('slipway_session=s3cret');
    expect(tokenRequest?.headers.get('x-csrf-token')).toBe('csrf-1');
    const check = server.seen.at(-1);
    expect(check?.headers.get('authorization')).toBe('Bearer new-token');
    expect(await readConfig(configPath({ HOME: home }))).toEqual({
      url: 'http://platform.test',
      token: 'new-token',
      email: 'dev@acme.test',
    });
  });

  it('asks for the password on a terminal instead of taking it from the command line', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/login': () => json(SESSION, { 'set-cookie': 'slipway_session=s; Path=/' }),
      'POST /api/v1/tokens': () => json({ id: 'k', name: 'cli', token: 'prompted-token' }),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
      'GET /api/v1/session': () => json(SESSION),
    });
    const asked: string[] = [];
    const ctx: CliContext = {
      env: { HOME: home },
      cwd: home,
      out: () => undefined,
      err: () => undefined,
      fetch: server.fetch,
      promptSecret: (question) => {
        asked.push(question);
        return Promise.resolve('typed secret');
      },
    };
    expect(await runCli(['login', '--url', 'http://p.test', '--email', 'dev@acme.test'], ctx)).toBe(0);
    expect(asked).toEqual(['Password: ']);
    expect(server.seen[0]?.body).toBe('{"email":"dev@acme.test","password":"typed secret"}');
  });

  it('needs a password or a token (usage error, exit 2)', async () => {
    const { code, err } = await run(['login', '--url', 'http://x.test', '--email', 'a@b.test'], fakeServer({}).fetch);
    expect(code).toBe(2);
    expect(err[0]).toBe('slipway: login: give --email and --password, or --token');
  });
});

describe('slipway rollback and versions', () => {
  it('finds the app by slug and posts the version to roll back to', async () => {
    const server = fakeServer({
      'GET /api/v1/session': () => json(SESSION),
      'GET /api/v1/apps': () => json([APP]),
      'POST /api/v1/apps/a-1/rollback': () => json({ ...APP, activeVersion: 2 }),
    });
    const { code, out } = await run(['rollback', 'hello-py', '--to', 'v2'], server.fetch);
    expect(code).toBe(0);
    expect(out).toEqual([`hello-py now serves v2: ${APP.url}`]);
    expect(server.seen.at(-1)?.body).toBe('{"version":2}');
  });

  it('lists versions with the active one marked', async () => {
    const versions = [
      {
        ...VERSION,
        active: true,
        state: 'ready',
        health: 'healthy',
        source: 'cli',
        commit: null,
        createdAt: 'T2',
        createdBy: 'u-1',
        createdByName: 'Dana Dev',
      },
      {
        ...VERSION,
        number: 2,
        active: false,
        state: 'ready',
        health: 'healthy',
        source: 'ide',
        commit: '0123456789',
        createdAt: 'T1',
        createdBy: 'u-gone',
        createdByName: null,
      },
    ];
    const server = fakeServer({
      'GET /api/v1/session': () => json(SESSION),
      'GET /api/v1/apps': () => json([APP]),
      'GET /api/v1/apps/a-1/versions': () => json(versions),
    });
    const { out } = await run(['versions', 'hello-py'], server.fetch);
    expect(out[1]).toMatch(/^\* v3\s+ready\s+healthy\s+cli\s+-\s+T2\s+Dana Dev$/);
    expect(out[2]).toMatch(/^ {2}v2\s+ready\s+healthy\s+ide\s+01234567\s+T1\s+u-gone$/);
  });
});
