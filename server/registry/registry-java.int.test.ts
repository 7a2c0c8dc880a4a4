import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../identity/principal';
import { JavaToolchain } from '../toolchain/java/java-toolchain';
import { PythonToolchain } from '../toolchain/python/python-toolchain';
import { finalEvent, publishEvents, startRegistryTestKit, type RegistryTestKit } from './registry-test-kit';

// Java end to end: javac in a sandbox, the exploded web app as the artifact, embedded Tomcat with
// the production flags serving it read-only; then the same web app uploaded as a plain WAR.
let kit: RegistryTestKit;
let developer: Principal;
let tenantId: string;
const cacheDir = path.join(tmpdir(), 'slipway-java-toolchain-test-cache');

beforeAll(async () => {
  kit = await startRegistryTestKit(async () => ({
    java: await JavaToolchain.create({ cacheDir }),
    python: new PythonToolchain(),
  }));
  ({ principal: developer, tenantId } = await kit.member('acme', 'dev@acme.test', ['developer']));
}, 180_000);
afterAll(() => kit.close(), 30_000);

describe('publishing Java apps', () => {
  let artifactDir = '';

  it('publishes the java-hello template: compiled classes served by a production Tomcat', async () => {
    const project = await kit.projects.create(developer, tenantId, { name: 'java-app', templateId: 'java-hello' });
    const response = await kit.request(developer, 'POST', `/projects/${project.id}/publish`);
    const last = finalEvent(await publishEvents(response));
    expect(last.type, JSON.stringify(last)).toBe('done');
    if (last.type !== 'done') return;
    const page = await kit.deployments.get(last.app.id, '/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/Hello/i);
    artifactDir = await kit.artifacts.unpacked(last.version.artifactHash!);
  }, 180_000);

  it('publishes a WAR (an exploded web app zipped) unchanged, without building it', async () => {
    expect(artifactDir).not.toBe('');
    const war = execFileSync('python3', [
      '-c',
      [
        'import io,os,sys,zipfile',
        'root=sys.argv[1];b=io.BytesIO();z=zipfile.ZipFile(b,"w")',
        'for d,_,fs in os.walk(root):',
        '  for f in fs: p=os.path.join(d,f); z.write(p,os.path.relpath(p,root))',
        'z.close();sys.stdout.buffer.write(b.getvalue())',
      ].join('\n'),
      artifactDir,
    ]);
    const response = await kit.request(developer, 'POST', `/tenants/${tenantId}/apps/publish?name=war-app`, {
      body: new Blob([new Uint8Array(war)]),
      type: 'application/java-archive',
    });
    const events = await publishEvents(response);
    const last = finalEvent(events);
    expect(last.type, JSON.stringify(last)).toBe('done');
    if (last.type !== 'done') return;
    expect(last).toMatchObject({ app: { slug: 'war-app', runtime: 'java' }, version: { source: 'war' } });
    expect(events).toContainEqual({ type: 'stage', stage: 'build', state: 'done', detail: 'prebuilt web application' });
    const page = await kit.deployments.get(last.app.id, '/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/Hello/i);
  }, 120_000);

  it('publishes an exploded web app with compiled classes and WEB-INF/lib but no sources, as it is', async () => {
    expect(artifactDir).not.toBe('');
    // A web app built elsewhere: slipway.json next to src/main/webapp holding the compiled
    // servlets in WEB-INF/classes and a library jar in WEB-INF/lib; no Java sources at all.
    const dir = await mkdtemp(path.join(tmpdir(), 'slipway-exploded-'));
    const webapp = path.join(dir, 'src', 'main', 'webapp');
    await cp(artifactDir, webapp, { recursive: true });
    await chmodTree(webapp);
    await mkdir(path.join(webapp, 'WEB-INF', 'lib'), { recursive: true });
    execFileSync('/usr/lib/jvm/java-17-openjdk-amd64/bin/jar', [
      'cf',
      path.join(webapp, 'WEB-INF', 'lib', 'notes.jar'),
      '-C',
      path.join(dir, 'src'),
      '.',
    ]);
    const manifest = { name: 'exploded-app', runtime: 'java', kind: 'servlet', access: 'public' };
    await writeFile(path.join(dir, 'slipway.json'), JSON.stringify(manifest));
    const response = await kit.request(developer, 'POST', `/tenants/${tenantId}/apps/publish`, {
      body: new Blob([new Uint8Array(execFileSync('tar', ['-C', dir, '-czf', '-', '.']))]),
      type: 'application/gzip',
    });
    const last = finalEvent(await publishEvents(response));
    expect(last.type, JSON.stringify(last)).toBe('done');
    if (last.type !== 'done') return;
    expect(last).toMatchObject({ app: { slug: 'exploded-app' }, version: { source: 'cli' } });
    const page = await kit.deployments.get(last.app.id, '/hello');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/Hello/i);
    const served = await kit.artifacts.unpacked(last.version.artifactHash!);
    expect(await readdir(path.join(served, 'WEB-INF', 'lib'))).toContain('notes.jar');
    await rm(dir, { recursive: true, force: true });
  }, 120_000);
});

/** Unpacked artifacts are read-only; a copy that the test extends must be writable again. */
async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await chmodTree(child);
    else await chmod(child, 0o644);
  }
}
