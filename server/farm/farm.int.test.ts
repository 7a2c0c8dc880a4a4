import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppManifest } from '../protocol/app-manifest';
import type { AppLogLineDto } from '../protocol/apps';
import { PythonToolchain } from '../toolchain/python/python-toolchain';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import type { VersionToServe } from './deployments';
import { appProcessesOf, listProcesses } from './drivers/process-table';
import type { ProcessDriver } from './drivers/process-driver';
import type { Farm } from './farm';
import {
  activateVersion,
  buildArtifact,
  eventually,
  farmFixture,
  httpGet,
  type FarmTestDatabase,
  type RecordingRouteSink,
} from './farm-test-support';
import { probeApp } from './test-apps/probe-artifact';

let root: string;
let python: PythonToolchain;
let toolchains: ToolchainRegistry;
let data: FarmTestDatabase;
let farm: Farm;
let sink: RecordingRouteSink;
let driver: ProcessDriver;
let switchBack: (appId: string) => Promise<boolean> = () => Promise.resolve(false);

type Artifact = { artifactDir: string; manifest: AppManifest };
const build = (label: string, options?: Parameters<typeof probeApp>[1]): Promise<Artifact> =>
  buildArtifact(toolchains, 'python-hello', root, probeApp(label, options));

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-farm-'));
  python = new PythonToolchain();
  toolchains = { python } as unknown as ToolchainRegistry;
  const fixture = await farmFixture(root, toolchains);
  data = fixture.data;
  ({ farm, sink, driver } = await fixture.makeFarm({ switchBack: (appId) => switchBack(appId) }));
  await farm.start([]);
});

afterAll(async () => {
  await farm.dispose();
  await data.close();
  await python.dispose();
  await rm(root, { recursive: true, force: true });
});

async function answerOf(appId: string): Promise<string> {
  const upstream = sink.current(appId)?.upstreams[0];
  if (!upstream) throw new Error('no upstream');
  return (await httpGet(upstream, '/')).body;
}

async function readLogs(appId: string): Promise<AppLogLineDto[]> {
  const lines: AppLogLineDto[] = [];
  for await (const line of farm.logs(appId, { follow: false, signal: new AbortController().signal })) lines.push(line);
  return lines;
}

describe('Farm with the process driver', () => {
  let appId: string;
  let v1: VersionToServe;
  let v2: VersionToServe;

  it('activates v1: start → health → switch, then routes to its ready instance', async () => {
    appId = await data.addApp('shop', 'python');
    v1 = await data.addVersion(appId, 1, await build('one'));
    const stages = await activateVersion(farm, data, v1);
    expect(stages).toEqual([
      'start started',
      'start done',
      'health started',
      'health done',
      'switch started',
      'switch done',
    ]);
    expect(sink.current(appId)).toMatchObject({ versionNumber: 1, host: 'shop.acme.apps.localhost' });
    expect(await answerOf(appId)).toBe('one /app/data');
    expect(await data.versionHealth(v1.versionId)).toBe('healthy');
    const [instance] = await farm.instances(appId);
    expect(instance).toMatchObject({ version: 1, state: 'ready', driver: 'process', restarts: 0 });
    const logs = await readLogs(appId);
    expect(logs.some((line) => line.stream === 'stderr' && line.text.includes('probe app loaded'))).toBe(true);
    expect(logs.some((line) => line.stream === 'platform' && line.text.includes('ready'))).toBe(true);
  });

  it('switches to v2 only once v2 answers and after the commit, then stops v1', async () => {
    v2 = await data.addVersion(appId, 2, await build('two'));
    const v1Endpoint = sink.current(appId)?.upstreams[0];
    if (!v1Endpoint) throw new Error('v1 has no upstream');
    let tablesAtCommit = -1;
    await activateVersion(farm, data, v2, {
      onCommit: async () => {
        tablesAtCommit = sink.tables.length;
        const states = (await farm.instances(appId)).map((instance) => `${instance.version} ${instance.state}`);
        expect(states).toContain('2 ready');
        expect(sink.current(appId)?.versionNumber).toBe(1);
      },
    });
    expect(tablesAtCommit).toBeGreaterThan(0);
    const versionsBeforeCommit = sink.tables.slice(0, tablesAtCommit).map((t) => t.find((r) => r.appId === appId));
    expect(versionsBeforeCommit.some((route) => route?.versionNumber === 2)).toBe(false);
    expect(versionsBeforeCommit.at(-1)?.versionNumber).toBe(1);
    expect(sink.current(appId)?.versionNumber).toBe(2);
    expect(await answerOf(appId)).toBe('two /app/data');
    await farm.settled();
    await expect(httpGet(v1Endpoint, '/')).rejects.toThrow();
    const states = (await farm.instances(appId)).map((instance) => `${instance.version} ${instance.state}`);
    expect(states.sort()).toEqual(['1 stopped', '2 ready']);
  });

  it('keeps v2 routed when v3 fails its health check, and removes all of v3’s instances', async () => {
    const v3 = await data.addVersion(
      appId,
      3,
      await build('three', { env: { PROBE_BROKEN: '1' }, scaling: { min: 2, max: 2 } }),
    );
    const handlesBefore = await driver.list();
    const tables = sink.tables.length;
    const failure = activateVersion(farm, data, v3);
    await expect(failure).rejects.toMatchObject({ code: 'failed-dependency', data: { stage: 'health' } });
    await expect(failure).rejects.toThrow(/^health: .*broken on purpose/s);
    expect(sink.tables.slice(tables).every((table) => table.find((r) => r.appId === appId)?.versionNumber === 2)).toBe(
      true,
    );
    expect(await answerOf(appId)).toBe('two /app/data');
    const v3States = (await farm.instances(appId)).filter((i) => i.version === 3).map((i) => i.state);
    expect(v3States).toEqual(['crashed', 'crashed']);
    expect((await driver.list()).sort()).toEqual(handlesBefore.sort());
  });

  it('restarts an instance killed with SIGKILL and routes to it again', async () => {
    const [instance] = (await farm.instances(appId)).filter((i) => i.state === 'ready');
    const row = await data.db
      .selectFrom('instances')
      .select('handle')
      .where('id', '=', instance?.id ?? '')
      .executeTakeFirstOrThrow();
    const keeper = Number(row.handle?.split(':')[1]);
    const [app] = appProcessesOf(keeper, await listProcesses());
    process.kill(app?.pid ?? -1, 'SIGKILL');
    await eventually(async () =>
      (await farm.instances(appId)).find((i) => i.id === instance?.id && i.restarts === 1 && i.state === 'ready'),
    );
    expect(await answerOf(appId)).toBe('two /app/data');
    const logs = await readLogs(appId);
    expect(
      logs.some((line) => line.stream === 'platform' && /crashed \(exit 137|signal SIGKILL\)/.test(line.text)),
    ).toBe(true);
  });

  it('marks a crash-looping version unhealthy and switches back to the previous one', async () => {
    const v4 = await data.addVersion(appId, 4, await build('four', { env: { PROBE_CRASH_AFTER_MS: '1500' } }));
    switchBack = async () => {
      await activateVersion(farm, data, v2);
      return true;
    };
    await activateVersion(farm, data, v4);
    expect(sink.current(appId)?.versionNumber).toBe(4);
    await eventually(() => data.versionHealth(v4.versionId).then((health) => health === 'unhealthy'), 60_000);
    await eventually(
      () => sink.current(appId)?.versionNumber === 2 && (sink.current(appId)?.upstreams.length ?? 0) > 0,
    );
    expect(await answerOf(appId)).toBe('two /app/data');
    await farm.settled();
    const v4States = (await farm.instances(appId)).filter((i) => i.version === 4).map((i) => i.state);
    expect(v4States.every((state) => state === 'crashed' || state === 'stopped')).toBe(true);
    expect(farm.status(appId)).toBe('serving');
    switchBack = () => Promise.resolve(false);
  });

  it('without an older version to go back to, leaves a crash-looping app to the activator and says so', async () => {
    const lonelyId = await data.addApp('lonely', 'python');
    const crashing = await data.addVersion(
      lonelyId,
      1,
      await build('lonely', { env: { PROBE_CRASH_AFTER_MS: '800' } }),
    );
    await activateVersion(farm, data, crashing);
    await eventually(() => farm.status(lonelyId) === 'crash-loop', 60_000);
    expect(sink.current(lonelyId)?.upstreams).toEqual([]);
    await expect(farm.wake(lonelyId, new AbortController().signal)).rejects.toThrow(/keeps crashing/);
    expect(await data.versionHealth(crashing.versionId)).toBe('unhealthy');
    await farm.retire(lonelyId);
    expect(sink.current(lonelyId)).toBeUndefined();
  });

  it('scales an idle app to zero and wakes it with one shared start', async () => {
    const idleId = await data.addApp('sleepy', 'python');
    const version = await data.addVersion(idleId, 1, await build('sleepy', { scaling: { min: 0, idleSeconds: 1 } }));
    await activateVersion(farm, data, version);
    await eventually(() => farm.status(idleId) === 'scaled-to-zero');
    await farm.settled();
    expect(sink.current(idleId)?.upstreams).toEqual([]);
    const signal = new AbortController().signal;
    const [first, second] = await Promise.all([farm.wake(idleId, signal), farm.wake(idleId, signal)]);
    expect(second).toEqual(first);
    expect((await httpGet(first, '/')).body).toBe('sleepy /app/data');
    const states = (await farm.instances(idleId)).map((i) => i.state);
    expect(states.sort()).toEqual(['ready', 'stopped']);
    await farm.retire(idleId);
  });

  it('scales out when the gateway reports more requests in flight than one instance should take, and back in', async () => {
    const busyId = await data.addApp('busy', 'python');
    const version = await data.addVersion(busyId, 1, await build('busy', { scaling: { min: 1, max: 2 } }));
    await activateVersion(farm, data, version);
    expect(sink.current(busyId)?.upstreams).toHaveLength(1);
    farm.noteTraffic(busyId, { requests: 100, concurrency: 20, at: Date.now() });
    await eventually(() => sink.current(busyId)?.upstreams.length === 2);
    const [a, b] = sink.current(busyId)?.upstreams ?? [];
    expect(a).not.toEqual(b);
    farm.noteTraffic(busyId, { requests: 1, concurrency: 0, at: Date.now() });
    await eventually(() => sink.current(busyId)?.upstreams.length === 1);
    await farm.settled();
    expect((await farm.instances(busyId)).map((i) => i.state).sort()).toEqual(['ready', 'stopped']);
    await farm.retire(busyId);
  });

  it('refuses to wake an app that has no active version', async () => {
    await expect(farm.wake('no-such-app', new AbortController().signal)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('retires an app: its instances stop and its route goes away', async () => {
    await farm.retire(appId);
    expect(sink.current(appId)).toBeUndefined();
    const states = new Set((await farm.instances(appId)).map((i) => i.state));
    expect([...states].every((state) => state === 'stopped' || state === 'crashed')).toBe(true);
  });
});
