import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../identity/principal';
import type { AppDto, AppVersionDto } from '../protocol/apps';
import { PythonToolchain } from '../toolchain/python/python-toolchain';
import type { Toolchain } from '../toolchain/toolchain';
import { finalEvent, publishEvents, startRegistryTestKit, type RegistryTestKit } from './registry-test-kit';

// The registry end to end on real parts: git commits, the Python toolchain in its sandbox, the
// artifact store, SQLite, and a sealed gunicorn instance serving the unpacked artifact.
let kit: RegistryTestKit;
let developer: Principal;
let tenantId: string;
let projectId: string;
let projectDir: string;
let appId: string;

const notJava = { runtime: 'java', dispose: () => Promise.resolve() } as unknown as Toolchain;

beforeAll(async () => {
  kit = await startRegistryTestKit(() => Promise.resolve({ python: new PythonToolchain(), java: notJava }));
  ({ principal: developer, tenantId } = await kit.member('acme', 'dev@acme.test', ['developer']));
  const project = await kit.projects.create(developer, tenantId, { name: 'hello-app', templateId: 'python-hello' });
  projectId = project.id;
  projectDir = (await kit.projects.open(developer, projectId)).dir;
}, 60_000);
afterAll(() => kit.close(), 30_000);

async function publishProject(body?: unknown) {
  const response = await kit.request(developer, 'POST', `/projects/${projectId}/publish`, {
    body: JSON.stringify(body ?? {}),
    type: 'application/json',
  });
  return publishEvents(response);
}

async function versions(): Promise<AppVersionDto[]> {
  return (await kit.request(developer, 'GET', `/apps/${appId}/versions`)).json() as Promise<AppVersionDto[]>;
}

async function editApp(from: string, to: string): Promise<void> {
  const file = path.join(projectDir, 'app.py');
  await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
}

describe('publishing a project', () => {
  it('commits, builds, packages, stores and serves version 1, streaming every stage', async () => {
    const events = await publishProject();
    const last = finalEvent(events);
    expect(last.type, JSON.stringify(last)).toBe('done');
    if (last.type !== 'done') return;
    appId = last.app.id;
    expect(last.app).toMatchObject({
      slug: 'hello-app',
      url: 'http://hello-app.acme.apps.localhost:8080',
      activeVersion: 1,
    });
    expect(last.version).toMatchObject({ number: 1, state: 'ready', health: 'healthy', active: true, source: 'ide' });
    expect(last.version.artifactHash).toMatch(/^[0-9a-f]{64}$/);
    expect(last.operation).toMatchObject({ state: 'succeeded', stage: 'switch', version: 1, url: last.app.url });
    const stages = events.flatMap((e) => (e.type === 'stage' ? [`${e.stage}:${e.state}`] : []));
    expect(stages).toEqual(
      ['commit', 'build', 'package', 'store', 'start', 'health', 'switch'].flatMap((s) => [
        `${s}:started`,
        `${s}:done`,
      ]),
    );
    const page = await kit.deployments.get(appId, '/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/Hello/);
  });

  it('commits the working tree first; the new version serves the edit and the old one stays', async () => {
    await editApp('This page was rendered by', 'Version two was rendered by');
    const last = finalEvent(await publishProject({ message: 'Say version two' }));
    expect(last.type).toBe('done');
    expect((await kit.deployments.get(appId, '/')).body).toMatch(/Version two was rendered/);
    const log = execFileSync('git', ['-C', projectDir, 'log', '--format=%s'], { encoding: 'utf8' });
    expect(log.split('\n')[0]).toBe('Say version two');
    const list = await versions();
    expect(list.map((v) => [v.number, v.active, v.state])).toEqual([
      [2, true, 'ready'],
      [1, false, 'ready'],
    ]);
    expect(list.map((v) => [v.createdBy, v.createdByName])).toEqual([
      [developer.userId, 'dev'],
      [developer.userId, 'dev'],
    ]);
    expect(list[0]!.commit).not.toBe(list[1]!.commit);
    expect(list[0]!.artifactHash).not.toBe(list[1]!.artifactHash);
  });

  it('republishing an unchanged tree makes a new version of the same artifact', async () => {
    const last = finalEvent(await publishProject());
    expect(last.type).toBe('done');
    const [three, two] = await versions();
    expect(three!.number).toBe(3);
    expect(three!.artifactHash).toBe(two!.artifactHash);
    expect(three!.commit).toBe(two!.commit);
  });

  it('a build with a syntax error fails at "build" and changes nothing that serves', async () => {
    const activations = kit.deployments.activations;
    await writeFile(path.join(projectDir, 'broken.py'), 'def oops(:\n');
    const events = await publishProject({ message: 'Break it' });
    const last = finalEvent(events);
    expect(last).toMatchObject({ type: 'failed', stage: 'build', operation: { state: 'failed', version: 4 } });
    if (last.type === 'failed') expect(last.detail).toMatch(/broken\.py:1/);
    expect(kit.deployments.activations).toBe(activations);
    expect((await kit.deployments.get(appId, '/')).body).toMatch(/Version two/);
    const detail = (await (await kit.request(developer, 'GET', `/apps/${appId}/versions/4`)).json()) as {
      state: string;
      buildLog: string;
    };
    expect(detail.state).toBe('failed');
    expect(detail.buildLog).toMatch(/broken\.py/);
    execFileSync('git', ['-C', projectDir, 'rm', '-q', 'broken.py']);
  });

  it('instances that never answer fail at "health": the version is unhealthy and the old one serves', async () => {
    kit.deployments.failNextStart = true;
    const last = finalEvent(await publishProject({ message: 'Fix it' }));
    expect(last).toMatchObject({ type: 'failed', stage: 'health' });
    const [five] = await versions();
    expect(five).toMatchObject({ number: 5, state: 'ready', health: 'unhealthy', active: false });
    const app = (await (await kit.request(developer, 'GET', `/apps/${appId}`)).json()) as AppDto;
    expect(app.activeVersion).toBe(3);
  });

  it('publishes a chosen commit', async () => {
    const first = execFileSync('git', ['-C', projectDir, 'rev-list', '--max-parents=0', 'HEAD'], { encoding: 'utf8' });
    const last = finalEvent(await publishProject({ commit: first.trim().slice(0, 12) }));
    expect(last).toMatchObject({ type: 'done', version: { number: 6, commit: first.trim() } });
    expect((await kit.deployments.get(appId, '/')).body).toMatch(/This page was rendered by/);
    const unknown = await kit.request(developer, 'POST', `/projects/${projectId}/publish`, {
      body: JSON.stringify({ commit: 'deadbeef' }),
      type: 'application/json',
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/no commit deadbeef/);
    // Nothing was claimed by the refused request: the next publish may run.
    expect(kit.publisher.isBusy(appId)).toBe(false);
  });
});

describe('versions', () => {
  it('rolls back to the previous healthy version by default, and promotes a chosen one', async () => {
    const rolled = await kit.request(developer, 'POST', `/apps/${appId}/rollback`, {
      body: '{}',
      type: 'application/json',
    });
    expect(rolled.status).toBe(200);
    // v5 never served (unhealthy) and v4 failed: the previous healthy version is 3.
    expect(((await rolled.json()) as AppDto).activeVersion).toBe(3);
    expect((await kit.deployments.get(appId, '/')).body).toMatch(/Version two/);
    const promoted = await kit.request(developer, 'POST', `/apps/${appId}/promote`, {
      body: JSON.stringify({ version: 6 }),
      type: 'application/json',
    });
    expect(((await promoted.json()) as AppDto).activeVersion).toBe(6);
    const failed = await kit.request(developer, 'POST', `/apps/${appId}/promote`, {
      body: JSON.stringify({ version: 4 }),
      type: 'application/json',
    });
    expect(failed.status).toBe(409);
  });

  it('lists active versions for the farm and switches back from a crash-looping version', async () => {
    const [active] = (await kit.registry.activeVersions()).filter((v) => v.appId === appId);
    expect(active).toMatchObject({ versionNumber: 6, appSlug: 'hello-app', tenantSlug: 'acme' });
    expect(await readFile(path.join(active!.artifactDir, 'app.py'), 'utf8')).toMatch(/This page was rendered by/);
    // v5 is unhealthy and v4 failed: the switch goes back to v3.
    expect(await kit.registry.switchBack(appId, { versionId: active!.versionId, versionNumber: 6 })).toBe(true);
    expect(kit.deployments.servingVersion(appId)).toBe(3);
    expect(await kit.registry.switchBack(appId, { versionId: 'x', versionNumber: 1 })).toBe(false);
    await kit.registry.serve((await kit.records.app(appId))!, 6);
  });

  it('deletes a version that does not serve, never the serving one, and drops unshared artifacts', async () => {
    const serving = await kit.request(developer, 'DELETE', `/apps/${appId}/versions/6`);
    expect(serving.status).toBe(409);
    const [, , , , two, one] = await versions();
    expect((await kit.request(developer, 'DELETE', `/apps/${appId}/versions/2`)).status).toBe(204);
    // v3 shares v2's artifact: it stays.
    expect(await kit.artifacts.has(two!.artifactHash!)).toBe(true);
    expect(one!.artifactHash).not.toBe(two!.artifactHash);
    expect((await kit.request(developer, 'GET', `/apps/${appId}/versions/2`)).status).toBe(404);
  });
});

describe('access', () => {
  it('hides apps from other tenants and lets plain users list but not manage them', async () => {
    const { principal: stranger } = await kit.member('other', 'dev@other.test', ['developer']);
    expect((await kit.request(stranger, 'GET', `/apps/${appId}`)).status).toBe(404);
    expect((await kit.request(stranger, 'GET', `/apps?tenantId=${tenantId}`)).status).toBe(404);
    expect((await kit.request(stranger, 'POST', `/projects/${projectId}/publish`)).status).toBe(404);
    const { principal: user } = await kit.member('acme', 'user@acme.test', ['user']);
    const list = await kit.request(user, 'GET', `/apps?tenantId=${tenantId}`);
    expect(((await list.json()) as AppDto[]).map((a) => a.slug)).toEqual(['hello-app']);
    expect((await kit.request(user, 'GET', `/apps/${appId}/versions`)).status).toBe(403);
    expect((await kit.request(user, 'POST', `/apps/${appId}/rollback`)).status).toBe(403);
  });

  it('refuses a second publish of an app while one runs', async () => {
    const first = kit.request(developer, 'POST', `/projects/${projectId}/publish`);
    const firstResponse = await first;
    const second = await kit.request(developer, 'POST', `/projects/${projectId}/publish`);
    expect(second.status).toBe(409);
    expect(finalEvent(await publishEvents(firstResponse)).type).toBe('done');
  });
});

describe('uploads (slipway publish DIR)', () => {
  async function tarOf(dir: string, wrap: boolean): Promise<Blob> {
    const args = wrap ? ['-C', path.dirname(dir), '-czf', '-', path.basename(dir)] : ['-C', dir, '-czf', '-', '.'];
    return Promise.resolve(new Blob([new Uint8Array(execFileSync('tar', args))]));
  }

  it('publishes a folder with slipway.json, creating the app on its first publish', async () => {
    const dir = path.join(kit.dataDir, 'upload', 'cli-app');
    await cp(path.join(projectDir), dir, { recursive: true, filter: (source) => !source.includes('/.git') });
    const manifest = JSON.parse(await readFile(path.join(dir, 'slipway.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(dir, 'slipway.json'), JSON.stringify({ ...manifest, name: 'cli-app' }));
    const response = await kit.request(developer, 'POST', `/tenants/${tenantId}/apps/publish`, {
      body: await tarOf(dir, true),
      type: 'application/gzip',
    });
    const last = finalEvent(await publishEvents(response));
    expect(last).toMatchObject({ type: 'done', app: { slug: 'cli-app', projectId: null }, version: { source: 'cli' } });
    if (last.type === 'done') expect((await kit.deployments.get(last.app.id, '/')).status).toBe(200);
  });

  it('publishes a Python app with its packages vendored in the folder, importable as they are', async () => {
    const dir = path.join(kit.dataDir, 'upload', 'vendored-app');
    await mkdir(path.join(dir, 'greetings'), { recursive: true });
    await writeFile(
      path.join(dir, 'greetings', '__init__.py'),
      'def greet(name):\n    return f"Vendored hello, {name}"\n',
    );
    await writeFile(
      path.join(dir, 'app.py'),
      [
        'from greetings import greet',
        '',
        'def app(environ, start_response):',
        '    body = greet("staff").encode()',
        '    start_response("200 OK", [("Content-Type", "text/plain")])',
        '    return [body]',
        '',
      ].join('\n'),
    );
    const manifest = { name: 'vendored-app', runtime: 'python', kind: 'wsgi', entry: 'app:app' };
    await writeFile(path.join(dir, 'slipway.json'), JSON.stringify(manifest));
    const response = await kit.request(developer, 'POST', `/tenants/${tenantId}/apps/publish`, {
      body: await tarOf(dir, false),
      type: 'application/gzip',
    });
    const last = finalEvent(await publishEvents(response));
    expect(last.type, JSON.stringify(last)).toBe('done');
    if (last.type !== 'done') return;
    const page = await kit.deployments.get(last.app.id, '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe('Vendored hello, staff');
  });

  it('refuses bad uploads with a clear problem', async () => {
    const post = (body: BodyInit, type: string, query = '') =>
      kit.request(developer, 'POST', `/tenants/${tenantId}/apps/publish${query}`, { body, type });
    expect((await post('hello', 'text/plain')).status).toBe(415);
    expect((await post(Buffer.from('not an archive'), 'application/gzip')).status).toBe(415);
    const slip = execFileSync('python3', [
      '-c',
      'import io,sys,zipfile;b=io.BytesIO();z=zipfile.ZipFile(b,"w");z.writestr("../evil.txt","x");z.close();sys.stdout.buffer.write(b.getvalue())',
    ]);
    const slipped = await post(slip, 'application/zip');
    expect(slipped.status).toBe(400);
    expect(((await slipped.json()) as { detail: string }).detail).toMatch(/not allowed/);
    const war = execFileSync('python3', [
      '-c',
      'import io,sys,zipfile;b=io.BytesIO();z=zipfile.ZipFile(b,"w");z.writestr("WEB-INF/web.xml","<web-app/>");z.close();sys.stdout.buffer.write(b.getvalue())',
    ]);
    const unnamed = await post(war, 'application/java-archive');
    expect(unnamed.status).toBe(400);
    expect(((await unnamed.json()) as { detail: string }).detail).toMatch(/needs the app name/);
    const { principal: other } = await kit.member('other', 'dev@other.test', ['developer']);
    const foreign = await kit.request(other, 'POST', `/tenants/${tenantId}/apps/publish`, {
      body: war,
      type: 'application/zip',
    });
    expect(foreign.status).toBe(404);
  });
});

describe('recovery', () => {
  it('settles a publish a crash interrupted: failed, its version failed, the active version unchanged', async () => {
    const app = (await kit.records.app(appId))!;
    const operation = await kit.records.startOperation(appId, developer.userId);
    const version = await kit.records.createVersion({
      appId,
      source: 'ide',
      commit: null,
      manifest: '{}',
      createdBy: developer.userId,
    });
    await kit.records.updateOperation(operation, { stage: 'health', versionId: version.id });
    // An artifact packed just before the crash, which no version recorded.
    const strayDir = path.join(kit.dataDir, 'stray');
    await mkdir(strayDir, { recursive: true });
    await writeFile(path.join(strayDir, 'only-here.txt'), 'packed, never recorded');
    const stray = await kit.artifacts.pack(strayDir);
    expect(await kit.publisher.recover()).toBe(1);
    expect(await kit.artifacts.has(stray.hash)).toBe(false);
    expect((await kit.records.versionById(version.id))?.state).toBe('failed');
    expect((await kit.records.app(appId))?.active_version_id).toBe(app.active_version_id);
    const row = await kit.db
      .selectFrom('publish_operations')
      .selectAll()
      .where('id', '=', operation.id)
      .executeTakeFirst();
    expect(row).toMatchObject({ state: 'failed' });
    expect(row?.error).toMatch(/platform stopped/);
  });

  it('deleting the app stops serving it and removes its artifacts', async () => {
    const hashes = (await versions()).flatMap((v) => (v.artifactHash ? [v.artifactHash] : []));
    expect((await kit.request(developer, 'DELETE', `/apps/${appId}`)).status).toBe(204);
    expect(kit.deployments.servingVersion(appId)).toBeUndefined();
    for (const hash of hashes) expect(await kit.artifacts.has(hash)).toBe(false);
    expect((await kit.request(developer, 'GET', `/projects/${projectId}/app`)).status).toBe(404);
  });
});
