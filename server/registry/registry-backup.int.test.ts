import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../identity/principal';
import type { AppDto, AppVersionDto } from '../protocol/apps';
import { PythonToolchain } from '../toolchain/python/python-toolchain';
import type { Toolchain } from '../toolchain/toolchain';
import { finalEvent, publishEvents, startRegistryTestKit, type RegistryTestKit } from './registry-test-kit';

// Export an app (two versions, rolled back to v1) and import it into another tenant: the restored
// app serves v1 identically; tampered or malformed backups are refused and leave nothing behind.
let kit: RegistryTestKit;
let developer: Principal;
let elsewhere: { principal: Principal; tenantId: string };
let appId: string;
let backup: Buffer;

const notJava = { runtime: 'java', dispose: () => Promise.resolve() } as unknown as Toolchain;

let acmeTenantId: string;

beforeAll(async () => {
  kit = await startRegistryTestKit(() => Promise.resolve({ python: new PythonToolchain(), java: notJava }));
  const acme = await kit.member('acme', 'dev@acme.test', ['developer']);
  acmeTenantId = acme.tenantId;
  developer = acme.principal;
  elsewhere = await kit.member('globex', 'dev@globex.test', ['manager']);
  const project = await kit.projects.create(developer, acme.tenantId, { name: 'orders', templateId: 'python-hello' });
  const dir = (await kit.projects.open(developer, project.id)).dir;
  const publish = async () =>
    finalEvent(await publishEvents(await kit.request(developer, 'POST', `/projects/${project.id}/publish`)));
  const first = await publish();
  if (first.type !== 'done') throw new Error(JSON.stringify(first));
  appId = first.app.id;
  const file = path.join(dir, 'app.py');
  await writeFile(file, (await readFile(file, 'utf8')).replace('This page was rendered by', 'Second edition by'));
  expect((await publish()).type).toBe('done');
  const rolled = await kit.request(developer, 'POST', `/apps/${appId}/rollback`);
  expect(((await rolled.json()) as AppDto).activeVersion).toBe(1);
}, 60_000);
afterAll(() => kit.close(), 30_000);

async function importBackup(body: Buffer, query = '', who = elsewhere.principal) {
  return kit.request(who, 'POST', `/tenants/${elsewhere.tenantId}/apps/import${query}`, {
    body: new Blob([new Uint8Array(body)]),
    type: 'application/gzip',
  });
}

async function versionsOf(principal: Principal, id: string): Promise<AppVersionDto[]> {
  return (await kit.request(principal, 'GET', `/apps/${id}/versions`)).json() as Promise<AppVersionDto[]>;
}

/** Unpacks the backup, lets `change` edit it, and packs it again. */
async function tampered(change: (dir: string) => Promise<void>, name: string): Promise<Buffer> {
  const dir = path.join(kit.dataDir, 'tamper', name);
  await mkdir(dir, { recursive: true });
  execFileSync('tar', ['-xzf', '-', '-C', dir], { input: backup });
  await change(dir);
  return execFileSync('tar', ['-czf', '-', '-C', dir, '.']);
}

describe('app backups', () => {
  it('exports configuration, versions, artifacts, the source repository and the datastore in one archive', async () => {
    const production = { tenantId: acmeTenantId, appId, environment: 'production' as const };
    await kit.datastore.put(production, [
      { key: { kind: 'Order', name: 'o-1' }, properties: { total: { integerValue: '120' } } },
      { key: { kind: 'Order', id: '42' }, properties: { note: { stringValue: 'rush' } } },
    ]);
    // Preview data stays out of backups.
    await kit.datastore.put({ ...production, environment: 'preview' }, [
      { key: { kind: 'Draft', name: 'd' }, properties: {} },
    ]);
    const response = await kit.request(developer, 'GET', `/apps/${appId}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/orders-acme\.slipway-app\.tar\.gz/);
    backup = Buffer.from(await response.arrayBuffer());
    const names = execFileSync('tar', ['-tzf', '-'], { input: backup, encoding: 'utf8' }).split('\n');
    expect(names).toContain('slipway-app.json');
    expect(names).toContain('repository.bundle');
    expect(names).toContain('datastore.jsonl');
    expect(names.filter((n) => /^artifacts\/[0-9a-f]{64}\.tar\.gz$/.test(n))).toHaveLength(2);
    expect((await kit.request(elsewhere.principal, 'GET', `/apps/${appId}/export`)).status).toBe(404);
  });

  it('imports into another tenant: same versions, same artifacts, the same version serves', async () => {
    const response = await importBackup(backup);
    expect(response.status).toBe(201);
    const restored = (await response.json()) as AppDto;
    expect(restored).toMatchObject({
      slug: 'orders',
      activeVersion: 1,
      url: 'http://orders.globex.apps.localhost:8080',
    });
    const original = await versionsOf(developer, appId);
    const copy = await versionsOf(elsewhere.principal, restored.id);
    const shape = (v: AppVersionDto) => [v.number, v.state, v.commit, v.artifactHash, v.active];
    expect(copy.map(shape)).toEqual(original.map(shape));
    const servedOriginal = await kit.deployments.get(appId, '/');
    const servedCopy = await kit.deployments.get(restored.id, '/');
    expect(servedCopy).toEqual(servedOriginal);
    expect(servedCopy.body).toMatch(/This page was rendered by/);
    // The production datastore came along, with its keys; an id allocated now is above the imported ones.
    const restoredData = { tenantId: elsewhere.tenantId, appId: restored.id, environment: 'production' as const };
    const found = await kit.datastore.get(restoredData, [
      { kind: 'Order', name: 'o-1' },
      { kind: 'Order', id: '42' },
      { kind: 'Draft', name: 'd' },
    ]);
    expect(found.found.map((entity) => entity.properties)).toEqual([
      { total: { integerValue: '120' } },
      { note: { stringValue: 'rush' } },
    ]);
    const added = await kit.datastore.put(restoredData, [{ key: { kind: 'Order' }, properties: {} }]);
    expect(Number(added.keys[0]?.id)).toBeGreaterThan(42);
    // The restored app can move on like the original: promote v2.
    const promoted = await kit.request(elsewhere.principal, 'POST', `/apps/${restored.id}/promote`, {
      body: JSON.stringify({ version: 2 }),
      type: 'application/json',
    });
    expect(((await promoted.json()) as AppDto).activeVersion).toBe(2);
    expect((await kit.deployments.get(restored.id, '/')).body).toMatch(/Second edition by/);
    // Its source came back as an IDE project: publishing it builds the original's latest commit.
    expect(restored.projectId).not.toBeNull();
    const republished = finalEvent(
      await publishEvents(
        await kit.request(elsewhere.principal, 'POST', `/projects/${restored.projectId ?? ''}/publish`),
      ),
    );
    const secondCommit = original.find((version) => version.number === 2)?.commit;
    expect(republished).toMatchObject({ type: 'done', version: { number: 3, commit: secondCommit } });
    expect((await kit.deployments.get(restored.id, '/')).body).toMatch(/Second edition by/);
    // Its own export carries that source repository again.
    const again = Buffer.from(
      await (await kit.request(elsewhere.principal, 'GET', `/apps/${restored.id}/export`)).arrayBuffer(),
    );
    expect(execFileSync('tar', ['-tzf', '-'], { input: again, encoding: 'utf8' })).toMatch(/repository\.bundle/);
  });

  it('refuses a second app with the same slug, and accepts a new name', async () => {
    expect((await importBackup(backup)).status).toBe(409);
    const renamed = await importBackup(backup, '?name=orders-copy');
    expect(renamed.status).toBe(201);
    expect(((await renamed.json()) as AppDto).slug).toBe('orders-copy');
  });

  it('refuses tampered and malformed backups and leaves nothing behind', async () => {
    const before = (await (
      await kit.request(elsewhere.principal, 'GET', `/apps?tenantId=${elsewhere.tenantId}`)
    ).json()) as AppDto[];
    // An artifact this installation does not hold yet, whose bytes are not what its name claims.
    const swapped = await tampered(async (dir) => {
      const [artifact] = (await readdir(path.join(dir, 'artifacts'))).sort();
      const hash = artifact!.replace('.tar.gz', '');
      const fake = 'a'.repeat(64);
      await rename(path.join(dir, 'artifacts', artifact!), path.join(dir, 'artifacts', `${fake}.tar.gz`));
      const index = await readFile(path.join(dir, 'slipway-app.json'), 'utf8');
      await writeFile(path.join(dir, 'slipway-app.json'), index.replaceAll(hash, fake));
    }, 'swapped');
    const refused = await importBackup(swapped, '?name=swapped');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/does not match its hash/);

    const badManifest = await tampered(async (dir) => {
      const index = JSON.parse(await readFile(path.join(dir, 'slipway-app.json'), 'utf8')) as {
        versions: { manifest: Record<string, unknown> }[];
      };
      index.versions[0]!.manifest = { name: 'orders', runtime: 'python', kind: 'servlet' };
      await writeFile(path.join(dir, 'slipway-app.json'), JSON.stringify(index));
    }, 'manifest');
    const invalid = await importBackup(badManifest, '?name=bad-manifest');
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { detail: string }).detail).toMatch(/invalid slipway\.json/);

    const slip = execFileSync('python3', [
      '-c',
      'import io,sys,tarfile;b=io.BytesIO();t=tarfile.open(fileobj=b,mode="w:gz");i=tarfile.TarInfo("../escape");i.size=1;t.addfile(i,io.BytesIO(b"x"));t.close();sys.stdout.buffer.write(b.getvalue())',
    ]);
    expect((await importBackup(slip)).status).toBe(400);
    expect((await importBackup(Buffer.from('not a backup'))).status).toBe(415);

    const badData = await tampered(
      (dir) =>
        writeFile(
          path.join(dir, 'datastore.jsonl'),
          '{"key":{"kind":"Order","name":"x"},"properties":{"n":{"integerValue":"1e99"}}}\n',
        ),
      'datastore',
    );
    const refusedData = await importBackup(badData, '?name=bad-data');
    expect(refusedData.status).toBe(400);
    expect(((await refusedData.json()) as { detail: string }).detail).toMatch(/integerValue/);

    const badBundle = await tampered((dir) => writeFile(path.join(dir, 'repository.bundle'), 'not a bundle'), 'bundle');
    const noSource = await importBackup(badBundle, '?name=bad-bundle');
    expect(noSource.status).toBe(400);
    expect(((await noSource.json()) as { detail: string }).detail).toMatch(/not a valid git bundle/);
    const projects = (await kit.projects.list(elsewhere.principal, elsewhere.tenantId)).map((p) => p.name);
    expect(projects).not.toContain('bad-bundle');
    const after = (await (
      await kit.request(elsewhere.principal, 'GET', `/apps?tenantId=${elsewhere.tenantId}`)
    ).json()) as AppDto[];
    expect(after).toEqual(before);
    expect(await kit.artifacts.has('a'.repeat(64))).toBe(false);
  });
});
