import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PYTHON_RUNTIME_DIR } from './gunicorn-launch';
import { PythonChecker } from './python-checker';
import { descendantsOf, survivors } from './python-test-kit';

let root: string;
let projectDir: string;
let outputDir: string;
let checker: PythonChecker;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-checker-'));
  projectDir = path.join(root, 'project');
  outputDir = path.join(root, 'build');
  await mkdir(path.join(projectDir, 'pkg'), { recursive: true });
  await mkdir(path.join(projectDir, '.git'));
  await mkdir(outputDir);
  await writeFile(path.join(projectDir, 'app.py'), 'app = None\n');
  await writeFile(path.join(projectDir, 'pkg/views.py'), 'def view():\n    return "ok"\n');
  await writeFile(path.join(projectDir, '.git/HEAD'), 'ref: refs/heads/main\n');
  await symlink('../app.py', path.join(projectDir, 'pkg/alias.py'));
  checker = new PythonChecker({ projectDir, outputDir, runtimeDir: PYTHON_RUNTIME_DIR, idleMs: 60_000 });
});
afterEach(async () => {
  await checker.dispose();
  await rm(root, { recursive: true, force: true });
});

const out = (relative: string): string => path.join(outputDir, relative);
const exists = (file: string): Promise<boolean> =>
  lstat(file).then(
    () => true,
    () => false,
  );

describe('PythonChecker (real sandbox)', () => {
  it('mirrors the whole project, links as links, without .git', async () => {
    const answer = await checker.run(null);
    expect(answer).toMatchObject({ synced: true, checked: 3, diagnostics: [] });
    expect(await readFile(out('pkg/views.py'), 'utf8')).toContain('return "ok"');
    expect(await readlink(out('pkg/alias.py'))).toBe('../app.py');
    expect(await exists(out('.git'))).toBe(false);
  });

  it('copies changes, removes deletions and follows a renamed folder', async () => {
    await checker.run(null);
    await writeFile(path.join(projectDir, 'app.py'), 'app = 1\n');
    await rm(path.join(projectDir, 'pkg/alias.py'));
    expect(await checker.run(['app.py', 'pkg/alias.py'])).toMatchObject({ synced: true, copied: 1, removed: 1 });
    expect(await readFile(out('app.py'), 'utf8')).toBe('app = 1\n');
    expect(await exists(out('pkg/alias.py'))).toBe(false);
    await rename(path.join(projectDir, 'pkg'), path.join(projectDir, 'web'));
    await mkdir(path.join(projectDir, 'web/new'));
    await writeFile(path.join(projectDir, 'web/new/deep.py'), 'x = 1\n');
    expect((await checker.run(['pkg', 'web/new/deep.py'])).synced).toBe(true);
    expect(await exists(out('pkg'))).toBe(false);
    expect(await readFile(out('web/new/deep.py'), 'utf8')).toBe('x = 1\n');
  });

  it('copies nothing while a file has a syntax error', async () => {
    await checker.run(null);
    await writeFile(path.join(projectDir, 'app.py'), 'def broken(:\n    pass\n');
    await writeFile(path.join(projectDir, 'notes.txt'), 'new');
    const answer = await checker.run(['app.py', 'notes.txt']);
    expect(answer.synced).toBe(false);
    expect(answer.diagnostics).toEqual([
      expect.objectContaining({ file: 'app.py', line: 1, column: 12, severity: 'error', code: 'SyntaxError' }),
    ]);
    expect(await readFile(out('app.py'), 'utf8')).toBe('app = None\n');
    expect(await exists(out('notes.txt'))).toBe(false);
  });

  it('copies a named file even when its size and time match the old copy', async () => {
    await checker.run(null);
    const before = await stat(out('app.py'));
    await writeFile(path.join(projectDir, 'app.py'), 'app = 2222\n'); // as long as 'app = None\n'
    await utimes(path.join(projectDir, 'app.py'), before.atime, before.mtime);
    await checker.run(['app.py']);
    expect(await readFile(out('app.py'), 'utf8')).toBe('app = 2222\n');
  });

  it('reports compiler warnings without blocking', async () => {
    await writeFile(path.join(projectDir, 'app.py'), 'import re\npattern = "\\d+"\n');
    const answer = await checker.run(['app.py']);
    expect(answer.synced).toBe(true);
    expect(answer.diagnostics).toEqual([
      expect.objectContaining({ file: 'app.py', line: 2, severity: 'warning', code: 'DeprecationWarning' }),
    ]);
  });

  it('refuses paths outside the project', async () => {
    const answer = await checker.run(['../../etc', '/etc/passwd']);
    expect(answer).toMatchObject({ synced: true, checked: 0, copied: 0 });
  });

  it('stops when idle, starts again on demand, and leaves no process after dispose', async () => {
    await checker.dispose();
    checker = new PythonChecker({ projectDir, outputDir, runtimeDir: PYTHON_RUNTIME_DIR, idleMs: 500 });
    await checker.run(null);
    const first = await descendantsOf(process.pid);
    expect(first.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await survivors(first)).toEqual([]);
    expect((await checker.run(['app.py'])).synced).toBe(true);
    const second = await descendantsOf(process.pid);
    expect(second.length).toBeGreaterThan(0);
    await checker.dispose();
    expect(await survivors(second)).toEqual([]);
    await expect(checker.run(null)).rejects.toThrow(/stopped/);
  });
});
