import { execFile } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { ProjectFiles, type ProjectLimits } from './file-service';

const run = promisify(execFile);
const LIMITS: ProjectLimits = { maxFileBytes: 1024 * 1024, maxProjectBytes: 4 * 1024 * 1024, maxEntries: 10_000 };

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('ProjectFiles', () => {
  let base: string;
  let root: string;
  let files: ProjectFiles;
  const at = (...parts: string[]): string => path.join(root, ...parts);

  beforeEach(async () => {
    base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'slipway-files-')));
    root = path.join(base, 'project');
    await mkdir(at('src', 'app'), { recursive: true });
    await mkdir(at('.git', 'objects'), { recursive: true });
    await writeFile(at('.git', 'config'), '[core]\n');
    await writeFile(at('src', 'app', 'Main.java'), 'class Main {}\n');
    await writeFile(at('README.md'), '# hi\n');
    await mkdir(path.join(base, 'other'));
    await writeFile(path.join(base, 'other', 'secret.txt'), 'other tenant');
    files = new ProjectFiles({ root, limits: LIMITS });
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  describe('tree', () => {
    it('lists entries sorted parent-first, without .git, symlinks unfollowed, FIFOs left out', async () => {
      await symlink('/etc', at('etc-link'));
      await writeFile(at('src-b'), 'x');
      await run('mkfifo', [at('pipe')]);
      expect(await files.tree()).toEqual([
        { path: 'README.md', type: 'file', size: 5 },
        { path: 'etc-link', type: 'symlink', size: 4 },
        { path: 'src', type: 'directory', size: 0 },
        { path: 'src/app', type: 'directory', size: 0 },
        { path: 'src/app/Main.java', type: 'file', size: 14 },
        { path: 'src-b', type: 'file', size: 1 },
      ]);
    });

    it('lists a tree of a few thousand files', async () => {
      for (let d = 0; d < 30; d += 1) {
        await mkdir(at('many', `d${d}`), { recursive: true });
        await Promise.all(Array.from({ length: 100 }, (_, f) => writeFile(at('many', `d${d}`, `f${f}.txt`), 'x')));
      }
      const tree = await files.tree();
      expect(tree.length).toBe(3000 + 30 + 1 + 4);
    });

    it('refuses a project over the entry limit', async () => {
      const small = new ProjectFiles({ root, limits: { ...LIMITS, maxEntries: 2 } });
      expect((await failure(small.tree())).code).toBe('too-large');
    });
  });

  describe('read', () => {
    it('reads files, also through a symlink that stays inside', async () => {
      await symlink('src/app', at('app-link'));
      expect((await files.read('src/app/Main.java')).toString()).toBe('class Main {}\n');
      expect((await files.read('app-link/Main.java')).toString()).toBe('class Main {}\n');
    });

    it('refuses symlinks to /etc and into a sibling project, and a symlinked directory mid-path', async () => {
      await symlink('/etc/passwd', at('passwd'));
      await symlink('../other', at('other-link'));
      await symlink(path.join(base, 'other'), at('src', 'deep-link'));
      expect((await failure(files.read('passwd'))).code).toBe('forbidden');
      expect((await failure(files.read('other-link/secret.txt'))).code).toBe('forbidden');
      expect((await failure(files.read('src/deep-link/secret.txt'))).code).toBe('forbidden');
    });

    it('refuses a FIFO without blocking', async () => {
      await run('mkfifo', [at('pipe')]);
      const error = await failure(files.read('pipe'));
      expect(error.code).toBe('unsupported');
      expect(error.message).toMatch(/"pipe" is a FIFO/);
    });

    it('refuses directories, missing files, .git and traversal with clear codes', async () => {
      expect((await failure(files.read('src'))).code).toBe('invalid-input');
      expect((await failure(files.read('missing.txt'))).code).toBe('not-found');
      expect((await failure(files.read('.git/config'))).code).toBe('invalid-input');
      expect((await failure(files.read('../other/secret.txt'))).code).toBe('invalid-input');
      expect((await failure(files.read('src/../../other/secret.txt'))).code).toBe('invalid-input');
      expect((await failure(files.read('/etc/passwd'))).code).toBe('invalid-input');
    });

    it('refuses files over the size limit', async () => {
      await writeFile(at('big.bin'), Buffer.alloc(2000));
      const small = new ProjectFiles({ root, limits: { ...LIMITS, maxFileBytes: 1000 } });
      expect((await failure(small.read('big.bin'))).data).toMatchObject({ limit: 1000, actual: 2000 });
    });
  });

  describe('write', () => {
    it('creates a file with its parents only when asked', async () => {
      expect((await failure(files.write('new/dir/a.txt', 'x'))).code).toBe('not-found');
      expect(await files.write('new/dir/a.txt', 'hello', { create: true })).toEqual({
        path: 'new/dir/a.txt',
        type: 'file',
        size: 5,
      });
      expect(await readFile(at('new', 'dir', 'a.txt'), 'utf8')).toBe('hello');
    });

    it('refuses to overwrite when asked not to, and overwrites by default', async () => {
      expect((await failure(files.write('README.md', 'x', { overwrite: false }))).code).toBe('conflict');
      await files.write('README.md', 'new');
      expect(await readFile(at('README.md'), 'utf8')).toBe('new');
    });

    it('keeps the mode of the file it replaces', async () => {
      await writeFile(at('gradlew'), '#!/bin/sh\n');
      await chmod(at('gradlew'), 0o755);
      await files.write('gradlew', '#!/bin/sh\necho hi\n');
      expect((await stat(at('gradlew'))).mode & 0o777).toBe(0o755);
    });

    it('never writes through a symlink leading outside', async () => {
      await symlink(path.join(base, 'other', 'secret.txt'), at('secret-link'));
      await symlink(path.join(base, 'other'), at('other-dir'));
      expect((await failure(files.write('secret-link', 'owned'))).code).toBe('forbidden');
      expect((await failure(files.write('other-dir/new.txt', 'owned', { create: true }))).code).toBe('forbidden');
      expect(await readFile(path.join(base, 'other', 'secret.txt'), 'utf8')).toBe('other tenant');
      expect(await readdir(path.join(base, 'other'))).toEqual(['secret.txt']);
    });

    it('refuses to create files through a dangling symlink', async () => {
      await symlink(path.join(base, 'not-yet'), at('dangling'));
      expect((await failure(files.write('dangling/x.txt', 'x', { create: true }))).code).toBe('forbidden');
      expect((await failure(files.write('dangling', 'x', { create: true }))).code).toBe('forbidden');
      await expect(lstat(path.join(base, 'not-yet'))).rejects.toThrow();
    });

    it('refuses FIFOs, directories and .git', async () => {
      await run('mkfifo', [at('pipe')]);
      expect((await failure(files.write('pipe', 'x'))).code).toBe('unsupported');
      expect((await failure(files.write('src', 'x'))).code).toBe('invalid-input');
      expect((await failure(files.write('.git/config', 'x', { create: true }))).code).toBe('invalid-input');
      expect((await failure(files.write('.git/hooks/pre-commit', 'x', { create: true }))).code).toBe('invalid-input');
    });

    it('refuses oversized files and projects with the limit and the size in the data', async () => {
      const small = new ProjectFiles({ root, limits: { maxFileBytes: 100, maxProjectBytes: 100, maxEntries: 100 } });
      const file = await failure(small.write('big.txt', Buffer.alloc(101), { create: true }));
      expect(file.code).toBe('too-large');
      expect(file.data).toMatchObject({ path: 'big.txt', limit: 100, actual: 101, limitName: 'maxFileBytes' });
      const project = await failure(small.write('big.txt', Buffer.alloc(90), { create: true }));
      expect(project.data).toMatchObject({ limit: 100, actual: 109, limitName: 'maxProjectBytes' });
      await expect(lstat(at('big.txt'))).rejects.toThrow();
    });

    it('counts streamed bytes against the limit', async () => {
      const small = new ProjectFiles({ root, limits: { ...LIMITS, maxFileBytes: 1000 } });
      async function* body(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 10; i += 1) yield await Promise.resolve(Buffer.alloc(300));
      }
      expect((await failure(small.write('stream.bin', body(), { create: true }))).code).toBe('too-large');
      expect((await readdir(root)).filter((n) => n.includes('stream'))).toEqual([]);
    });

    it('refuses new entries over the entry limit', async () => {
      const small = new ProjectFiles({ root, limits: { ...LIMITS, maxEntries: 5 } });
      expect((await failure(small.write('a/b/c.txt', 'x', { create: true }))).data).toMatchObject({
        limit: 5,
        limitName: 'maxEntries',
      });
    });

    it('is atomic: a write that fails halfway keeps the old content and leaves no temp file', async () => {
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield await Promise.resolve(Buffer.from('half of the new '));
        throw new Error('client went away');
      }
      await expect(files.write('README.md', failing())).rejects.toThrow('client went away');
      expect(await readFile(at('README.md'), 'utf8')).toBe('# hi\n');
      expect(await readdir(root)).toEqual(['.git', 'README.md', 'src']);
    });
  });

  describe('createDirectory', () => {
    it('creates nested directories and refuses existing ones', async () => {
      expect(await files.createDirectory('a/b/c')).toEqual({ path: 'a/b/c', type: 'directory', size: 0 });
      expect((await stat(at('a', 'b', 'c'))).isDirectory()).toBe(true);
      expect((await failure(files.createDirectory('a/b'))).code).toBe('conflict');
      expect((await failure(files.createDirectory('.git/x'))).code).toBe('invalid-input');
    });
  });

  describe('move', () => {
    it('renames files and directories', async () => {
      await files.move('README.md', 'docs.md');
      await files.move('src', 'source');
      expect((await files.tree()).map((e) => e.path)).toEqual([
        'docs.md',
        'source',
        'source/app',
        'source/app/Main.java',
      ]);
    });

    it('refuses to overwrite unless asked, and never replaces a directory', async () => {
      await writeFile(at('other.md'), 'other');
      expect((await failure(files.move('README.md', 'other.md'))).code).toBe('conflict');
      expect(await readFile(at('other.md'), 'utf8')).toBe('other');
      await files.move('README.md', 'other.md', { overwrite: true });
      expect(await readFile(at('other.md'), 'utf8')).toBe('# hi\n');
      expect((await failure(files.move('other.md', 'src', { overwrite: true }))).code).toBe('conflict');
    });

    it('refuses to move a directory into itself, also through a symlinked alias', async () => {
      await symlink('src', at('alias'));
      const direct = await failure(files.move('src', 'src/app/src'));
      expect(direct.code).toBe('invalid-input');
      expect(direct.data).toMatchObject({ reason: 'into-itself' });
      expect((await failure(files.move('src', 'alias/moved'))).code).toBe('invalid-input');
    });

    it('moves a symlink as itself and refuses destinations outside', async () => {
      await symlink('/etc', at('etc-link'));
      await files.move('etc-link', 'src/etc-link');
      expect((await lstat(at('src', 'etc-link'))).isSymbolicLink()).toBe(true);
      await symlink(path.join(base, 'other'), at('out'));
      expect((await failure(files.move('README.md', 'out/README.md'))).code).toBe('forbidden');
      expect(await readdir(path.join(base, 'other'))).toEqual(['secret.txt']);
    });

    it('reports a missing source or a missing destination parent', async () => {
      expect((await failure(files.move('nope', 'x'))).code).toBe('not-found');
      expect((await failure(files.move('README.md', 'no/such/dir/x'))).code).toBe('not-found');
    });
  });

  describe('remove', () => {
    it('removes files and whole directories', async () => {
      await files.remove('README.md');
      await files.remove('src');
      expect(await files.tree()).toEqual([]);
      expect((await failure(files.remove('src'))).code).toBe('not-found');
    });

    it('removes a symlink, not what it points at', async () => {
      await symlink(path.join(base, 'other'), at('other-link'));
      await files.remove('other-link');
      expect(await readFile(path.join(base, 'other', 'secret.txt'), 'utf8')).toBe('other tenant');
      expect((await failure(files.remove('.git'))).code).toBe('invalid-input');
    });
  });
});
