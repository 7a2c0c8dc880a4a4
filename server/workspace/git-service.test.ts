import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, realpath, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { ProjectGit } from './git-service';

const execGit = promisify(execFile);
const AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.com' };

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('ProjectGit', () => {
  let base: string;
  let root: string;
  let git: ProjectGit;
  const at = (...parts: string[]): string => path.join(root, ...parts);
  // Plain git for assertions, isolated from any config on this machine.
  const plain = async (...args: string[]): Promise<string> =>
    (
      await execGit('git', args, {
        cwd: root,
        env: isolatedEnv({ HOME: base }),
      })
    ).stdout;

  beforeEach(async () => {
    base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'slipway-git-')));
    root = path.join(base, 'project');
    await mkdir(at('src'), { recursive: true });
    await writeFile(at('src', 'app.py'), 'print("v1")\n');
    await writeFile(at('README.md'), '# app\n');
    git = new ProjectGit(root);
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('initialises main with one commit of every file, by the Slipway user', async () => {
    const hash = await git.init(AUTHOR);
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
    expect((await plain('ls-files')).split('\n').filter(Boolean)).toEqual(['README.md', 'src/app.py']);
    expect(await git.status()).toEqual({ branch: 'main', files: [] });
    const [commit, ...older] = await git.log({ limit: 10 });
    expect(older).toEqual([]);
    expect(commit).toMatchObject({ hash, shortHash: hash.slice(0, 7), message: 'Initial commit', ...authorOf(AUTHOR) });
    expect(Date.parse(commit?.date ?? '')).not.toBeNaN();
    expect((await lstat(at('.git', 'hooks')).catch(() => undefined))?.isDirectory() ?? false).toBe(false);
    expect((await failure(git.init(AUTHOR))).code).toBe('conflict');
  });

  it('reports modified, deleted, staged and untracked files (nested untracked listed one by one)', async () => {
    await git.init(AUTHOR);
    await writeFile(at('src', 'app.py'), 'print("v2")\n');
    await unlink(at('README.md'));
    await mkdir(at('new', 'deep'), { recursive: true });
    await writeFile(at('new', 'deep', 'file.txt'), 'x');
    await writeFile(at('staged.txt'), 'y');
    await plain('add', 'staged.txt');
    const status = await git.status();
    expect(status.branch).toBe('main');
    expect(status.files).toEqual(
      expect.arrayContaining([
        { path: 'src/app.py', index: ' ', workingTree: 'M' },
        { path: 'README.md', index: ' ', workingTree: 'D' },
        { path: 'staged.txt', index: 'A', workingTree: ' ' },
        { path: 'new/deep/file.txt', index: '?', workingTree: '?' },
      ]),
    );
    expect(status.files).toHaveLength(4);
  });

  it('diffs HEAD against the working tree, empty string for the missing side', async () => {
    await git.init(AUTHOR);
    await writeFile(at('src', 'app.py'), 'print("v2")\n');
    await writeFile(at('new.txt'), 'brand new\n');
    await unlink(at('README.md'));
    const modified = await git.diff('src/app.py');
    expect(modified).toMatchObject({
      path: 'src/app.py',
      original: 'print("v1")\n',
      modified: 'print("v2")\n',
      binary: false,
    });
    expect(modified.patch).toContain('-print("v1")');
    expect(modified.patch).toContain('+print("v2")');
    const added = await git.diff('new.txt');
    expect(added).toMatchObject({ original: '', modified: 'brand new\n' });
    expect(added.patch).toContain('+brand new');
    const deleted = await git.diff('README.md');
    expect(deleted).toMatchObject({ original: '# app\n', modified: '' });
    expect(deleted.patch).toContain('deleted file mode');
    await writeFile(at('blob.bin'), Buffer.from([0, 1, 2, 0]));
    expect(await git.diff('blob.bin')).toMatchObject({ binary: true, original: '', modified: '' });
  });

  it('refuses diff and log paths that escape or point into .git', async () => {
    await git.init(AUTHOR);
    await symlink('/etc', at('etc'));
    expect((await failure(git.diff('../outside'))).code).toBe('invalid-input');
    expect((await failure(git.diff('.git/config'))).code).toBe('invalid-input');
    expect((await failure(git.diff('etc/passwd'))).code).toBe('forbidden');
    expect((await failure(git.log({ limit: 5, path: '/etc/passwd' }))).code).toBe('invalid-input');
  });

  it('commits everything including deletions, or only the given paths', async () => {
    await git.init(AUTHOR);
    await writeFile(at('src', 'app.py'), 'print("v2")\n');
    await writeFile(at('other.txt'), 'later');
    const first = await git.commit({ message: 'Change the app', paths: ['src/app.py'], author: AUTHOR });
    expect((await plain('show', '--name-only', '--format=', first)).trim()).toBe('src/app.py');
    expect((await git.status()).files).toEqual([{ path: 'other.txt', index: '?', workingTree: '?' }]);
    await unlink(at('README.md'));
    const second = await git.commit({ message: 'Everything', author: { name: 'Grace', email: 'grace@example.com' } });
    expect((await plain('show', '--name-status', '--format=', second)).trim().split('\n').sort()).toEqual([
      'A\tother.txt',
      'D\tREADME.md',
    ]);
    const log = await git.log({ limit: 2 });
    expect(log.map((c) => [c.message, c.authorName, c.authorEmail])).toEqual([
      ['Everything', 'Grace', 'grace@example.com'],
      ['Change the app', 'Ada Lovelace', 'ada@example.com'],
    ]);
    expect((await git.log({ limit: 10, path: 'README.md' })).map((c) => c.message)).toEqual([
      'Everything',
      'Initial commit',
    ]);
  });

  it('commits a deletion named by path', async () => {
    await git.init(AUTHOR);
    await unlink(at('README.md'));
    await git.commit({ message: 'Remove readme', paths: ['README.md'], author: AUTHOR });
    expect(await git.status()).toEqual({ branch: 'main', files: [] });
  });

  it('refuses an empty message, nothing to commit, unknown paths and a bad author', async () => {
    await git.init(AUTHOR);
    expect((await failure(git.commit({ message: '  \n', author: AUTHOR }))).code).toBe('invalid-input');
    const nothing = await failure(git.commit({ message: 'Nothing', author: AUTHOR }));
    expect(nothing.code).toBe('conflict');
    expect(nothing.message).toMatch(/nothing to commit/i);
    expect((await failure(git.commit({ message: 'x', paths: ['nope.txt'], author: AUTHOR }))).code).toBe('not-found');
    await writeFile(at('x.txt'), 'x');
    const author = { name: 'Eve <evil@example.com>', email: 'e@example.com' };
    expect((await failure(git.commit({ message: 'x', author }))).code).toBe('invalid-input');
  });

  it('keeps option-like messages as text', async () => {
    await git.init(AUTHOR);
    await writeFile(at('x.txt'), 'x');
    await git.commit({ message: '--upload-pack=touch /tmp/slipway-pwned', author: AUTHOR });
    expect((await git.log({ limit: 1 }))[0]?.message).toBe('--upload-pack=touch /tmp/slipway-pwned');
  });

  it('ignores global config and never runs hooks', async () => {
    const home = path.join(base, 'home');
    await mkdir(home);
    const marker = path.join(base, 'hook-ran');
    await writeFile(path.join(home, '.gitconfig'), '[user]\n\tname = Global Name\n\temail = global@example.com\n');
    const saved = { HOME: process.env.HOME, GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL };
    process.env.HOME = home;
    process.env.GIT_CONFIG_GLOBAL = path.join(home, '.gitconfig');
    try {
      await git.init(AUTHOR);
      await mkdir(at('.git', 'hooks'), { recursive: true });
      for (const hook of ['pre-commit', 'commit-msg', 'post-commit']) {
        await writeFile(at('.git', 'hooks', hook), `#!/bin/sh\ntouch ${marker}\n`);
        await chmod(at('.git', 'hooks', hook), 0o755);
      }
      await writeFile(at('x.txt'), 'x');
      await git.commit({ message: 'With hooks present', author: AUTHOR });
      await expect(lstat(marker)).rejects.toThrow();
      expect((await git.log({ limit: 1 }))[0]).toMatchObject(authorOf(AUTHOR));
    } finally {
      process.env.HOME = saved.HOME;
      if (saved.GIT_CONFIG_GLOBAL === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved.GIT_CONFIG_GLOBAL;
    }
  });

  it('refuses repositories whose config would run programs on the server', async () => {
    await git.init(AUTHOR);
    const marker = path.join(base, 'filter-ran');
    await writeFile(at('.gitattributes'), '*.txt filter=evil\n');
    await plain('config', 'filter.evil.clean', `touch ${marker}; cat`);
    await writeFile(at('x.txt'), 'x');
    const error = await failure(git.status());
    expect(error.code).toBe('forbidden');
    expect(error.data).toMatchObject({ keys: ['filter.evil.clean'] });
    expect((await failure(git.commit({ message: 'x', author: AUTHOR }))).code).toBe('forbidden');
    await expect(lstat(marker)).rejects.toThrow();
    await plain('config', '--unset', 'filter.evil.clean');
    await plain('config', 'include.path', '/etc/gitconfig');
    expect((await failure(git.status())).code).toBe('forbidden');
  });

  it('refuses a .git that is a symlink to another repository', async () => {
    const other = path.join(base, 'other');
    await mkdir(other);
    await new ProjectGit(other).init(AUTHOR);
    await symlink(path.join(other, '.git'), at('.git'));
    expect((await failure(git.status())).code).toBe('forbidden');
    expect((await failure(new ProjectGit(path.join(base, 'nowhere')).status())).code).toBe('not-found');
    await rm(at('.git'));
    expect((await failure(git.status())).code).toBe('not-found');
  });

  it('reverts modified, deleted, untracked and newly added files', async () => {
    await git.init(AUTHOR);
    await writeFile(at('src', 'app.py'), 'broken');
    await unlink(at('README.md'));
    await writeFile(at('untracked.txt'), 'u');
    await writeFile(at('added.txt'), 'a');
    await plain('add', 'added.txt');
    await git.revertFile('src/app.py');
    await git.revertFile('README.md');
    await git.revertFile('untracked.txt');
    await git.revertFile('added.txt');
    expect(await readFile(at('src', 'app.py'), 'utf8')).toBe('print("v1")\n');
    expect(await readFile(at('README.md'), 'utf8')).toBe('# app\n');
    await expect(lstat(at('untracked.txt'))).rejects.toThrow();
    await expect(lstat(at('added.txt'))).rejects.toThrow();
    expect(await git.status()).toEqual({ branch: 'main', files: [] });
    expect((await failure(git.revertFile('never-existed.txt'))).code).toBe('not-found');
  });

  it('reverting an untracked symlink removes the link, not its target', async () => {
    await git.init(AUTHOR);
    const outside = path.join(base, 'outside.txt');
    await writeFile(outside, 'keep me');
    await symlink(outside, at('link'));
    await git.revertFile('link');
    await expect(lstat(at('link'))).rejects.toThrow();
    expect(await readFile(outside, 'utf8')).toBe('keep me');
  });
});

function authorOf(author: { name: string; email: string }): { authorName: string; authorEmail: string } {
  return { authorName: author.name, authorEmail: author.email };
}

/** Git's environment in tests: PATH only, no system or global config. */
function isolatedEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return {
    NODE_ENV: process.env.NODE_ENV,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...vars,
  };
}
