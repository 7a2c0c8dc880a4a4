import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDto, AppVersionDto, InstanceDto } from './protocol/apps';
import type { ProjectDto } from './protocol/projects';
import { gatewayRequest } from './gateway/gateway-test-support';
import { finalEvent, publishEvents } from './registry/registry-test-kit';
import { adminWithProject, memberOfNewTenant } from './test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from './test-support/test-platform';

// The whole hosting path on real parts: git, the Python toolchain, the process driver's sealed
// gunicorn, nginx and the gateway's control plane, composed as server/main.ts composes them.
let env: TestPlatform;
let admin: ApiTestClient;
let outsider: ApiTestClient;
let project: ProjectDto;

beforeAll(async () => {
  env = await startTestPlatform({ realToolchains: true, gateway: true });
  const created = await adminWithProject(env, 'hello-staff', 'python-hello');
  admin = created.admin;
  project = created.project;
  outsider = (await memberOfNewTenant(env, 'tenant-b', ['manager', 'developer'])).client;
}, 120_000);
afterAll(() => env.close());

function gatewayPort(): number {
  return env.platform.config.gateway.port;
}

async function publish(message: string): Promise<AppDto> {
  const last = finalEvent(await publishEvents(await admin.post(`/projects/${project.id}/publish`, { message })));
  if (last.type !== 'done') throw new Error(`publish failed at ${last.stage}: ${last.detail}`);
  return last.app;
}

async function pageOf(app: AppDto, urlPath = '/'): Promise<{ status: number; body: string }> {
  return gatewayRequest(gatewayPort(), new URL(app.url).hostname, urlPath);
}

async function setGreeting(greeting: string, access: 'public' | 'tenant'): Promise<void> {
  const manifest = JSON.parse(
    await (await admin.get(`/projects/${project.id}/files/content?path=slipway.json`)).text(),
  ) as Record<string, unknown>;
  const updated = { ...manifest, access, env: { GREETING: greeting } };
  const saved = await admin.request('PUT', `/projects/${project.id}/files/content?path=slipway.json`, {
    body: JSON.stringify(updated, null, 2),
  });
  expect(saved.status).toBeLessThan(300);
}

describe('publish → gateway → sealed instance', () => {
  let app: AppDto;

  it('publishes the project and serves it at its URL through nginx', async () => {
    await setGreeting('Hello', 'public');
    app = await publish('First publish');
    expect(app.activeVersion).toBe(1);
    expect(new URL(app.url).hostname).toMatch(/^hello-staff\.[a-z0-9-]+\.apps\.localhost$/);
    const page = await pageOf(app);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Hello, world!</h1>');
  }, 120_000);

  it('switches to v2 on the next publish and rolls back to v1 in one call', async () => {
    await setGreeting('Bonjour', 'public');
    app = await publish('Say bonjour');
    expect(app.activeVersion).toBe(2);
    expect((await pageOf(app)).body).toContain('<h1>Bonjour, world!</h1>');

    const rolledBack = await admin.json<AppDto>('POST', `/apps/${app.id}/rollback`, {});
    expect(rolledBack.activeVersion).toBe(1);
    expect((await pageOf(app)).body).toContain('<h1>Hello, world!</h1>');
    const versions = await admin.json<AppVersionDto[]>('GET', `/apps/${app.id}/versions`);
    expect(versions.map((version) => [version.number, version.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    const instances = await admin.json<InstanceDto[]>('GET', `/apps/${app.id}/instances`);
    const ready = instances.filter((instance) => instance.state === 'ready');
    expect(ready.map((instance) => instance.version)).toEqual([1]);
  }, 120_000);

  it('sends anonymous visitors of a tenant-only app to the platform login', async () => {
    await setGreeting('Hello', 'tenant');
    app = await publish('Members only');
    const page = await pageOf(app);
    expect(page.status).toBe(302);
    expect(page.body).not.toContain('Hello, world');
  }, 120_000);

  it('hides the app from another tenant (404 on every app route)', async () => {
    for (const [method, path] of [
      ['GET', `/apps/${app.id}`],
      ['GET', `/apps/${app.id}/versions`],
      ['GET', `/apps/${app.id}/instances`],
      ['GET', `/apps/${app.id}/export`],
      ['POST', `/apps/${app.id}/rollback`],
      ['DELETE', `/apps/${app.id}`],
    ] as const) {
      const response = await outsider.request(method, path, {
        body: method === 'POST' ? '{}' : undefined,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('an unknown app host gets a clear 404 page from the gateway', async () => {
    const page = await gatewayRequest(gatewayPort(), 'nothing.here.apps.localhost', '/');
    expect(page.status).toBe(404);
  });
});

describe('every template publishes and answers through the gateway', () => {
  const templates = [
    'python-hello',
    'python-expense-reports',
    'python-cgi-scripts',
    'java-hello',
    'java-purchase-requests',
  ];

  it.each(templates)(
    '%s',
    async (templateId) => {
      const name = `${templateId}-live`;
      const created = await admin.json<ProjectDto>('POST', `/tenants/${project.tenantId}/projects`, {
        name,
        templateId,
      });
      const manifestPath = `/projects/${created.id}/files/content?path=slipway.json`;
      const manifest = JSON.parse(await (await admin.get(manifestPath)).text()) as Record<string, unknown>;
      const saved = await admin.request('PUT', manifestPath, {
        body: JSON.stringify({ ...manifest, access: 'public' }),
      });
      expect(saved.status).toBeLessThan(300);
      const last = finalEvent(await publishEvents(await admin.post(`/projects/${created.id}/publish`, {})));
      expect(last.type, JSON.stringify(last)).toBe('done');
      if (last.type !== 'done') return;
      const page = await pageOf(last.app);
      expect(page.status, page.body.slice(0, 300)).toBe(200);
      expect(page.body).toMatch(/<html/i);
    },
    180_000,
  );
});

/** A project from `templateId`, public, declaring `services`; `put` saves one of its files. */
async function publicProjectUsing(name: string, templateId: string, services: string[]) {
  const created = await admin.json<ProjectDto>('POST', `/tenants/${project.tenantId}/projects`, { name, templateId });
  const put = async (file: string, text: string) =>
    expect(
      (await admin.request('PUT', `/projects/${created.id}/files/content?path=${file}`, { body: text })).status,
    ).toBeLessThan(300);
  const manifestPath = `/projects/${created.id}/files/content?path=slipway.json`;
  const manifest = JSON.parse(await (await admin.get(manifestPath)).text()) as Record<string, unknown>;
  await put('slipway.json', JSON.stringify({ ...manifest, access: 'public', services }));
  return { created, put };
}

describe('a sealed instance reaches the platform services through the SDK', () => {
  it('counts visits in the datastore from a published Python app, apart from its preview data', async () => {
    const { created, put } = await publicProjectUsing('visit-counter', 'python-hello', ['datastore']);
    await put(
      'app.py',
      [
        'import slipway',
        'from slipway.datastore import Entity, Key',
        '',
        'def app(environ, start_response):',
        '    def bump(tx):',
        '        counter = tx.get(Key("Counter", "visits")) or Entity(Key("Counter", "visits"), {"n": 0})',
        '        counter["n"] += 1',
        '        tx.put(counter)',
        '        return counter["n"]',
        '    visits = slipway.datastore.transaction(bump)',
        '    body = f"visits={visits}".encode()',
        '    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])',
        '    return [body]',
        '',
      ].join('\n'),
    );
    const last = finalEvent(await publishEvents(await admin.post(`/projects/${created.id}/publish`, {})));
    if (last.type !== 'done') throw new Error(`publish failed at ${last.stage}: ${last.detail}`);
    // The publish's health check already visited `/`: count on from whatever it left.
    const first = Number(/^visits=(\d+)$/.exec((await pageOf(last.app)).body)?.[1]);
    expect(first).toBeGreaterThanOrEqual(1);
    expect((await pageOf(last.app)).body).toBe(`visits=${first + 1}`);
    // Stored per app and environment: the production entity, not a preview one.
    const stored = await env.platform.services.datastore.get(
      { tenantId: project.tenantId, appId: last.app.id, environment: 'production' },
      [{ kind: 'Counter', name: 'visits' }],
    );
    expect(stored.found[0]?.properties).toEqual({ n: { integerValue: String(first + 1) } });
    const preview = await env.platform.services.datastore.get(
      { tenantId: project.tenantId, appId: created.id, environment: 'preview' },
      [{ kind: 'Counter', name: 'visits' }],
    );
    expect(preview.found).toEqual([]);
  }, 120_000);

  it('counts visits in the datastore from a published Java servlet through the Java SDK', async () => {
    const { created, put } = await publicProjectUsing('java-counter', 'java-hello', ['datastore']);
    await put(
      'src/main/java/com/example/hello/CountServlet.java',
      [
        'package com.example.hello;',
        '',
        'import dev.slipway.sdk.Entity;',
        'import dev.slipway.sdk.Key;',
        'import dev.slipway.sdk.Slipway;',
        'import jakarta.servlet.annotation.WebServlet;',
        'import jakarta.servlet.http.HttpServlet;',
        'import jakarta.servlet.http.HttpServletRequest;',
        'import jakarta.servlet.http.HttpServletResponse;',
        'import java.io.IOException;',
        '',
        '@WebServlet("/count")',
        'public class CountServlet extends HttpServlet {',
        '    private static final long serialVersionUID = 1L;',
        '',
        '    @Override',
        '    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {',
        '        Key key = Key.of("Counter", "visits");',
        '        long visits = Slipway.services().datastore().transaction(tx -> {',
        '            Entity counter = tx.get(key).orElseGet(() -> new Entity(key).set("n", 0L));',
        '            long next = counter.getLong("n") + 1;',
        '            tx.put(counter.set("n", next));',
        '            return next;',
        '        });',
        '        response.setContentType("text/plain");',
        '        response.getWriter().print("visits=" + visits);',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const last = finalEvent(await publishEvents(await admin.post(`/projects/${created.id}/publish`, {})));
    if (last.type !== 'done') throw new Error(`publish failed at ${last.stage}: ${last.detail}`);
    expect((await pageOf(last.app, '/count')).body).toBe('visits=1');
    expect((await pageOf(last.app, '/count')).body).toBe('visits=2');
    const stored = await env.platform.services.datastore.get(
      { tenantId: project.tenantId, appId: last.app.id, environment: 'production' },
      [{ kind: 'Counter', name: 'visits' }],
    );
    expect(stored.found[0]?.properties).toEqual({ n: { integerValue: '2' } });
  }, 180_000);
});
