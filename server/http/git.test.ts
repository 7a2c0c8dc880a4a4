import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitCommitDto, GitDiffDto, GitStatusDto } from '../protocol/git';
import { adminWithProject } from '../test-support/fixtures';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

let env: TestPlatform;
let admin: ApiTestClient;
let base: string;
let projectDir: string;

beforeAll(async () => {
  env = await startTestPlatform();
  const setup = await adminWithProject(env);
  admin = setup.admin;
  base = `/projects/${setup.project.id}`;
  projectDir = path.join(env.dataDir, 'projects', setup.project.id);
});
afterAll(() => env.close());

describe('source control API', () => {
  it('shows a change in status and diff, commits it and lists it in history', async () => {
    const original = await (await admin.get(`${base}/files/content?path=app.py`)).text();
    await admin.put(`${base}/files/content?path=app.py`, `${original}# change\n`);
    await admin.post(`${base}/files`, { path: 'notes.txt', type: 'file', content: 'new' });
    const status = await admin.json<GitStatusDto>('GET', `${base}/git/status`);
    expect(status.branch).toBe('main');
    expect(status.files.map((f) => f.path).sort()).toEqual(['app.py', 'notes.txt']);
    const diff = await admin.json<GitDiffDto>('GET', `${base}/git/diff?path=app.py`);
    expect(diff.original).toBe(original);
    expect(diff.modified).toBe(`${original}# change\n`);
    expect(diff.patch).toContain('+# change');

    const commit = await admin.post(`${base}/git/commit`, { message: 'Edit app and add notes' });
    expect(commit.status).toBe(201);
    const log = await admin.json<GitCommitDto[]>('GET', `${base}/git/log`);
    expect(log.map((c) => c.message)).toEqual(['Edit app and add notes', expect.any(String)]);
    expect((await admin.json<GitStatusDto>('GET', `${base}/git/status`)).files).toEqual([]);
  });

  it('refuses an empty commit and an empty message with problems', async () => {
    const nothing = await admin.post(`${base}/git/commit`, { message: 'nothing' });
    expect(nothing.status).toBe(409);
    const noMessage = await admin.post(`${base}/git/commit`, { message: '  ' });
    expect(noMessage.status).toBe(400);
  });

  it('reverts a file to the last commit', async () => {
    const committed = await readFile(path.join(projectDir, 'app.py'), 'utf8');
    await admin.put(`${base}/files/content?path=app.py`, 'broken');
    expect((await admin.post(`${base}/git/revert`, { path: 'app.py' })).status).toBe(204);
    expect(await readFile(path.join(projectDir, 'app.py'), 'utf8')).toBe(committed);
    expect((await admin.post(`${base}/git/revert`, { path: '../../etc/passwd' })).status).toBe(400);
  });

  it('commits only the chosen paths', async () => {
    await admin.post(`${base}/files`, { path: 'one.txt', type: 'file', content: '1' });
    await admin.post(`${base}/files`, { path: 'two.txt', type: 'file', content: '2' });
    await admin.post(`${base}/git/commit`, { message: 'only one', paths: ['one.txt'] });
    const status = await admin.json<GitStatusDto>('GET', `${base}/git/status`);
    expect(status.files.map((f) => f.path)).toEqual(['two.txt']);
  });
});
