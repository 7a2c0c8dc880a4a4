import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PreviewServerMessage } from '../protocol/preview';
import { PreviewSession } from './preview-session';
import { PreviewTestToolchain } from './preview-test-toolchain';

let root: string;
let projectDir: string;
let session: PreviewSession;
let toolchain: PreviewTestToolchain;
let messages: PreviewServerMessage[];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-preview-'));
  projectDir = path.join(root, 'project');
  await mkdir(projectDir);
  await writeFile(
    path.join(projectDir, 'slipway.json'),
    JSON.stringify({ name: 'demo', runtime: 'python', kind: 'wsgi', entry: 'app:app' }),
  );
  await writeFile(path.join(projectDir, 'index.html'), '<h1>first</h1>');
  toolchain = new PreviewTestToolchain();
  session = new PreviewSession(
    { projectId: 'p1', tenantId: 't1', projectDir, runDir: path.join(root, 'run'), url: 'http://p1.preview.localhost' },
    () => toolchain,
  );
  messages = [];
  session.onDidEmit((message) => messages.push(message));
});
afterEach(async () => {
  await session.dispose();
  await rm(root, { recursive: true, force: true });
});

function get(socketPath: string, urlPath = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: urlPath }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const finished = () => messages.filter((m) => m.type === 'build-finished').map((m) => m.build.outcome);

describe('PreviewSession', () => {
  it('builds, starts the instance, and rebuilds on every change from any writer', async () => {
    const status = await session.start();
    expect(status.state).toBe('running');
    expect(await get(session.socketPath ?? '')).toBe('<h1>first</h1>');
    await writeFile(path.join(projectDir, 'index.html'), '<h1>second</h1>');
    await until(() => messages.some((m) => m.type === 'reloaded' && m.generation === 2), 'the second reload');
    expect(toolchain.reloads).toBe(1);
    expect(await get(session.socketPath ?? '')).toBe('<h1>second</h1>');
    expect(session.logs.since(0).some((entry) => entry.stream === 'access')).toBe(true);
  });

  it('keeps the last good instance serving when a build fails, and recovers when fixed', async () => {
    await session.start();
    await writeFile(path.join(projectDir, 'broken'), 'x');
    await until(() => finished().includes('failed'), 'the failed build');
    expect(session.status()).toMatchObject({ state: 'running', lastBuild: { outcome: 'failed' } });
    expect(session.status().lastBuild?.diagnostics[0]?.message).toBe('remove me');
    expect(await get(session.socketPath ?? '')).toBe('<h1>first</h1>');
    await unlink(path.join(projectDir, 'broken'));
    await until(() => session.status().lastBuild?.outcome === 'succeeded' && finished().length >= 3, 'recovery');
  });

  it('lets a newer change supersede a running build', async () => {
    await session.start();
    await writeFile(path.join(projectDir, 'slow.txt'), 'slow');
    await until(() => messages.filter((m) => m.type === 'build-started').length >= 2, 'the slow build');
    await writeFile(path.join(projectDir, 'index.html'), '<h1>latest</h1>');
    await until(() => finished().includes('cancelled') && finished().at(-1) === 'succeeded', 'the superseding build');
    expect(await get(session.socketPath ?? '')).toBe('<h1>latest</h1>');
  });

  it('reports a failed first build without an instance, and a crash of the running one', async () => {
    await writeFile(path.join(projectDir, 'broken'), 'x');
    expect((await session.start()).state).toBe('failed');
    expect(session.socketPath).toBeUndefined();
    expect((await session.start()).state).toBe('failed'); // Run again retries the full build
    await unlink(path.join(projectDir, 'broken'));
    await until(() => session.status().state === 'running', 'the start after the fix');
    const pid = session.instancePid ?? 0;
    expect(pid).toBeGreaterThan(0);
    process.kill(-pid, 'SIGKILL');
    await until(() => session.status().state === 'crashed', 'the crash');
    expect(session.status().reason).toMatch(/signal SIGKILL/);
    await writeFile(path.join(projectDir, 'index.html'), '<h1>after crash</h1>');
    await until(() => session.status().state === 'running', 'the restart after the crash');
    expect(session.instancePid).not.toBe(pid);
    expect(await get(session.socketPath ?? '')).toBe('<h1>after crash</h1>');
  });

  it('stops, leaving no instance behind', async () => {
    await session.start();
    const socket = session.socketPath;
    await session.stop();
    expect(session.status().state).toBe('stopped');
    await expect(get(socket ?? '')).rejects.toThrow();
  });
});
