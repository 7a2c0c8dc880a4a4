import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { IdentityService } from '../identity/identity-service';
import type { Principal } from '../identity/principal';
import type { AppManifestInput } from '../protocol/app-manifest';
import type { TenantRole } from '../protocol/identity';
import { AppRecords } from '../registry/app-records';
import { PushChannelTokens } from '../services/push/push-channel-tokens';
import { PushHub } from '../services/push/push-hub';
import { PushLauncherTokens } from '../services/push/push-launcher-tokens';
import { PushMessageStore } from '../services/push/push-message-store';
import { PushService } from '../services/push/push-service';
import { recordingLog } from '../services/push/push-test-support';
import { ServiceContracts } from '../services/service-contracts';
import { outcomeOf } from '../test-support/domain-error-code';
import { createTestDatabase, testDialects } from '../test-support/test-databases';
import { LauncherService } from './launcher-service';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CLIENT_SCRIPT = 'http://slipway.test/push/v1/client.js';

/** The launcher on a fresh database with the real identity, app records, contracts and push. */
async function openLauncher(dialect: 'sqlite' | 'postgres') {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-launcher-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const database = await createTestDatabase(dialect, dir);
  cleanups.push(() => database.drop());
  const db = await openDatabase(database.location);
  cleanups.push(() => db.destroy());
  const identity = new IdentityService(db, { N: 1024, r: 8, p: 1 });
  const records = new AppRecords(db, (app, tenant) => `http://${app}.${tenant}.apps.test`);
  const contracts = new ServiceContracts(db);
  const log = recordingLog();
  const hub = new PushHub({ queue: new PushMessageStore(db), log });
  cleanups.push(() => hub.dispose());
  const launcherTokens = new PushLauncherTokens(path.join(dir, 'launcher.key'));
  const push = new PushService({
    tokens: new PushChannelTokens(path.join(dir, 'push.key')),
    launcherTokens,
    store: new PushMessageStore(db),
    hub,
    clientScriptUrl: CLIENT_SCRIPT,
    log,
  });
  cleanups.push(() => push.dispose());
  const warnings: string[] = [];
  const launcher = new LauncherService({ identity, records, contracts, push, warn: (m) => void warnings.push(m) });

  const developer = (await identity.createUser({ email: 'dev@slipway.test', name: 'Dev' })).id;
  const tenant = async (slug: string) => (await identity.createTenant({ name: `${slug} Ltd`, slug })).id;
  const member = async (tenantId: string, email: string, roles: TenantRole[]): Promise<Principal> => {
    const { userId, name } = await identity.addMember(tenantId, { email, name: email.split('@')[0]!, roles });
    return { userId, email, name, isOperator: false, via: 'session', sessionKey: 'k' };
  };
  /** An app with a serving version of this slipway.json (or none when `serving` is false). */
  const app = async (tenantId: string, slug: string, manifest: Partial<AppManifestInput>, serving = true) => {
    const row = await records.createApp({
      tenantId,
      slug,
      title: manifest.title ?? slug,
      runtime: 'python',
      projectId: null,
      createdBy: developer,
    });
    const version = await records.createVersion({
      appId: row.id,
      source: 'cli',
      commit: null,
      manifest: JSON.stringify({ name: slug, runtime: 'python', kind: 'wsgi', entry: 'app:app', ...manifest }),
      createdBy: developer,
    });
    await records.finishVersion(version.id, { state: 'ready', buildLog: '' });
    if (serving) await records.activate(row.id, version.id);
    return row.id;
  };
  return { db, launcher, contracts, launcherTokens, warnings, tenant, member, app };
}

describe.each(testDialects())('LauncherService on %s', (dialect) => {
  it("lists the organisation's serving apps the user's roles admit, by title, with a push token", async () => {
    const { launcher, launcherTokens, tenant, member, app } = await openLauncher(dialect);
    const acme = await tenant('acme');
    const sam = await member(acme, 'sam@acme.test', ['user']);
    const expenses = await app(acme, 'expenses', { title: 'Expenses', description: 'Claim costs.' });
    const approvals = await app(acme, 'approvals', { title: 'Approvals', access: ['manager'] });
    const menu = await app(acme, 'menu', { title: 'Canteen menu', access: 'public' });
    await app(acme, 'draft', { title: 'Not yet published' }, false);
    await app(await tenant('globex'), 'other', { title: 'Other organisation' });

    const view = await launcher.view(sam);
    expect(view.user).toEqual({ id: sam.userId, name: 'sam', email: 'sam@acme.test' });
    expect(view.tenants).toEqual([{ id: acme, slug: 'acme', name: 'acme Ltd' }]);
    expect(view.tenant).toEqual(view.tenants[0]);
    expect(view.apps).toEqual([
      { id: menu, title: 'Canteen menu', description: '', runtime: 'python', url: 'http://menu.acme.apps.test' },
      {
        id: expenses,
        title: 'Expenses',
        description: 'Claim costs.',
        runtime: 'python',
        url: 'http://expenses.acme.apps.test',
      },
    ]);
    expect(view.push).toEqual({
      token: expect.any(String) as string,
      clientScript: CLIENT_SCRIPT,
      expiresAt: expect.any(String) as string,
    });
    expect(await launcherTokens.verify(view.push!.token)).toMatchObject({ tenantId: acme, userId: sam.userId });

    const mia = await member(acme, 'mia@acme.test', ['manager']);
    expect((await launcher.view(mia)).apps.map((a) => a.id)).toEqual([approvals, menu, expenses]);
  });

  it('switches organisation on request, and refuses one the user does not belong to', async () => {
    const { launcher, tenant, member, app } = await openLauncher(dialect);
    const acme = await tenant('acme');
    const globex = await tenant('globex');
    const sam = await member(acme, 'sam@x.test', ['user']);
    await member(globex, 'sam@x.test', ['developer']);
    const globexApp = await app(globex, 'stock', { title: 'Stock' });
    const view = await launcher.view(sam, globex);
    expect(view.tenants.map((t) => t.id).sort()).toEqual([acme, globex].sort());
    expect(view.tenant?.id).toBe(globex);
    expect(view.apps.map((a) => a.id)).toEqual([globexApp]);
    const initech = await tenant('initech');
    expect(await outcomeOf(launcher.view(sam, initech))).toMatch(/^not-found: No such organisation among yours/);
  });

  it('has no push when the contract leaves it out, and nothing for a user of no organisation', async () => {
    const { launcher, contracts, tenant, member, db } = await openLauncher(dialect);
    const acme = await tenant('acme');
    const sam = await member(acme, 'sam@acme.test', ['user']);
    await contracts.setContract(acme, { services: ['datastore', 'users'] });
    expect((await launcher.view(sam)).push).toBeNull();
    await db.deleteFrom('memberships').where('user_id', '=', sam.userId).execute();
    expect(await launcher.view(sam)).toMatchObject({ tenants: [], tenant: null, apps: [], push: null });
  });

  it('leaves off an app whose stored slipway.json no longer parses, saying so', async () => {
    const { launcher, tenant, member, app, db, warnings } = await openLauncher(dialect);
    const acme = await tenant('acme');
    const sam = await member(acme, 'sam@acme.test', ['user']);
    const broken = await app(acme, 'broken', { title: 'Broken' });
    await db.updateTable('app_versions').set({ manifest: '{"name": 7}' }).where('app_id', '=', broken).execute();
    expect((await launcher.view(sam)).apps).toEqual([]);
    expect(warnings.join('\n')).toContain(`app ${broken} has an unreadable slipway.json`);
  });
});
