import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { validateCloneUrl } from './git-clone';
import { ProjectGit } from './git-service';
import { gitTestEnv as isolatedEnv, startGitHttpServer, type GitHttpServer } from '../test-support/git-http-server';

const execGit = promisify(execFile);
const LOCAL = { allowPrivateHosts: true, timeoutMs: 20_000 };

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('ProjectGit.clone', () => {
  let base: string;
  let repos: string;
  let server: GitHttpServer;
  let counter = 0;
  const target = (): string => path.join(base, `clone-${(counter += 1)}`);
  const plain = async (cwd: string, ...args: string[]): Promise<string> =>
    (
      await execGit('git', args, {
        cwd,
        env: isolatedEnv({ HOME: base }),
      })
    ).stdout;

  /** Makes `<repos>/<name>.git` from a working tree filled by `fill`. */
  async function publish(name: string, fill: (dir: string) => Promise<void>): Promise<void> {
    const work = path.join(base, `work-${name}`);
    await mkdir(work);
    await fill(work);
    await plain(work, 'init', '--quiet', '--initial-branch=main');
    await plain(work, 'add', '--all');
    await plain(work, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'init');
    await plain(base, 'clone', '--quiet', '--bare', work, path.join(repos, `${name}.git`));
  }

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'slipway-clone-')));
    repos = path.join(base, 'repos');
    await mkdir(repos);
    server = await startGitHttpServer(repos);
    await publish('app', async (dir) => {
      await mkdir(path.join(dir, 'src'));
      await writeFile(path.join(dir, 'slipway.json'), '{"name":"app","runtime":"python"}');
      await writeFile(path.join(dir, 'src', 'app.py'), 'print(1)\n');
      await symlink('src/app.py', path.join(dir, 'inside-link'));
    });
    await publish('escaping', async (dir) => {
      await writeFile(path.join(dir, 'a.txt'), 'a');
      await symlink('/etc/passwd', path.join(dir, 'passwd'));
    });
    await publish('big', async (dir) => {
      await writeFile(path.join(dir, 'random.bin'), randomBytes(3 << 20));
    });
    await publish('sub', async (dir) => writeFile(path.join(dir, 'sub.txt'), 'sub'));
    await publish('with-submodule', async (dir) => {
      await writeFile(path.join(dir, 'main.txt'), 'main');
      await writeFile(
        path.join(dir, '.gitmodules'),
        `[submodule "sub"]\n\tpath = sub\n\turl = ${server.url}/sub.git\n`,
      );
    });
    // Add the gitlink by hand: a commit of sub.git recorded at path "sub".
    const subHead = (await plain(path.join(repos, 'sub.git'), 'rev-parse', 'HEAD')).trim();
    const work = path.join(base, 'work-with-submodule');
    await plain(work, 'update-index', '--add', '--cacheinfo', `160000,${subHead},sub`);
    await plain(
      work,
      '-c',
      'user.name=T',
      '-c',
      'user.email=t@example.com',
      'commit',
      '--quiet',
      '-m',
      'add submodule',
    );
    await plain(work, 'push', '--quiet', path.join(repos, 'with-submodule.git'), 'main');
  });

  afterAll(async () => {
    await server.close();
    await rm(base, { recursive: true, force: true });
  });

  it('clones over smart HTTP, leaves no hooks and keeps inside links', async () => {
    const dir = target();
    await ProjectGit.clone(`${server.url}/app.git`, dir, LOCAL);
    expect(await readFile(path.join(dir, 'src', 'app.py'), 'utf8')).toBe('print(1)\n');
    expect((await lstat(path.join(dir, 'inside-link'))).isSymbolicLink()).toBe(true);
    expect(await readdir(path.join(dir, '.git', 'hooks'))).toEqual([]);
    const log = await new ProjectGit(dir).log({ limit: 5 });
    expect(log.map((c) => c.message)).toEqual(['init']);
  });

  it('clones into an existing empty directory and strips credentials from the remote', async () => {
    const dir = target();
    await mkdir(dir);
    const withCredentials = server.url.replace('http://', 'http://user:s3cret@');
    await ProjectGit.clone(`${withCredentials}/app.git`, dir, LOCAL);
    expect((await plain(dir, 'remote', 'get-url', 'origin')).trim()).toBe(`${server.url}/app.git`);
    expect(await readFile(path.join(dir, '.git', 'config'), 'utf8')).not.toContain('s3cret');
  });

  it('does not fetch submodules', async () => {
    const dir = target();
    const before = server.requests.length;
    await ProjectGit.clone(`${server.url}/with-submodule.git`, dir, LOCAL);
    expect(await readFile(path.join(dir, 'main.txt'), 'utf8')).toBe('main');
    expect(await readdir(path.join(dir, 'sub'))).toEqual([]);
    expect(server.requests.slice(before).some((p) => p.startsWith('/sub.git'))).toBe(false);
  });

  it('refuses a repository with a symlink leading outside and leaves the target empty', async () => {
    const dir = target();
    await mkdir(dir);
    const error = await failure(ProjectGit.clone(`${server.url}/escaping.git`, dir, LOCAL));
    expect(error.code).toBe('forbidden');
    expect(error.data).toMatchObject({ paths: ['passwd'] });
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops a clone over the size limit', async () => {
    const dir = target();
    const error = await failure(ProjectGit.clone(`${server.url}/big.git`, dir, { ...LOCAL, maxBytes: 1 << 20 }));
    expect(error.code).toBe('too-large');
    await expect(lstat(dir)).rejects.toThrow();
  });

  it("reports git's stderr as failed-dependency", async () => {
    const error = await failure(ProjectGit.clone(`${server.url}/missing.git`, target(), LOCAL));
    expect(error.code).toBe('failed-dependency');
    expect(error.message).toMatch(/git clone failed: .*(not found|404|repository)/i);
  });

  it('refuses a non-empty target', async () => {
    const dir = target();
    await mkdir(dir);
    await writeFile(path.join(dir, 'x'), 'x');
    expect((await failure(ProjectGit.clone(`${server.url}/app.git`, dir, LOCAL))).code).toBe('conflict');
  });

  it('refuses loopback and private hosts unless allowed', async () => {
    expect((await failure(ProjectGit.clone(`${server.url}/app.git`, target()))).code).toBe('forbidden');
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `[::1]:${port}`, '169.254.169.254', '10.0.0.1', '[::ffff:127.0.0.1]']) {
      expect((await failure(ProjectGit.clone(`http://${host}/app.git`, target()))).code).toBe('forbidden');
    }
  });

  it.each([
    ['file:///tmp/x'],
    ['FILE:///etc'],
    ['ext::sh -c touch% /tmp/slipway-pwned'],
    ['ext::sh'],
    ['/tmp/x'],
    ['./repo'],
    ['--upload-pack=touch /tmp/slipway-pwned'],
    ['-uhttp://x'],
    ['ssh://git@example.com/x.git'],
    ['git@example.com:x.git'],
    ['git://example.com/x.git'],
    ['http::https://example.com/x.git'],
    ['https://example.com/x.git --upload-pack=touch'],
    ['https://example.com/x\n.git'],
    ['https:///nohost'],
    [''],
  ])('refuses the URL %j before running git', async (url) => {
    expect(() => validateCloneUrl(url)).toThrow(DomainError);
    const dir = target();
    expect((await failure(ProjectGit.clone(url, dir, LOCAL))).code).toBe('invalid-input');
    await expect(lstat(dir)).rejects.toThrow();
    await expect(lstat('/tmp/slipway-pwned')).rejects.toThrow();
  });
});

/** Git's environment in tests: PATH only, no system or global config. */
