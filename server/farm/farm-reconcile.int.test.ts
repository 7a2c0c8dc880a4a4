import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JavaToolchain } from '../toolchain/java/java-toolchain';
import { PythonToolchain } from '../toolchain/python/python-toolchain';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import { appProcessesOf, listProcesses } from './drivers/process-table';
import {
  activateVersion,
  buildArtifact,
  eventually,
  farmFixture,
  httpGet,
  type FarmTestDatabase,
} from './farm-test-support';
import type { VersionToServe } from './deployments';
import type { InstanceEndpoint } from './driver';
import { probeApp } from './test-apps/probe-artifact';
import { testDialects } from '../test-support/test-databases';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CRASHING_PLATFORM = fileURLToPath(new URL('./test-apps/crashing-platform.ts', import.meta.url));

let root: string;
let python: PythonToolchain;
let java: JavaToolchain;
let toolchains: ToolchainRegistry;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-farm-reconcile-'));
  python = new PythonToolchain();
  // The Java tests' launcher cache: the launcher is compiled once per machine.
  java = await JavaToolchain.create({ cacheDir: path.join(tmpdir(), 'slipway-java-toolchain-test-cache') });
  toolchains = { python, java };
}, 180_000);

afterAll(async () => {
  await python.dispose();
  await java.dispose();
  await rm(root, { recursive: true, force: true });
});

async function rowStates(data: FarmTestDatabase, appId: string): Promise<string[]> {
  const rows = await data.db
    .selectFrom('instances')
    .innerJoin('app_versions', 'app_versions.id', 'instances.version_id')
    .select(['app_versions.number', 'instances.state'])
    .where('instances.app_id', '=', appId)
    .execute();
  return rows.map((row) => `v${row.number} ${row.state}`).sort();
}

describe.each(testDialects())('Farm reconciliation after a platform crash (%s)', (dialect) => {
  let data: FarmTestDatabase;
  let makeFarm: Awaited<ReturnType<typeof farmFixture>>['makeFarm'];

  beforeAll(async () => {
    ({ data, makeFarm } = await farmFixture(await mkdtemp(path.join(root, `${dialect}-`)), toolchains, dialect));
  });

  afterAll(() => data.close());

  it('adopts the active version’s live instance, removes the half-published version, never routes two', async () => {
    const appId = await data.addApp('ledger', 'python');
    const v1 = await data.addVersion(
      appId,
      1,
      await buildArtifact(toolchains, 'python-hello', root, probeApp('one', { scaling: { min: 1 } })),
    );
    const v2 = await data.addVersion(
      appId,
      2,
      await buildArtifact(toolchains, 'python-hello', root, probeApp('two', { scaling: { min: 1 } })),
    );

    const first = await makeFarm({ keepInstancesOnDispose: true });
    await first.farm.start([]);
    await activateVersion(first.farm, data, v1);
    const v1Endpoint = first.sink.current(appId)?.upstreams[0];
    if (!v1Endpoint) throw new Error('v1 is not routed');
    // The platform "crashes" while v2 waits for its commit: v2's instance runs, v1 still serves.
    let reachedCommit = false;
    void activateVersion(first.farm, data, v2, {
      onCommit: () => {
        reachedCommit = true;
        return new Promise<void>(() => undefined);
      },
    }).catch(() => undefined);
    await eventually(() => reachedCommit);
    expect(await rowStates(data, appId)).toEqual(['v1 ready', 'v2 ready']);
    await first.farm.dispose(); // keeps instances, like a crash (SIGKILL) would

    const second = await makeFarm({ keepInstancesOnDispose: true });
    await second.farm.start([v1]);
    expect(second.sink.tables.every((table) => table.filter((route) => route.appId === appId).length <= 1)).toBe(true);
    expect(second.sink.tables.flat().some((route) => route.versionNumber === 2)).toBe(false);
    expect(second.sink.current(appId)?.upstreams).toEqual([v1Endpoint]);
    expect((await httpGet(v1Endpoint, '/')).body).toBe('one /app/data');
    expect(await rowStates(data, appId)).toEqual(['v1 ready', 'v2 stopped']);
    expect(await second.driver.list()).toHaveLength(1);
    await second.farm.dispose();

    // The instance dies while no platform runs: the next start replaces it.
    const [handle] = await second.driver.list();
    const keeper = Number(handle?.split(':')[1]);
    expect(appProcessesOf(keeper, await listProcesses()).length).toBeGreaterThan(0);
    process.kill(keeper, 'SIGKILL');
    await eventually(async () => !(await listProcesses()).some((p) => p.pid === keeper && p.state !== 'Z'));

    const third = await makeFarm();
    await third.farm.start([v1]);
    const replacement = third.sink.current(appId)?.upstreams[0];
    if (!replacement) throw new Error('v1 was not restarted');
    expect((await httpGet(replacement, '/')).body).toBe('one /app/data');
    expect(await rowStates(data, appId)).toEqual(['v1 crashed', 'v1 ready', 'v2 stopped']);
    await third.farm.dispose();
    expect(await rowStates(data, appId)).toEqual(['v1 crashed', 'v1 stopped', 'v2 stopped']);
    expect(await third.driver.list()).toEqual([]);
  });
});

describe('Farm with a Java app', () => {
  it('serves it on embedded Tomcat, with session affinity', async () => {
    const { data, makeFarm } = await farmFixture(await mkdtemp(path.join(root, 'java-')), toolchains);
    const appId = await data.addApp('greeter', 'java');
    const version = await data.addVersion(appId, 1, await buildArtifact(toolchains, 'java-hello', root));
    const { farm, sink } = await makeFarm();
    await farm.start([]);
    try {
      await activateVersion(farm, data, version);
      const route = sink.current(appId);
      expect(route).toMatchObject({ versionNumber: 1, affinity: true });
      const upstream = route?.upstreams[0];
      if (!upstream) throw new Error('not routed');
      const answer = await httpGet(upstream, '/hello?name=Farm');
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('Farm');
    } finally {
      await farm.dispose();
      await data.close();
    }
  });
});

describe('Farm after a SIGKILL of the platform process mid-publish', () => {
  it('keeps v1 answering while no platform runs, then adopts it and removes the uncommitted v2', async () => {
    const dir = await mkdtemp(path.join(root, 'killed-'));
    const { data, makeFarm } = await farmFixture(dir, toolchains);
    const appId = await data.addApp('orders', 'python');
    const versions = [
      await data.addVersion(
        appId,
        1,
        await buildArtifact(toolchains, 'python-hello', root, probeApp('one', { scaling: { min: 1 } })),
      ),
      await data.addVersion(
        appId,
        2,
        await buildArtifact(toolchains, 'python-hello', root, probeApp('two', { scaling: { min: 1 } })),
      ),
    ];
    const versionsFile = path.join(dir, 'versions.json');
    await writeFile(versionsFile, JSON.stringify(versions));
    // node itself (not the tsx wrapper, which would outlive a SIGKILL of itself as a second process).
    const platform = spawn(
      process.execPath,
      ['--import', 'tsx', CRASHING_PLATFORM, dir, path.join(dir, 'slipway.db'), versionsFile],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const output: string[] = [];
    createInterface({ input: platform.stdout }).on('line', (line) => output.push(line));
    const exited = new Promise((resolve) => platform.once('exit', resolve));
    try {
      await eventually(() => output.includes('@commit'), 60_000);
    } finally {
      platform.kill('SIGKILL');
      await exited;
    }
    expect(await rowStates(data, appId)).toEqual(['v1 ready', 'v2 ready']);
    const v1Row = await data.db
      .selectFrom('instances')
      .selectAll()
      .where('version_id', '=', versions[0]?.versionId ?? '')
      .executeTakeFirstOrThrow();
    const v1Endpoint = JSON.parse(v1Row.endpoint ?? '{}') as InstanceEndpoint;
    // No platform runs now, and the app still answers.
    expect((await httpGet(v1Endpoint, '/')).body).toBe('one /app/data');

    const { farm, sink, driver } = await makeFarm();
    try {
      await farm.start([versions[0] as VersionToServe]);
      expect(sink.current(appId)?.upstreams).toEqual([v1Endpoint]);
      expect(sink.tables.flat().some((route) => route.versionNumber === 2)).toBe(false);
      expect(await rowStates(data, appId)).toEqual(['v1 ready', 'v2 stopped']);
      expect(await driver.list()).toEqual([v1Row.handle]);
      const logs: string[] = [];
      for await (const line of farm.logs(appId, { follow: false, signal: new AbortController().signal })) {
        logs.push(line.text);
      }
      expect(logs.some((text) => text.includes('adopted'))).toBe(true);
    } finally {
      await farm.dispose();
      await data.close();
    }
    expect(await driver.list()).toEqual([]);
  });
});
