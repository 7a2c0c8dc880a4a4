import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto } from '../protocol/projects';
import type { TemplateSummary } from '../protocol/templates';
import type { GitCommitDto } from '../protocol/git';
import { adminWithProject } from '../test-support/fixtures';
import { gitTestEnv, startGitHttpServer, type GitHttpServer } from '../test-support/git-http-server';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

const git = promisify(execFile);
let env: TestPlatform;
let admin: ApiTestClient;
let tenantId: string;

beforeAll(async () => {
  env = await startTestPlatform({ configure: (config) => (config.gitAllowPrivateHosts = true) });
  ({ admin, tenantId } = await adminWithProject(env, 'first-app'));
});
afterAll(() => env.close());

describe('projects from templates', () => {
  it('lists every template with its runtime and description', async () => {
    const templates = await admin.json<TemplateSummary[]>('GET', '/templates');
    expect(templates.map((t) => t.id)).toEqual(
      expect.arrayContaining([
        'java-hello',
        'java-purchase-requests',
        'python-hello',
        'python-expense-reports',
        'python-cgi-scripts',
      ]),
    );
    for (const template of templates) expect(template.description.length).toBeGreaterThan(10);
  });

  it('creates a git repository with the template files and an initial commit', async () => {
    const project = await admin.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, {
      name: 'purchases',
      templateId: 'java-purchase-requests',
    });
    expect(project).toMatchObject({ name: 'purchases', runtime: 'java', templateId: 'java-purchase-requests' });
    const manifest = JSON.parse(
      await readFile(path.join(env.dataDir, 'projects', project.id, 'slipway.json'), 'utf8'),
    ) as {
      name: string;
    };
    expect(manifest.name).toBe('purchases');
    const log = await admin.json<GitCommitDto[]>('GET', `/projects/${project.id}/git/log`);
    expect(log).toHaveLength(1);
    expect(log[0]?.authorEmail).toBe('admin@example.test');
    const listed = await admin.json<ProjectDto[]>('GET', `/tenants/${tenantId}/projects`);
    expect(listed.map((p) => p.name)).toContain('purchases');
  });

  it('refuses a taken name, an unknown template and a bad name with clear problems', async () => {
    const taken = await admin.post(`/tenants/${tenantId}/projects`, { name: 'first-app', templateId: 'python-hello' });
    expect(taken.status).toBe(409);
    const unknown = await admin.post(`/tenants/${tenantId}/projects`, { name: 'x-app', templateId: 'no-such' });
    expect(unknown.status).toBe(404);
    const badName = await admin.post(`/tenants/${tenantId}/projects`, { name: '../evil', templateId: 'python-hello' });
    expect(badName.status).toBe(400);
    expect(((await badName.json()) as { detail: string }).detail).toMatch(/name/);
  });

  it('deletes a project and its folder', async () => {
    const project = await admin.json<ProjectDto>('POST', `/tenants/${tenantId}/projects`, {
      name: 'doomed',
      templateId: 'python-hello',
    });
    expect((await admin.delete(`/projects/${project.id}`)).status).toBe(204);
    expect((await admin.get(`/projects/${project.id}`)).status).toBe(404);
    await expect(readFile(path.join(env.dataDir, 'projects', project.id, 'slipway.json'))).rejects.toThrow();
  });
});

describe('importing a project from git', () => {
  let server: GitHttpServer;
  let repos: string;
  beforeAll(async () => {
    repos = await mkdtemp(path.join(tmpdir(), 'slipway-repos-'));
    for (const [name, files] of [
      [
        'good.git',
        {
          'slipway.json': JSON.stringify({ name: 'imported', runtime: 'python', kind: 'wsgi', entry: 'app:app' }),
          'app.py': 'app = None\n',
        },
      ],
      ['no-manifest.git', { 'README.md': '# nothing\n' }],
    ] as const) {
      const work = path.join(repos, `${name}-work`);
      await mkdir(work);
      for (const [file, content] of Object.entries(files)) await writeFile(path.join(work, file), content);
      const opts = { cwd: work, env: gitTestEnv({ HOME: repos }) };
      await git('git', ['init', '-q', '-b', 'main'], opts);
      await git('git', ['add', '-A'], opts);
      await git('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], opts);
      await git('git', ['clone', '-q', '--bare', work, path.join(repos, name)], opts);
    }
    server = await startGitHttpServer(repos);
  });
  afterAll(async () => {
    await server.close();
    await rm(repos, { recursive: true, force: true });
  });

  it('clones an http repository with a slipway.json', async () => {
    const project = await admin.json<ProjectDto>('POST', `/tenants/${tenantId}/projects/import`, {
      name: 'imported',
      url: `${server.url}/good.git`,
    });
    expect(project.runtime).toBe('python');
    const log = await admin.json<GitCommitDto[]>('GET', `/projects/${project.id}/git/log`);
    expect(log[0]?.message).toBe('init');
  });

  it('refuses repositories without slipway.json and non-http URLs, leaving nothing behind', async () => {
    const missing = await admin.post(`/tenants/${tenantId}/projects/import`, {
      name: 'no-manifest',
      url: `${server.url}/no-manifest.git`,
    });
    expect(missing.status).toBe(400);
    for (const url of ['file:///etc', 'ext::sh -c touch% /tmp/pwned', 'ssh://git@example.com/x.git']) {
      const refused = await admin.post(`/tenants/${tenantId}/projects/import`, { name: 'bad-url', url });
      expect(refused.status).toBe(400);
    }
    const listed = await admin.json<ProjectDto[]>('GET', `/tenants/${tenantId}/projects`);
    expect(listed.map((p) => p.name)).not.toContain('no-manifest');
  });
});
