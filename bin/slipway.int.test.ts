// The real CLI (bin/slipway, bundled and run by Node) against a real platform listening on
// loopback: login → publish a template folder → versions → rollback, and how failures read.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDto, AppVersionDto } from '../server/protocol/apps';
import { startTestPlatform, TEST_ADMIN, type TestPlatform } from '../server/test-support/test-platform';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAUNCHER = path.join(REPO_ROOT, 'bin', 'slipway');

let platform: TestPlatform;
let url: string;
let home: string;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a person would: its own HOME, no SLIPWAY_* variables unless given, from `cwd`. */
function slipway(args: string[], cwd = home, extraEnv: Record<string, string> = {}): Promise<CliRun> {
  // Cast: Next's types make NODE_ENV required in ProcessEnv; the CLI does not read it.
  const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', ...extraEnv } as unknown as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile(LAUNCHER, args, { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Gives a copied template another app name (the registry holds an upload to its manifest's name). */
async function renameApp(dir: string, name: string): Promise<void> {
  const file = path.join(dir, 'slipway.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...manifest, name }));
}

function parseJson<T>(run: CliRun): T {
  expect(run.stdout.trim().split('\n'), run.stderr).toHaveLength(1);
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  platform = await startTestPlatform({ listen: true, realToolchains: true });
  const { port } = platform.platform.server?.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  home = await mkdtemp(path.join(tmpdir(), 'slipway-cli-int-'));
}, 120_000);

afterAll(async () => {
  await platform?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('slipway against a real platform', () => {
  it('logs in and saves the token privately', async () => {
    const run = await slipway(['login', '--url', url, '--email', TEST_ADMIN.email, '--password', TEST_ADMIN.password]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Logged in to ${url} as ${TEST_ADMIN.email}`);
    const config = path.join(home, '.config', 'slipway', 'config.json');
    expect((await stat(config)).mode & 0o777).toBe(0o600);
  });

  it('creates a project from a template and prints where the IDE opens it', async () => {
    const run = await slipway(['new', 'cli-made', '--template', 'python-hello', '--json']);
    const project = parseJson<{ id: string; name: string; runtime: string; ideUrl: string }>(run);
    expect(project).toMatchObject({ name: 'cli-made', runtime: 'python', ideUrl: `${url}/ide/${project.id}` });
    const unknown = await slipway(['new', 'cli-other', '--template', 'no-such-template']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('publishes a template folder twice, lists the versions and rolls back', async () => {
    const dir = path.join(home, 'hello');
    await cp(path.join(REPO_ROOT, 'templates', 'python-hello'), dir, { recursive: true });
    await renameApp(dir, 'cli-hello');

    const first = parseJson<{ ok: boolean; url: string; version: number; appId: string }>(
      await slipway(['publish', '--json'], dir),
    );
    expect(first).toMatchObject({ ok: true, version: 1 });
    expect(first.url).toMatch(/^https?:\/\/cli-hello\.[a-z0-9-]+\./);

    await writeFile(path.join(dir, 'NOTES.txt'), 'second version\n');
    const human = await slipway(['publish', dir]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/✓ build/);
    expect(human.stdout).toContain(`Published cli-hello v2: ${first.url}`);

    const versions = parseJson<AppVersionDto[]>(await slipway(['versions', 'cli-hello', '--json']));
    expect(versions.map((v) => [v.number, v.active, v.state])).toEqual([
      [2, true, 'ready'],
      [1, false, 'ready'],
    ]);
    const table = await slipway(['versions', 'cli-hello']);
    expect(table.stdout).toMatch(/^\* v2\s+ready/m);

    const rolledBack = parseJson<AppDto>(await slipway(['rollback', 'cli-hello', '--json']));
    expect(rolledBack.activeVersion).toBe(1);
    const apps = parseJson<AppDto[]>(await slipway(['apps', '--json']));
    expect(apps.find((a) => a.slug === 'cli-hello')).toMatchObject({ id: first.appId, activeVersion: 1 });
    const opened = await slipway(['open', 'cli-hello', '--no-browser']);
    expect(opened.stdout.trim()).toBe(first.url);

    const logs = await slipway(['logs', 'cli-hello']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^\S+ v\d \S+ (OUT|ERR|SYS) .*gunicorn/m);
  }, 180_000);

  it('follows the logs until Ctrl+C, then exits 0', async () => {
    const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' } as unknown as NodeJS.ProcessEnv;
    const child = spawn(LAUNCHER, ['logs', 'cli-hello', '--follow'], { cwd: home, env });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('gunicorn')) resolve();
      });
      void exited.then(() => reject(new Error(`logs --follow ended by itself: ${output}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('reports a failed build with its stage and exit code 1, and leaves the active version', async () => {
    const dir = path.join(home, 'broken');
    await cp(path.join(REPO_ROOT, 'templates', 'python-hello'), dir, { recursive: true });
    await renameApp(dir, 'cli-hello');
    await writeFile(path.join(dir, 'app.py'), 'def app(:\n');
    const run = await slipway(['publish', '--json'], dir);
    expect(run.code).toBe(1);
    const result = parseJson<{ ok: boolean; error: { stage?: string; message: string } }>(run);
    expect(result).toMatchObject({ ok: false, error: { stage: 'build' } });
    const human = await slipway(['publish'], dir);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^slipway: Publish failed at build: .*Nothing that serves was changed\.\n$/);
    const versions = parseJson<AppVersionDto[]>(await slipway(['versions', 'cli-hello', '--json']));
    expect(versions.find((v) => v.active)?.number).toBe(1);
  }, 180_000);

  it('prints refusals as one line: unknown app, bad token', async () => {
    const missing = await slipway(['versions', 'no-such-app']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('slipway: No app "no-such-app"; `slipway apps` lists yours.\n');
    const badToken = await slipway(['apps'], home, { SLIPWAY_URL: url, SLIPWAY_TOKEN: 'wrong' });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr.trim().split('\n')).toHaveLength(1);
    expect(badToken.stderr).toMatch(/HTTP 401.*slipway login/);
  });
});
