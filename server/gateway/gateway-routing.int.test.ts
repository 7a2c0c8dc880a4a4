import { readdir, readFile, readlink } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import type { Database } from '../db/schema';
import type { AppRoute } from '../farm/routing';
import type { Gateway } from './gateway';
import {
  echoWebSockets,
  freePort,
  gatewayRequest,
  startTestGateway,
  tempDir,
  TestBackend,
  testRoute,
  webSocketReply,
} from './gateway-test-support';

describe('gateway routing through a real nginx', () => {
  let dir: string;
  let port: number;
  let db: Kysely<Database>;
  let gateway: Gateway;
  const backends: Record<string, TestBackend> = {};

  beforeAll(async () => {
    dir = await tempDir();
    port = await freePort();
    db = await openDatabase({ kind: 'sqlite', file: ':memory:' });
    for (const name of ['a1', 'a2', 'b1']) backends[name] = await TestBackend.start(dir, name);
    gateway = await startTestGateway({ dir, port, db });
  });

  afterAll(async () => {
    await gateway?.dispose();
    for (const backend of Object.values(backends)) await backend.close();
    await db?.destroy();
  });

  const appA = (upstreams: AppRoute['upstreams'], extra: Partial<AppRoute> = {}) =>
    testRoute({ appId: 'app-a', host: 'alpha.acme.apps.localhost', upstreams, ...extra });
  const appB = () =>
    testRoute({ appId: 'app-b', host: 'beta.acme.apps.localhost', upstreams: [backends.b1!.endpoint] });

  it('routes by host name and answers unknown hosts with a clear 404 page', async () => {
    await gateway.apply([appA([backends.a1!.endpoint]), appB()]);
    const a = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/hello?x=1');
    const b = await gatewayRequest(port, 'beta.acme.apps.localhost:8080', '/');
    expect(JSON.parse(a.body)).toMatchObject({ backend: 'a1', url: '/hello?x=1' });
    expect(JSON.parse(b.body)).toMatchObject({ backend: 'b1' });
    const unknown = await gatewayRequest(port, 'nobody.acme.apps.localhost', '/');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
    expect(unknown.body).toContain('No app here');
  });

  it('starts and reloads nginx without a warning in its error log', async () => {
    // A members-only app has the most header rules (identity set, session and cookie cleared).
    await gateway.apply([appA([backends.a1!.endpoint], { access: 'tenant' }), appB()]);
    await gateway.apply([appA([backends.a1!.endpoint, backends.a2!.endpoint], { access: 'tenant' }), appB()]);
    const errorLog = await readFile(path.join(gateway.layout.prefixDir, 'logs', 'error.log'), 'utf8');
    expect(errorLog.split('\n').filter((line) => /\[(warn|error|crit|alert|emerg)\]/.test(line))).toEqual([]);
  });

  it('balances across the ready instances of an app', async () => {
    await gateway.apply([appA([backends.a1!.endpoint, backends.a2!.endpoint])]);
    const seen = new Set<string>();
    // Seven switches, ending on a2.
    for (let i = 0; i < 7; i++) {
      const response = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/');
      seen.add((JSON.parse(response.body) as { backend: string }).backend);
    }
    expect([...seen].sort()).toEqual(['a1', 'a2']);
  });

  it('sets X-Forwarded-*, and strips platform cookies, spoofed identity and hop-by-hop headers', async () => {
    await gateway.apply([appA([backends.a1!.endpoint])]);
    const response = await gatewayRequest(port, 'alpha.acme.apps.localhost:8080', '/', {
      headers: {
        cookie: 'theme=dark; slipway_session=secret1; slipway_app=secret2; cart=3; slipway_preview=x',
        'x-slipway-user-id': 'admin',
        'x-slipway-user-roles': 'manager',
        'x-slipway-identity-signature': 'forged',
        'x-slipway-task-id': 't-forged',
        'x-slipway-task-signature': 'forged',
        'x-forwarded-for': '10.9.9.9',
        'keep-alive': 'timeout=5',
        te: 'trailers',
      },
    });
    const headers = (JSON.parse(response.body) as { headers: Record<string, string> }).headers;
    expect(headers.cookie).toBe('theme=dark; cart=3');
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('alpha.acme.apps.localhost:8080');
    expect(headers.host).toBe('alpha.acme.apps.localhost:8080');
    expect(headers['x-slipway-app-id']).toBe('app-a');
    for (const name of [
      'x-slipway-user-id',
      'x-slipway-user-roles',
      'x-slipway-identity-signature',
      'x-slipway-task-id',
      'x-slipway-task-signature',
      'keep-alive',
      'te',
    ]) {
      expect(headers[name], name).toBeUndefined();
    }
    const onlyPlatform = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/', {
      headers: { cookie: 'slipway_a=1; slipway_b=2; slipway_c=3; slipway_d=4; slipway_e=5' },
    });
    expect((JSON.parse(onlyPlatform.body) as { headers: Record<string, string> }).headers.cookie).toBeUndefined();
  });

  it('retries a GET on an instance that fails, but never re-sends a POST', async () => {
    const crashing = await TestBackend.start(dir, 'crash', (req) => req.socket.destroy());
    try {
      await gateway.apply([appA([crashing.endpoint, backends.a2!.endpoint])]);
      const before = backends.a2!.seen.length;
      const posts = [];
      for (let i = 0; i < 4; i++) {
        posts.push(
          await gatewayRequest(port, 'alpha.acme.apps.localhost', '/order', { method: 'POST', body: `order ${i}` }),
        );
      }
      const failed = posts.filter((r) => r.status === 502).length;
      const postsSeen = [...crashing.seen, ...backends.a2!.seen.slice(before)].filter((r) => r.method === 'POST');
      expect(failed).toBeGreaterThan(0);
      expect(postsSeen).toHaveLength(4); // each POST reached exactly one instance
      expect(posts.find((r) => r.status === 502)?.body).toContain('not answering');
      // A new table resets nginx's view of failed peers; the crashing instance is tried again.
      await gateway.apply([appB(), appA([crashing.endpoint, backends.a2!.endpoint])]);
      const crashedGets = () => crashing.seen.filter((r) => r.method === 'GET').length;
      for (let i = 0; i < 4; i++) {
        const response = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/read');
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body)).toMatchObject({ backend: 'a2' });
      }
      expect(crashedGets()).toBeGreaterThan(0);
    } finally {
      await crashing.close();
    }
  });

  it('keeps a user on one instance with affinity and moves them when it goes', async () => {
    await gateway.apply([appA([backends.a1!.endpoint, backends.a2!.endpoint], { affinity: true })]);
    const first = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/');
    const cookie = String(first.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^slipway_affinity=[0-9a-f]{32}$/);
    const home = (JSON.parse(first.body) as { backend: string }).backend;
    for (let i = 0; i < 6; i++) {
      const again = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/', { headers: { cookie } });
      expect(JSON.parse(again.body)).toMatchObject({ backend: home });
      expect(again.headers['set-cookie']).toBeUndefined();
    }
    const other = home === 'a1' ? 'a2' : 'a1';
    await gateway.apply([appA([backends[other]!.endpoint], { affinity: true })]);
    const moved = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/', { headers: { cookie } });
    expect(moved.status).toBe(200);
    expect(JSON.parse(moved.body)).toMatchObject({ backend: other });
  });

  it('proxies WebSockets', async () => {
    const wsBackend = await TestBackend.start(dir, 'ws');
    const wss = echoWebSockets(wsBackend, 'echo ');
    try {
      await gateway.apply([appA([wsBackend.endpoint])]);
      expect(await webSocketReply(port, 'alpha.acme.apps.localhost', '/socket', 'ping')).toBe('echo ping');
    } finally {
      wss.close();
      await wsBackend.close();
    }
  });

  it('streams request bodies to the app and streamed responses to the client', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstChunkArrived: () => void = () => undefined;
    const firstChunk = new Promise<void>((resolve) => (firstChunkArrived = resolve));
    const streaming = await TestBackend.start(dir, 'stream');
    streaming.server.removeAllListeners('request');
    streaming.server.on('request', (req, res) => {
      req.once('data', () => firstChunkArrived());
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-accel-buffering': 'no' });
        res.write('first|');
        void released.then(() => res.end('second'));
      });
    });
    try {
      await gateway.apply([appA([streaming.endpoint])]);
      const body = await new Promise<string>((resolve, reject) => {
        const upload = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/upload',
            headers: { host: 'alpha.acme.apps.localhost' },
            agent: false,
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
              if (text === 'first|') release(); // the app waits until the client saw the first part
            });
            response.on('end', () => resolve(text));
          },
        );
        upload.on('error', reject);
        upload.write('part one;');
        // The rest of the body is sent only once the app got the first part: buffering would hang here.
        void firstChunk.then(() => upload.end('part two'));
      });
      expect(body).toBe('first|second');
    } finally {
      await streaming.close();
    }
  });

  it('keeps serving the working configuration when a table is rejected', async () => {
    await gateway.apply([appA([backends.a1!.endpoint])]);
    const configBefore = await readFile(gateway.nginx.configFile, 'utf8');
    const unresolvable = testRoute({
      appId: 'app-bad',
      host: 'bad.acme.apps.localhost',
      upstreams: [{ kind: 'tcp', host: 'no-such-host.invalid', port: 80 }],
    });
    await expect(gateway.apply([appA([backends.a1!.endpoint]), unresolvable])).rejects.toThrow(/nginx rejected/);
    await expect(
      gateway.apply([appA([backends.a1!.endpoint]), testRoute({ appId: 'x', host: 'evil.host;}' })]),
    ).rejects.toThrow(/not a valid host name/);
    expect(await readFile(gateway.nginx.configFile, 'utf8')).toBe(configBefore);
    const still = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/');
    expect(JSON.parse(still.body)).toMatchObject({ backend: 'a1' });
  });

  it('loses no request while routes change under steady traffic', async () => {
    await gateway.apply([appA([backends.a1!.endpoint])]);
    let applying = true;
    const failures: string[] = [];
    let done = 0;
    const loop = async () => {
      while (applying) {
        try {
          const response = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/steady');
          if (response.status !== 200) failures.push(`status ${response.status}`);
          done++;
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const loops = [loop(), loop(), loop()];
    for (let i = 0; i < 6; i++) {
      const upstreams = i % 2 === 0 ? [backends.a2!.endpoint] : [backends.a1!.endpoint, backends.a2!.endpoint];
      await gateway.apply([appA(upstreams), ...(i % 3 === 0 ? [appB()] : [])]);
    }
    applying = false;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(done).toBeGreaterThan(0);
  });

  /** Requests until `backend` answers (pooled connections to a swapped-out instance retire within ~2 s). */
  const servedBy = async (backend: string, init: Parameters<typeof gatewayRequest>[3] = {}) => {
    const seen: string[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      const response = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/which', init);
      expect(response.status).toBe(200);
      const answeredBy = (JSON.parse(response.body) as { backend: string }).backend;
      if (answeredBy === backend) return seen;
      seen.push(answeredBy);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${backend} never answered; saw ${seen.join(', ')}`);
  };

  it('switches instances and versions by swapping slots, reloading only when the configuration changes', async () => {
    const table = [appA([backends.a1!.endpoint]), appB()];
    await gateway.apply(table);
    await servedBy('a1');
    const served = await gateway.nginx.servedGeneration();
    await gateway.apply(table.map((route) => ({ ...route })));
    // A version switch: another instance and version, the same shape of configuration.
    await gateway.apply([appA([backends.a2!.endpoint], { versionId: 'app-a-v2', versionNumber: 2 }), appB()]);
    expect(await servedBy('a2')).not.toContain('b1');
    expect(gateway.router.routeOf('app-a')?.versionId).toBe('app-a-v2');
    await gateway.apply([appA([backends.a1!.endpoint]), appB()]);
    await servedBy('a1');
    expect(await gateway.nginx.servedGeneration()).toBe(served);
    // Another instance count, another app: the configuration changes and nginx reloads.
    await gateway.apply([appA([backends.a1!.endpoint, backends.a2!.endpoint]), appB()]);
    const scaledOut = await gateway.nginx.servedGeneration();
    expect(scaledOut).toBeGreaterThan(served ?? 0);
    await gateway.apply([appA([backends.a1!.endpoint, backends.a2!.endpoint])]);
    expect(await gateway.nginx.servedGeneration()).toBeGreaterThan(scaledOut ?? 0);
    expect((await gatewayRequest(port, 'beta.acme.apps.localhost', '/')).status).toBe(404);
  });

  it('keeps clients on keep-alive connections without a single failure while versions switch', async () => {
    await gateway.apply([appA([backends.a1!.endpoint]), appB()]);
    const served = await gateway.nginx.servedGeneration();
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let switching = true;
    const failures: string[] = [];
    const answeredBy = new Set<string>();
    const loop = async () => {
      while (switching) {
        try {
          const response = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/steady', { agent });
          if (response.status !== 200) failures.push(`status ${response.status}`);
          else answeredBy.add((JSON.parse(response.body) as { backend: string }).backend);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const loops = [loop(), loop(), loop(), loop()];
    // Seven switches, ending on a2.
    for (let i = 0; i < 7; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const next = i % 2 === 0 ? backends.a2! : backends.a1!;
      await gateway.apply([appA([next.endpoint], { versionId: `app-a-v${i + 2}` }), appB()]);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    switching = false;
    await Promise.all(loops);
    agent.destroy();
    expect(failures).toEqual([]);
    expect(answeredBy.size).toBeGreaterThan(0);
    // Connections nginx pooled to a1 retire within ~2 s; then a2 answers, with no reload at all.
    await servedBy('a2');
    expect(await gateway.nginx.servedGeneration()).toBe(served);
  });

  it('removes the slots of apps that leave the table', async () => {
    await gateway.apply([appA([backends.a1!.endpoint]), appB()]);
    const slotsDir = path.join(dir, 'data', 'gateway', 'slots');
    expect((await readdir(slotsDir)).sort()).toEqual(['app-a', 'app-b']);
    expect(await readlink(path.join(slotsDir, 'app-b', '0.sock'))).toBe(backends.b1!.socketPath);
    await gateway.apply([appA([backends.a1!.endpoint])]);
    expect(await readdir(slotsDir)).toEqual(['app-a']);
  });

  it('restarts nginx when it dies and serves the current table again', async () => {
    await gateway.apply([appA([backends.a1!.endpoint])]);
    const killed = gateway.nginx.pid;
    process.kill(killed ?? 0, 'SIGKILL');
    for (let attempt = 0; attempt < 200; attempt++) {
      const pid = gateway.nginx.pid;
      if (pid !== undefined && pid !== killed && (await gateway.nginx.servedGeneration()) !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const response = await gatewayRequest(port, 'alpha.acme.apps.localhost', '/');
    expect(JSON.parse(response.body)).toMatchObject({ backend: 'a1' });
    await gateway.apply([appA([backends.a2!.endpoint])]); // and it still takes new tables
    await servedBy('a2');
  });
});
