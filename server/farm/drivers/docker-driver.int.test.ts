import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverExit } from '../driver';
import { SERVICES_SOCKET_NAME } from '../../protocol/platform-services';
import { InstanceTokens } from '../../services/instance-tokens';
import { SocketServicesAttachment } from '../../services/services-attachment';
import { DockerDriver } from './docker-driver';
import {
  TEST_DOCKER_SOCKET,
  getOverSocket,
  probeAppRequest,
  removeProbeApps,
  waitUntilAnswers,
  warnWhenSkipped,
} from './docker-test-kit';
import { RUNTIME_HASH_LABEL, RUNTIME_UID, runtimeImageArchive } from './runtime-image';

warnWhenSkipped('docker driver suite');

describe.skipIf(!TEST_DOCKER_SOCKET)('DockerDriver on Podman', () => {
  const socketPath = TEST_DOCKER_SOCKET ?? '';
  const installation = `test-${process.pid}`;
  const engine = new Docker({ socketPath });
  let driver: DockerDriver;

  beforeAll(async () => {
    driver = new DockerDriver({ socketPath, installation });
    await driver.prepare();
  });

  afterAll(async () => {
    for (const handle of await driver.list()) await driver.stop(handle, 0);
    await driver.dispose();
    await removeProbeApps();
  });

  it('builds the runtime image once and finds it again by its hash label', async () => {
    const { hash } = runtimeImageArchive();
    const images = await engine.listImages({ filters: { label: [`${RUNTIME_HASH_LABEL}=${hash}`] } });
    expect(images).toHaveLength(1);
    const second = new DockerDriver({ socketPath, installation });
    expect(await second.prepare()).toBe(images[0]?.Id);
    await second.dispose();
    expect(await engine.listImages({ filters: { label: [`${RUNTIME_HASH_LABEL}=${hash}`] } })).toHaveLength(1);
  });

  it('runs a WSGI app that answers on its Unix socket from the host, with its env, as an unprivileged user', async () => {
    const request = await probeAppRequest('wsgi-basic', { GREETING: 'hello from the manifest' });
    const instance = await driver.start(request);
    try {
      expect(instance.endpoint).toEqual({ kind: 'unix', path: path.join(request.layout.socketDir, 'app.sock') });
      const socket = instance.endpoint.kind === 'unix' ? instance.endpoint.path : '';
      await waitUntilAnswers(socket);
      expect(await getOverSocket(socket, '/env')).toEqual({ status: 200, text: 'hello from the manifest' });
      expect((await getOverSocket(socket, '/whoami')).text).toBe(`${RUNTIME_UID}:${RUNTIME_UID}`);
      expect((await getOverSocket(socket, '/write')).text).toBe('ok');
      expect(await readFile(path.join(request.layout.dataDir, 'written.txt'), 'utf8')).toBe('from the container');
      expect((await getOverSocket(socket, '/write-root')).text).toMatch(/^failed: .*Read-only file system/);
      expect(await driver.inspect(instance.handle)).toBe('running');
      expect(await driver.list()).toContain(instance.handle);
    } finally {
      await driver.stop(instance.handle, 1_000);
    }
  });

  it('lets the app reach the platform services socket through the SDK, with its token', async () => {
    const request = await probeAppRequest('wsgi-services');
    const servicesDir = path.join(request.layout.dataDir, '..', 'services');
    await mkdir(servicesDir, { recursive: true });
    const seen: string[] = [];
    // A stand-in for the services socket: this test is about the container reaching it.
    const services = createHttpServer((incoming, answer) => {
      seen.push(`${incoming.url ?? ''} ${incoming.headers.authorization ?? ''}`);
      answer.writeHead(200, { 'content-type': 'application/json' });
      answer.end(JSON.stringify({ users: [{ id: 'u1', name: 'Ana', email: 'a@x.test', roles: [] }] }));
    });
    await new Promise<void>((resolve) => services.listen(path.join(servicesDir, SERVICES_SOCKET_NAME), resolve));
    await chmod(path.join(servicesDir, SERVICES_SOCKET_NAME), 0o666);
    const tokens = new InstanceTokens(path.join(request.layout.dataDir, '..', 'tokens.key'));
    const grant = {
      scope: { tenantId: 't', appId: 'app-probe', environment: 'production' as const },
      instanceId: 'i1',
    };
    const spec = await new SocketServicesAttachment(tokens, servicesDir).attach(request.spec, grant);
    const instance = await driver.start({ ...request, spec });
    try {
      const socket = instance.endpoint.kind === 'unix' ? instance.endpoint.path : '';
      await waitUntilAnswers(socket);
      expect(await getOverSocket(socket, '/services')).toEqual({ status: 200, text: '["Ana"]' });
      expect(seen).toEqual([`/_platform/v1/users/list Bearer ${spec.env.SLIPWAY_SERVICES_TOKEN ?? ''}`]);
    } finally {
      await driver.stop(instance.handle, 0);
      await new Promise<void>((resolve) => services.close(() => resolve()));
    }
  });

  it('seals the container: no network (a host loopback listener is unreachable), limits and hardening set', async () => {
    const listener = await listenOnLoopback();
    const port = (listener.address() as { port: number }).port;
    const request = await probeAppRequest('wsgi-sealed');
    const instance = await driver.start(request);
    try {
      const socket = instance.endpoint.kind === 'unix' ? instance.endpoint.path : '';
      await waitUntilAnswers(socket);
      expect((await getOverSocket(socket, `/connect?127.0.0.1:${port}`)).text).toMatch(/^failed: .*refused/i);
      const info = await engine.getContainer(instance.handle).inspect();
      expect(info.HostConfig.NetworkMode).toBe('none');
      expect(info.HostConfig.Memory).toBe(96 * 1024 * 1024);
      expect(info.HostConfig.PidsLimit).toBe(64);
      expect(info.HostConfig.ReadonlyRootfs).toBe(true);
      expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
      expect(info.HostConfig.Ulimits?.map((limit) => limit.Name).sort()).toEqual(['RLIMIT_NOFILE', 'RLIMIT_NPROC']);
      // The limits hold: pids.max 64 stops a burst of 100 children; 300 MB cannot fit in 96 MB.
      const forked = (await getOverSocket(socket, '/fork?100')).text;
      expect(forked).toMatch(/^forked \d+$/);
      expect(Number(forked.split(' ')[1])).toBeLessThan(64);
      expect((await getOverSocket(socket, '/alloc?16')).text).toBe('allocated 16 MB');
      const tooMuch = await getOverSocket(socket, '/alloc?300').then((answer) => answer.text, String);
      expect(tooMuch).not.toBe('allocated 300 MB');
      const memory = await driver.memoryBytes(instance.handle);
      expect(memory).toBeGreaterThan(1024 * 1024);
      expect(memory).toBeLessThan(96 * 1024 * 1024);
    } finally {
      await driver.stop(instance.handle, 1_000);
      listener.close();
    }
  });

  it('reports output lines, and a killed container through onDidExit with its last lines', async () => {
    const request = await probeAppRequest('wsgi-killed');
    const instance = await driver.start(request);
    const lines: string[] = [];
    const output = driver.onDidOutput((line) => {
      if (line.handle === instance.handle) lines.push(line.text);
    });
    const exited = new Promise<DriverExit>((resolve) => {
      driver.onDidExit((exit) => {
        if (exit.handle === instance.handle) resolve(exit);
      });
    });
    try {
      const socket = instance.endpoint.kind === 'unix' ? instance.endpoint.path : '';
      await waitUntilAnswers(socket);
      await getOverSocket(socket, '/say?marker-42');
      await engine.getContainer(instance.handle).kill({ signal: 'SIGKILL' });
      const exit = await exited;
      expect(exit.signal).toBe('SIGKILL');
      expect(exit.lastOutput.some((line) => line.includes('said: marker-42'))).toBe(true);
      expect(lines.some((line) => line.includes('said: marker-42'))).toBe(true);
      expect(await driver.inspect(instance.handle)).toBe('exited');
    } finally {
      void output.dispose();
      await driver.stop(instance.handle, 0);
    }
  });

  it('adopts a running container after a platform restart: a new driver reports its output and its end', async () => {
    const request = await probeAppRequest('wsgi-adopted');
    const instance = await driver.start(request);
    const restarted = new DockerDriver({ socketPath, installation });
    try {
      await driver.dispose(); // the platform went away; the container keeps running
      const socket = instance.endpoint.kind === 'unix' ? instance.endpoint.path : '';
      await waitUntilAnswers(socket);
      expect(await restarted.inspect(instance.handle)).toBe('running');
      const said = new Promise<string>((resolve) =>
        restarted.onDidOutput((line) => {
          if (line.text.includes('said: ')) resolve(line.text);
        }),
      );
      await getOverSocket(socket, '/say?after-restart');
      expect(await said).toContain('said: after-restart');
      const exited = new Promise<DriverExit>((resolve) => restarted.onDidExit(resolve));
      await engine.getContainer(instance.handle).kill({ signal: 'SIGKILL' });
      expect((await exited).handle).toBe(instance.handle);
    } finally {
      await restarted.stop(instance.handle, 0);
      await restarted.dispose();
      driver = new DockerDriver({ socketPath, installation });
    }
  });

  it('stop removes the container and its socket, is idempotent, and fires no exit event', async () => {
    const request = await probeAppRequest('wsgi-stopped');
    const instance = await driver.start(request);
    const exits: DriverExit[] = [];
    const listener = driver.onDidExit((exit) => exits.push(exit));
    const socket = instance.endpoint.kind === 'unix' ? instance.endpoint.path : '';
    await waitUntilAnswers(socket);
    await driver.stop(instance.handle, 2_000);
    await driver.stop(instance.handle, 2_000);
    void listener.dispose();
    expect(await driver.inspect(instance.handle)).toBe('missing');
    expect(await driver.list()).not.toContain(instance.handle);
    await expect(stat(socket)).rejects.toThrow(/ENOENT/);
    expect(exits).toEqual([]);
  });

  it('refuses to start when the container user could not read a read-only bind', async () => {
    const request = await probeAppRequest('wsgi-unreadable');
    await chmod(request.layout.outputDir, 0o700);
    await expect(driver.start(request)).rejects.toThrow(/cannot read .*build \(mode 700\)/);
    expect(await driver.list()).toEqual([]);
  });

  it('lists only the containers of its own installation', async () => {
    const request = await probeAppRequest('wsgi-other-installation');
    const other = new DockerDriver({ socketPath, installation: `${installation}-other` });
    const instance = await other.start(request);
    try {
      expect(await other.list()).toEqual([instance.handle]);
      expect(await driver.list()).not.toContain(instance.handle);
      expect(await driver.inspect(instance.handle)).toBe('missing');
    } finally {
      await other.stop(instance.handle, 0);
      await other.dispose();
    }
  });
});

function listenOnLoopback(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((connection) => connection.end('reached the host\n'));
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
