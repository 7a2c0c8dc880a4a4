import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewLinkDto, PreviewStatusDto } from '../protocol/preview';
import type { ProjectDto } from '../protocol/projects';
import type { TemplateSummary } from '../protocol/templates';
import { startTestPlatform, TEST_ADMIN, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

// Every template the wizard offers, run for real (javac + Tomcat, gunicorn) behind the preview origin.
let env: TestPlatform;
let admin: ApiTestClient;
let tenantId: string;
let port: number;

beforeAll(async () => {
  env = await startTestPlatform({ listen: true, realToolchains: true });
  port = (env.platform.server?.address() as AddressInfo).port;
  admin = await env.login(TEST_ADMIN.email, TEST_ADMIN.password);
  tenantId =
    (await admin.json<{ memberships: { tenantId: string }[] }>('GET', '/session')).memberships[0]?.tenantId ?? '';
}, 120_000);
afterAll(() => env.close(), 60_000);

function get(host: string, path: string, cookie = ''): Promise<{ status: number; body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, cookie } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body,
          cookies: (response.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts the project's preview and returns a function that GETs app paths through the preview origin. */
export async function openPreview(client: ApiTestClient, projectId: string) {
  const status = await client.json<PreviewStatusDto>('POST', `/projects/${projectId}/preview/start`);
  const link = new URL(
    (await client.json<PreviewLinkDto>('POST', `/projects/${projectId}/preview/link`, { path: '/' })).url,
  );
  const entered = await get(link.host, link.pathname + link.search);
  const cookie = entered.cookies.join('; ');
  return { status, fetchPage: (path: string) => get(link.host, path, cookie) };
}

const EXPECTED_TEXT: Record<string, RegExp> = {
  'java-hello': /Hello/i,
  'java-purchase-requests': /Purchase requests/i,
  'python-hello': /Hello/i,
  'python-expense-reports': /Expense/i,
  'python-cgi-scripts': /<html/i,
};

describe('every template in the live preview', () => {
  it('builds, starts and serves its main page', async () => {
    const templates = await admin.json<TemplateSummary[]>('GET', '/templates');
    expect(templates.length).toBeGreaterThanOrEqual(5);
    for (const template of templates) {
      const project = await admin.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, {
        name: `smoke-${template.id}`.slice(0, 40),
        templateId: template.id,
      });
      const preview = await openPreview(admin, project.id);
      expect(preview.status, `${template.id}: ${preview.status.reason ?? ''}`).toMatchObject({ state: 'running' });
      const page = await preview.fetchPage('/');
      expect(page.status, template.id).toBe(200);
      expect(page.body, template.id).toMatch(EXPECTED_TEXT[template.id] ?? /<html/i);
      expect(page.body).toContain('/__slipway/preview.js');
      await admin.post(`/projects/${project.id}/preview/stop`);
    }
  }, 240_000);
});

async function waitForBuild(
  projectId: string,
  predicate: (status: PreviewStatusDto) => boolean,
): Promise<PreviewStatusDto> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await admin.json<PreviewStatusDto>('GET', `/projects/${projectId}/preview`);
    if (predicate(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out; last status ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each([
  { templateId: 'python-hello', page: '/', file: 'app.py', heading: '{greeting}, {name}!', broken: 'def broken(:\n' },
  {
    templateId: 'java-hello',
    page: '/hello',
    file: 'src/main/java/com/example/hello/HelloServlet.java',
    heading: 'This page was rendered by',
    broken: 'class Broken { int x = ; }\n',
  },
])('editing $templateId while it previews', ({ templateId, page: appPage, file, heading, broken }) => {
  it('shows a save, reports a syntax error at its line while the last good page keeps serving, and recovers', async () => {
    const project = await admin.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, {
      name: `edit-${templateId}`,
      templateId,
    });
    const preview = await openPreview(admin, project.id);
    expect(preview.status.state).toBe('running');
    const path = `/projects/${project.id}/files/content?path=${encodeURIComponent(file)}`;
    const source = await (await admin.get(path)).text();
    expect(source).toContain(heading);

    await admin.put(path, source.replace(heading, 'Edited in Slipway'));
    const edited = await waitForBuild(project.id, (s) => s.generation >= 2);
    expect(edited.lastBuild?.outcome).toBe('succeeded');
    expect((await preview.fetchPage(appPage)).body).toContain('Edited in Slipway');

    const prefix = `${source.replace(heading, 'Edited in Slipway')}\n`;
    const brokenLine = prefix.split('\n').length;
    await admin.put(path, `${prefix}${broken}`);
    const failed = await waitForBuild(project.id, (s) => s.lastBuild?.outcome === 'failed');
    const error = failed.lastBuild?.diagnostics.find((d) => d.severity === 'error' && d.file === file);
    expect(error, JSON.stringify(failed.lastBuild?.diagnostics)).toBeDefined();
    expect(error?.line).toBe(brokenLine);
    expect(failed.state).toBe('running');
    expect((await preview.fetchPage(appPage)).body).toContain('Edited in Slipway');

    await admin.put(path, source);
    await waitForBuild(project.id, (s) => s.lastBuild?.outcome === 'succeeded' && s.generation >= 3);
    expect((await preview.fetchPage(appPage)).body).not.toContain('Edited in Slipway');
    await admin.post(`/projects/${project.id}/preview/stop`);
  }, 120_000);
});

describe('type checks after a good Python build', () => {
  it('adds pyright findings to the build while the new code already serves', async () => {
    const project = await admin.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, {
      name: 'typed-python',
      templateId: 'python-hello',
    });
    const preview = await openPreview(admin, project.id);
    expect(preview.status.state).toBe('running');
    const path = `/projects/${project.id}/files/content?path=app.py`;
    const source = await (await admin.get(path)).text();
    await admin.put(path, `${source}\nvalue = undefined_name_here\n`);
    const checked = await waitForBuild(project.id, (s) =>
      (s.lastBuild?.diagnostics ?? []).some((d) => d.source === 'pyright' && d.message.includes('undefined_name_here')),
    );
    expect(checked.lastBuild?.outcome).toBe('succeeded');
    const finding = checked.lastBuild?.diagnostics.find((d) => d.source === 'pyright');
    expect(finding?.file).toBe('app.py');
    expect(finding?.line).toBe(`${source}\n`.split('\n').length);
    await admin.post(`/projects/${project.id}/preview/stop`);
  }, 120_000);
});
