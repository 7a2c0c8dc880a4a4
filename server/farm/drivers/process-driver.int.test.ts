import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppManifest } from '../../protocol/app-manifest';
import type { InstanceLayout } from '../../toolchain/toolchain';
import { parsePythonInstanceLine } from '../../toolchain/python/python-instance-output';
import { PythonToolchain } from '../../toolchain/python/python-toolchain';
import type { ToolchainRegistry } from '../../toolchain/toolchains';
import type { DriverExit, DriverInstance } from '../driver';
import { buildArtifact, eventually, httpGet } from '../farm-test-support';
import { probeApp } from '../test-apps/probe-artifact';
import { CgroupLimiter } from './process-cgroups';
import { ProcessDriver } from './process-driver';
import { listProcesses, descendantsOf } from './process-table';

let root: string;
let python: PythonToolchain;
let artifact: { artifactDir: string; manifest: AppManifest };
let otherArtifact: { artifactDir: string; manifest: AppManifest };
let tcpServer: Server;
let tcpPort: number;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-process-driver-'));
  python = new PythonToolchain();
  const toolchains = { python } as unknown as ToolchainRegistry;
  artifact = await buildArtifact(toolchains, 'python-hello', root, probeApp('one'));
  otherArtifact = await buildArtifact(toolchains, 'python-hello', root, probeApp('two'));
  tcpServer = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
  const address = tcpServer.address();
  tcpPort = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  tcpServer.close();
  await python.dispose();
  await rm(root, { recursive: true, force: true });
});

let counter = 0;

async function startProbe(
  driver: ProcessDriver,
): Promise<DriverInstance & { instanceId: string; layout: InstanceLayout }> {
  const instanceId = `i${++counter}${Date.now().toString(36)}`;
  const layout: InstanceLayout = {
    projectDir: artifact.artifactDir,
    outputDir: artifact.artifactDir,
    socketDir: path.join(root, 'run', instanceId),
    dataDir: path.join(root, 'data', instanceId),
  };
  await mkdir(layout.socketDir, { recursive: true });
  await mkdir(layout.dataDir, { recursive: true });
  // Every worker must have loaded the app before a test starts: gunicorn's master forks its
  // workers one by one at start-up, and a fork burst that exhausts pids.max while the second is
  // still to come crashes the master (seen under full-suite load).
  const readyWorkers: { handle: string; workers: number }[] = [];
  const listening = driver.onDidOutput(({ handle, text }) => {
    const line = parsePythonInstanceLine(text);
    if (line.kind === 'worker-ready') readyWorkers.push({ handle, workers: line.worker.workers });
  });
  const started = await driver.start({
    instanceId,
    appId: 'app-one',
    versionId: 'v1',
    tenantId: 't1',
    spec: python.launchSpec(layout, artifact.manifest, 'production'),
    layout,
    limits: { memoryMb: 128, pids: 64 },
  });
  await eventually(() => {
    const ready = readyWorkers.filter((worker) => worker.handle === started.handle);
    return ready.length > 0 && ready.length >= (ready[0]?.workers ?? 0);
  });
  void listening.dispose();
  await eventually(() => httpGet(started.endpoint, '/').then((answer) => answer.status === 200));
  return { ...started, instanceId, layout };
}

function keeperPid(handle: string): number {
  return Number(handle.split(':')[1]);
}

describe.each(['detected', 'none'] as const)('ProcessDriver (cgroups: %s)', (cgroupChoice) => {
  let driver: ProcessDriver;
  let stateRoot: string;

  beforeAll(async () => {
    stateRoot = path.join(root, `state-${cgroupChoice}`);
    driver = await ProcessDriver.create({
      stateRoot,
      ...(cgroupChoice === 'none' ? { cgroups: CgroupLimiter.none() } : {}),
    });
  });

  afterAll(async () => {
    for (const handle of await driver.list()) await driver.stop(handle, 0);
    await driver.dispose();
  });

  it('starts a sealed instance that answers on its socket, reports output, and stops without leftovers', async () => {
    const lines: string[] = [];
    const subscription = driver.onDidOutput((line) => lines.push(line.text));
    const instance = await startProbe(driver);
    expect((await httpGet(instance.endpoint, '/')).body).toBe('one /app/data');
    await eventually(() => lines.some((line) => line.includes('probe app loaded')));
    expect(await driver.inspect(instance.handle)).toBe('running');
    expect(await driver.list()).toContain(instance.handle);

    const pid = keeperPid(instance.handle);
    const tree = descendantsOf(pid, await listProcesses()).map((process) => process.pid);
    expect(tree.length).toBeGreaterThan(2);
    await driver.stop(instance.handle, 3_000);
    // A zombie is already dead; init reaps it when it gets to it.
    const alive = (await listProcesses()).filter(
      (process) => [pid, ...tree].includes(process.pid) && process.state !== 'Z',
    );
    expect(alive).toEqual([]);
    expect(await driver.inspect(instance.handle)).toBe('missing');
    expect(await driver.list()).not.toContain(instance.handle);
    void subscription.dispose();
  });

  it('cannot open a TCP connection nor read another app’s artifact', async () => {
    const instance = await startProbe(driver);
    await new Promise<void>((resolve, reject) => {
      // The host itself can connect, so a refusal inside is the sandbox's doing.
      const socket = connect(tcpPort, '127.0.0.1', () => resolve(socket.end() && undefined));
      socket.on('error', reject);
    });
    expect((await httpGet(instance.endpoint, `/connect?port=${tcpPort}`)).body).toMatch(/^refused: /);
    const otherFile = path.join(otherArtifact.artifactDir, 'probe_app.py');
    expect((await readFile(otherFile)).length).toBeGreaterThan(0); // it exists on the host
    expect((await httpGet(instance.endpoint, `/read?path=${encodeURIComponent(otherFile)}`)).body).toMatch(/^denied: /);
    expect((await httpGet(instance.endpoint, '/read?path=/etc/shadow')).body).toMatch(/^denied: /);
    await driver.stop(instance.handle, 0);
  });

  it('reports an instance killed with SIGKILL as an exit with its last output', async () => {
    const instance = await startProbe(driver);
    const exits: DriverExit[] = [];
    const subscription = driver.onDidExit((exit) => exits.push(exit));
    const [app] = descendantsOf(keeperPid(instance.handle), await listProcesses()).filter(
      (process) => process.comm !== 'bwrap',
    );
    process.kill(app?.pid ?? -1, 'SIGKILL');
    const exit = await eventually(() => exits.find((entry) => entry.handle === instance.handle));
    expect(exit.code ?? exit.signal).not.toBe(0);
    expect(exit.lastOutput.join('\n')).toContain('probe app loaded');
    expect(await driver.inspect(instance.handle)).not.toBe('running');
    await driver.stop(instance.handle, 0);
    expect(await driver.list()).not.toContain(instance.handle);
    void subscription.dispose();
  });

  it('leaves instances running when disposed; a new driver adopts, follows and stops them', async () => {
    const instance = await startProbe(driver);
    const first = await ProcessDriver.create({ stateRoot, cgroups: driver.cgroups });
    expect(await first.inspect(instance.handle)).toBe('running');
    await first.dispose();
    expect((await httpGet(instance.endpoint, '/')).status).toBe(200);

    const second = await ProcessDriver.create({ stateRoot, cgroups: driver.cgroups });
    const exits: DriverExit[] = [];
    second.onDidExit((exit) => exits.push(exit));
    expect(await second.list()).toContain(instance.handle);
    expect(await second.inspect(instance.handle)).toBe('running');
    await httpGet(instance.endpoint, '/exit').catch(() => undefined);
    const exit = await eventually(() => exits.find((entry) => entry.handle === instance.handle));
    expect(exit.lastOutput.join('\n')).toContain('exiting on request');
    await second.stop(instance.handle, 0);
    await second.dispose();
    await driver.stop(instance.handle, 0);
  });

  it('puts the instance in cgroups with its limits when the host allows it', async () => {
    const instance = await startProbe(driver);
    const record = JSON.parse(await readFile(path.join(stateRoot, instance.instanceId, 'process.json'), 'utf8')) as {
      cgroups: string[];
    };
    if (driver.cgroups.mode === 'none') {
      expect(record.cgroups).toEqual([]);
      const status = await readFile(`/proc/${keeperPid(instance.handle)}/cgroup`, 'utf8');
      expect(status).not.toContain('slipway-farm');
    } else {
      expect(record.cgroups.length).toBeGreaterThan(0);
      const limits = await Promise.all(
        record.cgroups.flatMap((dir) =>
          ['memory.limit_in_bytes', 'memory.max', 'pids.max'].map((file) =>
            readFile(path.join(dir, file), 'utf8').then(
              (text) => `${file}=${text.trim()}`,
              () => '',
            ),
          ),
        ),
      );
      expect(limits.filter(Boolean).sort()).toEqual(
        driver.cgroups.mode === 'v1'
          ? [`memory.limit_in_bytes=${128 * 1024 * 1024}`, 'pids.max=64']
          : [`memory.max=${128 * 1024 * 1024}`, 'pids.max=64'],
      );
      // A failure below says what the instance printed (gunicorn names a worker it lost, and why).
      const printed: string[] = [];
      const listening = driver.onDidOutput((line) => {
        if (line.handle === instance.handle) printed.push(line.text);
      });
      const probe = (urlPath: string) =>
        httpGet(instance.endpoint, urlPath).catch((error: unknown) => {
          throw new Error(`GET ${urlPath}: ${String(error)}; the instance printed:\n${printed.slice(-30).join('\n')}`);
        });
      const procs = await readFile(path.join(record.cgroups[0] ?? '', 'cgroup.procs'), 'utf8');
      expect(procs.split('\n')).toContain(String(keeperPid(instance.handle)));
      expect(await driver.memoryBytes(instance.handle)).toBeGreaterThan(1024 * 1024);
      // pids.max is 64: a burst of 100 children cannot all start.
      const forked = (await probe('/fork?n=100')).body;
      expect(forked).toMatch(/^forked \d+$/);
      expect(Number(forked.split(' ')[1])).toBeLessThan(64);
      // The memory limit is 128 MB: touching 300 MB gets the worker killed, not the host swapping.
      expect((await probe('/alloc?mb=16')).body).toBe('allocated 16 MB');
      const tooMuch = await httpGet(instance.endpoint, '/alloc?mb=300').then((answer) => answer.body, String);
      expect(tooMuch).not.toBe('allocated 300 MB');
      void listening.dispose();
    }
    await driver.stop(instance.handle, 0);
    for (const dir of record.cgroups) await expect(readFile(path.join(dir, 'cgroup.procs'))).rejects.toThrow();
  });
});
