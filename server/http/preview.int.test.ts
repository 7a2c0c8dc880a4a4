import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyIdentityHeaders } from '../gateway/identity-signer';
import { PREVIEW_SCRIPT_URL } from '../preview/preview-proxy';
import type { SessionDto } from '../protocol/identity';
import type { PreviewLinkDto, PreviewPersonaDto, PreviewStatusDto } from '../protocol/preview';
import type { ProjectDto } from '../protocol/projects';
import { adminWithProject, memberOfNewTenant } from '../test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

let env: TestPlatform;
let admin: ApiTestClient;
let project: ProjectDto;
let port: number;

beforeAll(async () => {
  env = await startTestPlatform({ listen: true });
  port = (env.platform.server?.address() as AddressInfo).port;
  ({ admin, project } = await adminWithProject(env, 'preview-app'));
  await admin.post(`/projects/${project.id}/files`, {
    path: 'index.html',
    type: 'file',
    content: '<html><head><title>t</title></head><body>hi</body></html>',
  });
});
afterAll(() => env.close());

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function previewGet(
  host: string,
  path: string,
  cookie?: string,
  extra: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host, ...(cookie ? { cookie } : {}), ...extra } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function enter(projectId: string): Promise<{ host: string; cookie: string }> {
  const link = await admin.json<PreviewLinkDto>('POST', `/projects/${projectId}/preview/link`, { path: '/' });
  const url = new URL(link.url);
  const entered = await previewGet(url.host, url.pathname + url.search);
  expect(entered.status).toBe(303);
  const cookies = (entered.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]);
  return { host: url.host, cookie: cookies.join('; ') };
}

describe('the preview origin', () => {
  it('serves the running preview on its own host, only to holders of a fresh link', async () => {
    const status = await admin.json<PreviewStatusDto>('POST', `/projects/${project.id}/preview/start`);
    expect(status.state).toBe('running');
    expect(status.url).toBe(`http://${project.id}.preview.localhost`);

    const link = await admin.json<PreviewLinkDto>('POST', `/projects/${project.id}/preview/link`, { path: '/' });
    const url = new URL(link.url);
    expect(url.hostname).toBe(`${project.id}.preview.localhost`);
    const first = await previewGet(url.host, url.pathname + url.search);
    expect(first.status).toBe(303);
    expect(String(first.headers['set-cookie'])).toMatch(/SameSite=None; Secure; Partitioned/);
    const reused = await previewGet(url.host, url.pathname + url.search);
    expect(reused.status).toBe(401);

    const cookie = (first.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
    const page = await previewGet(url.host, '/', cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain(
      `<head><script src="${PREVIEW_SCRIPT_URL}" data-ide-origin="http://slipway.test"></script>`,
    );
    expect((await previewGet(url.host, '/', undefined)).status).toBe(401);
    const script = await previewGet(url.host, PREVIEW_SCRIPT_URL);
    expect(script.body).toContain('e.origin !== ide');
    expect(script.headers['cache-control']).toContain('immutable');
    const unversioned = await previewGet(url.host, '/__slipway/preview.js');
    expect(unversioned.headers['cache-control']).toBe('no-cache');
  });

  it('strips platform cookies and spoofed identity headers before the app sees the request', async () => {
    const { host, cookie } = await enter(project.id);
    const echoed = await previewGet(host, '/headers', `${cookie}; slipway_session=${admin.cookie ?? ''}; app_pref=1`, {
      'x-slipway-user': 'spoofed',
      authorization: 'Bearer stolen',
      referer: `http://slipway.test/ide/${project.id}`,
    });
    const headers = JSON.parse(echoed.body) as Record<string, string>;
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(lower.cookie).toBe('app_pref=1');
    expect(lower['x-slipway-user']).toBeUndefined();
    expect(lower.authorization).toBeUndefined();
    expect(lower.referer).toBeUndefined();
  });

  it("hands the app the developer's signed identity, as the gateway does for published apps", async () => {
    const { host, cookie } = await enter(project.id);
    const forged = { 'x-slipway-user-id': 'someone-else', 'x-slipway-user-roles': 'manager' };
    const echoed = await previewGet(host, '/headers', cookie, forged);
    const headers = JSON.parse(echoed.body) as Record<string, string>;
    const session = await admin.json<SessionDto>('GET', '/session');
    const roles = session.memberships.find((m) => m.tenantId === project.tenantId)?.roles ?? [];
    expect(headers['x-slipway-user-id']).toBe(session.user.id);
    expect(decodeURIComponent(headers['x-slipway-user-email'] ?? '')).toBe(session.user.email);
    expect(headers['x-slipway-user-roles']?.split(',').sort()).toEqual([...roles].sort());
    const publicKey = env.platform.services.identitySigner.publicKeyBase64;
    // Signed for the app id previews run under (the project's), fresh as the SDKs require.
    const fresh = { now: Date.now(), maxAgeSeconds: 60 };
    expect(verifyIdentityHeaders(publicKey, project.id, headers, fresh)).toBe(true);
    expect(verifyIdentityHeaders(publicKey, 'another-app', headers, fresh)).toBe(false);
  });

  it('shows the developer as the persona they choose: one role only, or signed out', async () => {
    const { host, cookie } = await enter(project.id);
    const personaPath = `/projects/${project.id}/preview/persona`;
    const appSees = async () => JSON.parse((await previewGet(host, '/headers', cookie)).body) as Record<string, string>;
    expect(await admin.json<PreviewPersonaDto>('GET', personaPath)).toEqual({ persona: 'self' });

    expect((await admin.put(personaPath, JSON.stringify({ persona: 'user' }), 'application/json')).status).toBe(200);
    const asStaff = await appSees();
    expect(asStaff['x-slipway-user-roles']).toBe('user');
    const publicKey = env.platform.services.identitySigner.publicKeyBase64;
    expect(verifyIdentityHeaders(publicKey, project.id, asStaff)).toBe(true);

    await admin.put(personaPath, JSON.stringify({ persona: 'signed-out' }), 'application/json');
    expect(await admin.json<PreviewPersonaDto>('GET', personaPath)).toEqual({ persona: 'signed-out' });
    const signedOut = await appSees();
    expect(signedOut['x-slipway-user-id']).toBeUndefined();
    expect(signedOut['x-slipway-identity-signature']).toBeUndefined();

    await admin.put(personaPath, JSON.stringify({ persona: 'self' }), 'application/json');
    expect((await appSees())['x-slipway-user-roles']?.split(',')).toContain('developer');

    const bad = await admin.put(personaPath, JSON.stringify({ persona: 'operator' }), 'application/json');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const outsider = (await memberOfNewTenant(env, 'persona-outsider', ['developer'])).client;
    expect((await outsider.put(personaPath, JSON.stringify({ persona: 'user' }), 'application/json')).status).toBe(404);
  });

  it('does not let a cookie of one project open another, nor an outsider get a link', async () => {
    const { cookie } = await enter(project.id);
    const other = await admin.json<ProjectDto>('POST', `/tenants/${project.tenantId}/projects`, {
      name: 'other-preview',
      templateId: 'python-hello',
    });
    expect((await previewGet(`${other.id}.preview.localhost`, '/', cookie)).status).toBe(401);
    const outsider = (await memberOfNewTenant(env, 'preview-outsider', ['developer'])).client;
    expect((await outsider.post(`/projects/${project.id}/preview/link`, { path: '/' })).status).toBe(404);
    expect((await outsider.post(`/projects/${project.id}/preview/start`)).status).toBe(404);
  });

  it('says so when the preview is stopped, and validates link paths', async () => {
    const { host, cookie } = await enter(project.id);
    expect((await admin.post(`/projects/${project.id}/preview/stop`)).status).toBe(204);
    const stopped = await previewGet(host, '/', cookie);
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain('Press Run');
    expect((await admin.post(`/projects/${project.id}/preview/link`, { path: 'https://evil.example/' })).status).toBe(
      400,
    );
  });
});

describe('the preview WebSocket', () => {
  it('tells the IDE about builds and reloads, and records the page console', async () => {
    await admin.post(`/projects/${project.id}/preview/start`);
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/projects/${project.id}/preview`, {
      headers: { cookie: admin.cookie ?? '', origin: 'http://slipway.test' },
    });
    const messages: { type: string; generation?: number }[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as { type: string }));
    await new Promise((resolve) => socket.once('open', resolve));
    await admin.put(`/projects/${project.id}/files/content?path=index.html`, '<h1>changed</h1>');
    const deadline = Date.now() + 5_000;
    while (!messages.some((m) => m.type === 'reloaded') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(messages.map((m) => m.type)).toEqual(
      expect.arrayContaining(['status', 'build-started', 'build-finished', 'reloaded']),
    );
    socket.send(JSON.stringify({ type: 'console', level: 'error', text: 'ReferenceError: x is not defined' }));
    await new Promise((r) => setTimeout(r, 100));
    const logs = await admin.json<{ stream: string; text: string }[]>('GET', `/projects/${project.id}/preview/logs`);
    expect(logs.some((l) => l.stream === 'console' && l.text.includes('ReferenceError'))).toBe(true);
    socket.close();
  });
});

describe('shutdown and abuse of the preview socket', () => {
  it('survives an oversized frame', async () => {
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/projects/${project.id}/preview`, {
      headers: { cookie: admin.cookie ?? '', origin: 'http://slipway.test' },
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
    socket.on('error', () => undefined);
    socket.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    expect((await admin.get(`/projects/${project.id}/preview`)).status).toBe(200);
  });
});
