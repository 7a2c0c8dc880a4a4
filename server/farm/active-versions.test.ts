import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAppManifest } from '../protocol/app-manifest';
import { testDialects } from '../test-support/test-databases';
import { activeVersionsFromDatabase } from './active-versions';
import { collectingLogger, FarmTestDatabase } from './farm-test-support';

const manifest = parseAppManifest(JSON.stringify({ name: 'shop', runtime: 'python', kind: 'wsgi', entry: 'app:app' }));

describe.each(testDialects())('activeVersionsFromDatabase (%s)', (dialect) => {
  let root: string;
  let data: FarmTestDatabase;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'slipway-active-versions-'));
    data = await FarmTestDatabase.open(root, dialect);
  });

  afterAll(async () => {
    await data.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lists each app’s active ready version with its unpacked artifact; skips unusable ones', async () => {
    const served = await data.addApp('shop', 'python');
    await data.addVersion(served, 1, { artifactDir: '/unused', manifest });
    const v2 = await data.addVersion(served, 2, { artifactDir: '/unused', manifest });
    await data.db
      .updateTable('app_versions')
      .set({ artifact_hash: 'a'.repeat(64) })
      .where('id', '=', v2.versionId)
      .execute();
    await data.commitOf(v2)();
    const broken = await data.addApp('broken', 'python');
    const b1 = await data.addVersion(broken, 1, { artifactDir: '/unused', manifest });
    await data.commitOf(b1)(); // no artifact hash: cannot be served
    await data.addApp('never-published', 'python');

    const log = collectingLogger();
    const versions = await activeVersionsFromDatabase(data.db, (hash) => Promise.resolve(`/artifacts/${hash}`), log);
    expect(versions).toEqual([
      {
        appId: served,
        tenantId: data.tenantId,
        appSlug: 'shop',
        tenantSlug: 'acme',
        versionId: v2.versionId,
        versionNumber: 2,
        manifest,
        artifactDir: `/artifacts/${'a'.repeat(64)}`,
      },
    ]);
    expect(log.lines.join('\n')).toContain('cannot serve broken v1');
  });
});
