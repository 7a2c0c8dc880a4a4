import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { tarGzEntries } from '../test-support/tar-gz-entries';
import { FileGrants, fileGrantKeyFile, packGrantedPath } from './file-grants';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-grants-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const grant = { hostPath: '/srv/slipway/registry/unpacked/abc', instanceId: 'instance-1' };

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

/** The token with its payload replaced (its MAC kept). */
function withPayload(token: string, payload: unknown): string {
  const [version, , mac] = token.split('.');
  return `${version}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
}

describe('FileGrants', () => {
  it('verifies what it signed: the path, the instance and the expiry', async () => {
    const grants = new FileGrants(fileGrantKeyFile(dataDir), () => Date.parse('2030-01-01T00:00:00Z'));
    const token = await grants.sign(grant, 60_000);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await grants.verify(token)).toEqual({
      ...grant,
      expiresAt: new Date('2030-01-01T00:01:00Z'),
    });
  });

  it('keeps its secret in the data dir (0600), so a restarted platform still accepts its links', async () => {
    const token = await new FileGrants(fileGrantKeyFile(dataDir)).sign(grant);
    const info = await stat(fileGrantKeyFile(dataDir));
    expect(info.mode & 0o777).toBe(0o600);
    expect((await new FileGrants(fileGrantKeyFile(dataDir)).verify(token)).hostPath).toBe(grant.hostPath);
    // The temporary file it was written to is gone.
    expect(await readdir(path.dirname(fileGrantKeyFile(dataDir)))).toEqual(['file-grants.key']);
  });

  it('creates the secret once when two signers start at the same time', async () => {
    const file = fileGrantKeyFile(dataDir);
    const [a, b] = [new FileGrants(file), new FileGrants(file)];
    const [tokenA, tokenB] = await Promise.all([a.sign(grant), b.sign(grant)]);
    expect((await b.verify(tokenA)).instanceId).toBe('instance-1');
    expect((await a.verify(tokenB)).instanceId).toBe('instance-1');
  });

  it('refuses an expired grant, saying when it expired', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const grants = new FileGrants(fileGrantKeyFile(dataDir), () => now);
    const token = await grants.sign(grant, 60_000);
    now += 59_000;
    await expect(grants.verify(token)).resolves.toBeDefined();
    now += 1_000;
    const expired = await refusal(grants.verify(token));
    expect(expired.code).toBe('unauthenticated');
    expect(expired.message).toContain('expired at 2030-01-01T00:01:00.000Z');
  });

  it('refuses a grant whose path, instance or expiry was changed after signing', async () => {
    const grants = new FileGrants(fileGrantKeyFile(dataDir));
    const token = await grants.sign(grant);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    for (const forged of [
      { ...payload, p: '/etc' },
      { ...payload, p: `${grant.hostPath}/..` },
      { ...payload, i: 'instance-2' },
      { ...payload, e: Number(payload.e) + 3600 },
    ]) {
      const refused = await refusal(grants.verify(withPayload(token, forged)));
      expect(refused.code).toBe('unauthenticated');
      expect(refused.message).toContain('not signed by this installation');
    }
    const [version, encoded, mac = ''] = token.split('.');
    const flipped = `${version}.${encoded}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    expect((await refusal(grants.verify(flipped))).code).toBe('unauthenticated');
  });

  it('refuses a grant signed by another installation', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'slipway-grants-other-'));
    try {
      const token = await new FileGrants(fileGrantKeyFile(other)).sign(grant);
      const ours = new FileGrants(fileGrantKeyFile(dataDir));
      await ours.sign(grant);
      expect((await refusal(ours.verify(token))).code).toBe('unauthenticated');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses everything, without creating a secret, before it ever signed', async () => {
    const token = await new FileGrants(path.join(dataDir, 'elsewhere.key')).sign(grant);
    const fresh = new FileGrants(fileGrantKeyFile(dataDir));
    expect((await refusal(fresh.verify(token))).code).toBe('unauthenticated');
    await expect(stat(fileGrantKeyFile(dataDir))).rejects.toThrow(/ENOENT/);
  });

  it('says "not found" for something that is not a grant at all', async () => {
    const grants = new FileGrants(fileGrantKeyFile(dataDir));
    await grants.sign(grant);
    for (const token of ['', 'abc', 'v1.abc', 'v2.abc.def', 'v1.a b.c', 'v1.abc.def.ghi', '../../etc/passwd']) {
      expect(await refusal(grants.verify(token))).toMatchObject({ code: 'not-found' });
    }
  });

  it('signs absolute paths only', async () => {
    const grants = new FileGrants(fileGrantKeyFile(dataDir));
    expect((await refusal(grants.sign({ ...grant, hostPath: 'relative/dir' }))).code).toBe('invalid-input');
  });
});

async function entriesOf(stream: Readable): Promise<Map<string, { type: string; data: string }>> {
  return tarGzEntries(await buffer(stream));
}

describe('packGrantedPath', () => {
  it('packs a folder’s files and folders, leaving links out instead of following them', async () => {
    const dir = path.join(dataDir, 'app');
    await mkdir(path.join(dir, 'static'), { recursive: true });
    await writeFile(path.join(dir, 'app.py'), 'app = None\n');
    await writeFile(path.join(dir, 'static', 'site.css'), 'body {}\n');
    await symlink('/etc/passwd', path.join(dir, 'passwd'));
    await symlink('/etc', path.join(dir, 'etc'));
    const entries = await entriesOf(await packGrantedPath(dir));
    expect([...entries.keys()].sort()).toEqual(['app.py', 'static/', 'static/site.css']);
    expect(entries.get('app.py')).toEqual({ type: 'File', data: 'app = None\n' });
  });

  it('packs a single file as one entry named after the granted path, even when that path is a link', async () => {
    await writeFile(path.join(dataDir, 'sdk-1.2.jar'), 'jar');
    await symlink(path.join(dataDir, 'sdk-1.2.jar'), path.join(dataDir, 'sdk.jar'));
    const entries = await entriesOf(await packGrantedPath(path.join(dataDir, 'sdk.jar')));
    expect([...entries.entries()]).toEqual([['sdk.jar', { type: 'File', data: 'jar' }]]);
  });

  it('packs an empty folder as an empty archive, and refuses a path that is gone', async () => {
    await mkdir(path.join(dataDir, 'empty'));
    const chunks: Buffer[] = [];
    for await (const chunk of await packGrantedPath(path.join(dataDir, 'empty'))) chunks.push(chunk as Buffer);
    // Two zero blocks: the end-of-archive marker (Python's tarfile reads it as no entries).
    expect(gunzipSync(Buffer.concat(chunks))).toEqual(Buffer.alloc(1024));
    expect((await refusal(packGrantedPath(path.join(dataDir, 'gone')))).code).toBe('not-found');
  });
});
