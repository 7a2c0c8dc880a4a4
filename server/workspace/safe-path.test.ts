import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { checkProjectPath, normalizeProjectPath, resolveProjectPath } from './safe-path';

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; data: Record<string, unknown> }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const domain = error as DomainError;
  return { code: domain.code, data: { ...domain.data } };
}

describe('normalizeProjectPath', () => {
  it.each([
    ['', 'empty'],
    ['../x', 'dot-segment'],
    ['a/../../x', 'dot-segment'],
    ['a/..', 'dot-segment'],
    ['./a', 'dot-segment'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/win.ini', 'drive-letter'],
    ['c:evil', 'drive-letter'],
    ['a\\..\\..\\x', 'backslash'],
    ['a\0b', 'nul-byte'],
    ['a\nb', 'control-character'],
    ['a//b', 'empty-segment'],
    ['a/', 'empty-segment'],
    ['.git', 'git-internals'],
    ['.git/config', 'git-internals'],
    ['src/.GIT/hooks/pre-commit', 'git-internals'],
    ['x'.repeat(256), 'segment-too-long'],
    [`${'abcdefgh/'.repeat(120)}x`, 'too-long'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(checkProjectPath(input)).toBe(reason);
    let thrown: unknown;
    try {
      normalizeProjectPath(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('invalid-input');
    expect((thrown as DomainError).data).toMatchObject({ path: input, reason });
  });

  it.each(['src/Main.java', '%2e%2e/x', '%2e%2e', '..foo', 'a b/ü.txt', '.gitignore', 'x'.repeat(255)])(
    'accepts %j unchanged (no decoding)',
    (input) => {
      expect(normalizeProjectPath(input)).toBe(input);
    },
  );

  it('names the offending path in the message', () => {
    expect(() => normalizeProjectPath('a/../../etc')).toThrow(/"a\/..\/..\/etc".*"\.\."/);
  });

  it('refuses non-strings and the root unless asked', () => {
    expect(() => normalizeProjectPath(42)).toThrow(DomainError);
    expect(() => normalizeProjectPath('')).toThrow(DomainError);
    expect(normalizeProjectPath('', { allowRoot: true })).toBe('');
  });
});

describe('resolveProjectPath', () => {
  let base: string;
  let root: string;

  beforeEach(async () => {
    base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'slipway-safe-path-')));
    root = path.join(base, 'project');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await mkdir(path.join(root, '.git'));
    await mkdir(path.join(base, 'other-project'));
    await writeFile(path.join(base, 'other-project', 'secret.txt'), 'secret');
    await writeFile(path.join(root, 'sub', 'file.txt'), 'hello');
    await writeFile(path.join(root, 'plain.txt'), 'plain');
    await symlink('/etc', path.join(root, 'etc'));
    await symlink('../other-project', path.join(root, 'sibling'));
    await symlink('sub', path.join(root, 'inner'));
    await symlink('.git', path.join(root, 'gitlink'));
    await symlink('/nonexistent-slipway-dir/deeper', path.join(root, 'dangling'));
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('resolves plain and missing paths inside the root', async () => {
    const existing = await resolveProjectPath(root, 'sub/file.txt', { followFinal: true });
    expect(existing.absolute).toBe(path.join(root, 'sub', 'file.txt'));
    expect(existing.stat?.isFile()).toBe(true);
    expect(existing.missing).toBe(0);
    const missing = await resolveProjectPath(root, 'new/deep/file.txt', { followFinal: true });
    expect(missing.absolute).toBe(path.join(root, 'new', 'deep', 'file.txt'));
    expect(missing.stat).toBeUndefined();
    expect(missing.missing).toBe(3);
  });

  it('follows symlinks that stay inside the project', async () => {
    const resolved = await resolveProjectPath(root, 'inner/file.txt', { followFinal: true });
    expect(resolved.absolute).toBe(path.join(root, 'sub', 'file.txt'));
    expect(resolved.realRelative).toBe('sub/file.txt');
  });

  it('refuses a symlink to /etc, directly and as a directory in the middle', async () => {
    expect(await codeOf(resolveProjectPath(root, 'etc/passwd', { followFinal: true }))).toMatchObject({
      code: 'forbidden',
      data: { path: 'etc/passwd', reason: 'outside-project' },
    });
    expect((await codeOf(resolveProjectPath(root, 'etc', { followFinal: true }))).code).toBe('forbidden');
    expect((await codeOf(resolveProjectPath(root, 'etc/new-file', { followFinal: true }))).code).toBe('forbidden');
  });

  it('refuses a symlink into a sibling project', async () => {
    const result = await codeOf(resolveProjectPath(root, 'sibling/secret.txt', { followFinal: true }));
    expect(result.code).toBe('forbidden');
  });

  it('lets move/remove address the link itself without following it', async () => {
    const link = await resolveProjectPath(root, 'sibling', { followFinal: false });
    expect(link.absolute).toBe(path.join(root, 'sibling'));
    expect(link.stat?.isSymbolicLink()).toBe(true);
    expect((await codeOf(resolveProjectPath(root, 'sibling/secret.txt', { followFinal: false }))).code).toBe(
      'forbidden',
    );
  });

  it('refuses a symlink into .git', async () => {
    expect(await codeOf(resolveProjectPath(root, 'gitlink/config', { followFinal: true }))).toMatchObject({
      code: 'forbidden',
      data: { reason: 'git-internals' },
    });
  });

  it('refuses paths through a dangling symlink', async () => {
    expect(await codeOf(resolveProjectPath(root, 'dangling/x', { followFinal: true }))).toMatchObject({
      code: 'forbidden',
      data: { reason: 'dangling-symlink' },
    });
    expect((await codeOf(resolveProjectPath(root, 'dangling', { followFinal: true }))).code).toBe('forbidden');
  });

  it('reports a file used as a directory as a conflict', async () => {
    expect((await codeOf(resolveProjectPath(root, 'plain.txt/x', { followFinal: true }))).code).toBe('conflict');
  });

  it('checks the lexical rules first', async () => {
    expect((await codeOf(resolveProjectPath(root, '../other-project/secret.txt', { followFinal: true }))).code).toBe(
      'invalid-input',
    );
    expect((await codeOf(resolveProjectPath(root, '/etc/passwd', { followFinal: true }))).code).toBe('invalid-input');
  });
});
