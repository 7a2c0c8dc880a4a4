import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JavaToolchain } from '../toolchain/java/java-toolchain';
import { PythonToolchain } from '../toolchain/python/python-toolchain';
import type { ToolchainRegistry } from '../toolchain/toolchains';
import type { Farm } from './farm';
import {
  activateVersion,
  buildArtifact,
  farmFixture,
  httpGet,
  templatesRoot,
  type FarmTestDatabase,
  type RecordingRouteSink,
} from './farm-test-support';

const templates = (await readdir(templatesRoot, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let root: string;
let python: PythonToolchain;
let java: JavaToolchain;
let toolchains: ToolchainRegistry;
let data: FarmTestDatabase;
let farm: Farm;
let sink: RecordingRouteSink;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-farm-templates-'));
  python = new PythonToolchain();
  java = await JavaToolchain.create({ cacheDir: path.join(tmpdir(), 'slipway-java-toolchain-test-cache') });
  toolchains = { python, java };
  const fixture = await farmFixture(root, toolchains);
  data = fixture.data;
  ({ farm, sink } = await fixture.makeFarm());
  await farm.start([]);
}, 180_000);

afterAll(async () => {
  await farm.dispose();
  await data.close();
  await python.dispose();
  await java.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('every template runs as a production instance of the farm', () => {
  it.each(templates)('%s answers its start page through its route', async (template) => {
    const artifact = await buildArtifact(toolchains, template, root);
    const appId = await data.addApp(template, artifact.manifest.runtime);
    const version = await data.addVersion(appId, 1, artifact);
    await activateVersion(farm, data, version);
    const upstream = sink.current(appId)?.upstreams[0];
    if (!upstream) throw new Error(`${template} is not routed`);
    const answer = await httpGet(upstream, '/');
    expect(answer.status, answer.body.slice(0, 500)).toBe(200);
    // The launcher names the version on every answer: the gateway meters by it.
    expect(answer.headers['x-slipway-version']).toBe(version.versionId);
    await farm.retire(appId);
  });
});
