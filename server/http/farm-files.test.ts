import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileGrants, fileGrantKeyFile } from '../farm/file-grants';
import { PROBLEM_CONTENT_TYPE } from '../protocol/problem';
import { tarGzEntries } from '../test-support/tar-gz-entries';
import { startTestPlatform, type ApiTestClient, type TestPlatform } from '../test-support/test-platform';

let env: TestPlatform;
let anonymous: ApiTestClient;
let grants: FileGrants;
let folder: string;

beforeAll(async () => {
  env = await startTestPlatform();
  anonymous = env.anonymous();
  // The platform's own secret: what the kubernetes driver signs with.
  grants = new FileGrants(fileGrantKeyFile(env.dataDir));
  folder = path.join(env.dataDir, 'granted', 'build');
  await mkdir(path.join(folder, 'static'), { recursive: true });
  await writeFile(path.join(folder, 'app.py'), 'app = None\n');
  await writeFile(path.join(folder, 'static', 'site.css'), 'body {}\n');
  await symlink(fileGrantKeyFile(env.dataDir), path.join(folder, 'key'));
});
afterAll(() => env.close());

async function problemOf(response: Response): Promise<{ status: number; detail: string }> {
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const body = (await response.json()) as { status: number; detail: string };
  return { status: body.status, detail: body.detail };
}

describe('GET /api/v1/farm/files/:token', () => {
  it('streams a granted folder as a tar.gz without a session, leaving its links out', async () => {
    const token = await grants.sign({ hostPath: folder, instanceId: 'instance-1' });
    const response = await anonymous.get(`/farm/files/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const entries = await tarGzEntries(new Uint8Array(await response.arrayBuffer()));
    expect([...entries.keys()].sort()).toEqual(['app.py', 'static/', 'static/site.css']);
    expect(entries.get('app.py')?.data).toBe('app = None\n');
    expect(entries.get('static/site.css')?.data).toBe('body {}\n');
  });

  it('streams a granted single file as one entry', async () => {
    const token = await grants.sign({ hostPath: path.join(folder, 'app.py'), instanceId: 'instance-1' });
    const response = await anonymous.get(`/farm/files/${token}`);
    expect(response.status).toBe(200);
    const entries = await tarGzEntries(new Uint8Array(await response.arrayBuffer()));
    expect([...entries.entries()]).toEqual([['app.py', { type: 'File', data: 'app = None\n' }]]);
  });

  it('refuses a grant altered to name another path (401, problem+json)', async () => {
    const token = await grants.sign({ hostPath: folder, instanceId: 'instance-1' });
    const [version, encoded = '', mac] = token.split('.');
    const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${version}.${Buffer.from(JSON.stringify({ ...payload, p: env.dataDir })).toString('base64url')}.${mac}`;
    const response = await anonymous.get(`/farm/files/${forged}`);
    expect(response.status).toBe(401);
    expect((await problemOf(response)).detail).toMatch(/not signed by this installation/);
  });

  it('refuses an expired grant (401, problem+json)', async () => {
    const token = await grants.sign({ hostPath: folder, instanceId: 'instance-1' }, -1_000);
    const response = await anonymous.get(`/farm/files/${token}`);
    expect(response.status).toBe(401);
    expect((await problemOf(response)).detail).toMatch(/expired at .*restart the instance/);
  });

  it('answers 404 (problem+json) for a token that is not a grant, or a folder that is gone', async () => {
    const malformed = await anonymous.get('/farm/files/not-a-token');
    expect(malformed.status).toBe(404);
    expect((await problemOf(malformed)).detail).toMatch(/not a farm download link/);

    const gone = path.join(env.dataDir, 'granted', 'gone');
    await mkdir(gone);
    const token = await grants.sign({ hostPath: gone, instanceId: 'instance-1' });
    await rm(gone, { recursive: true });
    const response = await anonymous.get(`/farm/files/${token}`);
    expect(response.status).toBe(404);
    expect((await problemOf(response)).detail).toMatch(/no longer exist/);
  });
});
