import { execFileSync } from 'node:child_process';
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
});
