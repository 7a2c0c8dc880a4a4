import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAppManifest } from '../../protocol/app-manifest';
import { JavaToolchain } from '../../toolchain/java/java-toolchain';
import { DockerDriver } from './docker-driver';
import { TEST_DOCKER_SOCKET, getOverSocket, waitUntilAnswers, warnWhenSkipped } from './docker-test-kit';

const templates = fileURLToPath(new URL('../../../templates', import.meta.url));

warnWhenSkipped('docker driver Java suite');

/** A production Java instance (embedded Tomcat on its Unix socket) in a container on Podman. */
describe.skipIf(!TEST_DOCKER_SOCKET)('DockerDriver runs a Java servlet app', () => {
  let toolchain: JavaToolchain;
  let driver: DockerDriver;

  beforeAll(async () => {
    toolchain = await JavaToolchain.create({ cacheDir: path.join(tmpdir(), 'slipway-java-toolchain-test-cache') });
    driver = new DockerDriver({ socketPath: TEST_DOCKER_SOCKET ?? '', installation: `java-test-${process.pid}` });
  }, 180_000);

  afterAll(async () => {
    for (const handle of await driver.list()) await driver.stop(handle, 0);
    await driver.dispose();
    await toolchain.dispose();
    if (root) await rm(root, { recursive: true, force: true });
  });

  let root = '';

  it('serves java-hello from the container, with the manifest env', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'slipway-docker-java-'));
    const layout = {
      projectDir: path.join(root, 'project'),
      outputDir: path.join(root, 'build'),
      socketDir: path.join(root, 'sockets'),
      dataDir: path.join(root, 'data'),
    };
    await cp(path.join(templates, 'java-hello'), layout.projectDir, { recursive: true });
    for (const dir of [layout.outputDir, layout.socketDir, layout.dataDir]) await mkdir(dir, { recursive: true });
    const text = await readFile(path.join(layout.projectDir, 'slipway.json'), 'utf8');
    const manifest = parseAppManifest(text.replace('"GREETING": "Hello"', '"GREETING": "Howdy"'));
    const build = await toolchain.build({
      projectDir: layout.projectDir,
      outputDir: layout.outputDir,
      manifest,
      signal: new AbortController().signal,
      log: () => undefined,
    });
    expect(build.ok).toBe(true);
    const spec = toolchain.launchSpec(layout, manifest, 'production');
    const lines: string[] = [];
    const output = driver.onDidOutput((line) => lines.push(line.text));
    const instance = await driver.start({
      instanceId: 'java-hello',
      appId: 'app-java',
      versionId: 'version-1',
      tenantId: 'tenant-1',
      spec,
      layout,
      limits: { memoryMb: manifest.memory, pids: 128 },
    });
    try {
      const socket = instance.endpoint.kind === 'unix' ? instance.endpoint.path : '';
      await waitUntilAnswers(socket, 600).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${lines.join('\n')}`);
      });
      const hello = await getOverSocket(socket, '/hello?name=Ada');
      expect(hello.status).toBe(200);
      expect(hello.text).toContain('Howdy');
    } finally {
      void output.dispose();
      await driver.stop(instance.handle, 2_000);
    }
  }, 240_000);
});
