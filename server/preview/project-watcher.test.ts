import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectWatcher } from './project-watcher';

let root: string;
let watcher: ProjectWatcher;
let seen: string[];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-watch-'));
  await mkdir(path.join(root, 'src/pkg'), { recursive: true });
  await mkdir(path.join(root, '.git'));
  watcher = new ProjectWatcher(root);
  seen = [];
  watcher.onDidChange((paths) => seen.push(...paths));
  await new Promise((resolve) => setTimeout(resolve, 50));
});
afterEach(async () => {
  watcher.dispose();
  await rm(root, { recursive: true, force: true });
});

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(predicate()).toBe(true);
}

/** Saves the way the file API does: a temporary file renamed over the target. */
async function atomicSave(file: string, content: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.x.slipway-tmp`);
  await writeFile(temp, content);
  await rename(temp, file);
}

describe('ProjectWatcher', () => {
  it('reports every one of repeated atomic saves, in nested and new folders, but not .git', async () => {
    for (let i = 0; i < 3; i++) {
      seen = [];
      await atomicSave(path.join(root, 'src/pkg/App.java'), `class App { int v = ${i}; }`);
      await until(() => seen.includes('src/pkg/App.java'));
    }
    expect(seen.some((p) => p.endsWith('.slipway-tmp'))).toBe(false);
    await mkdir(path.join(root, 'src/newdir'));
    await until(() => seen.includes('src/newdir'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    seen = [];
    await writeFile(path.join(root, 'src/newdir/x.py'), 'x = 1');
    await until(() => seen.includes('src/newdir/x.py'));
    seen = [];
    await writeFile(path.join(root, '.git/index'), 'x');
    await writeFile(path.join(root, 'top.txt'), 'x');
    await until(() => seen.includes('top.txt'));
    expect(seen.some((p) => p.startsWith('.git'))).toBe(false);
  });
});
