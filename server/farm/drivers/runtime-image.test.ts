import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import { RUNTIME_UID, runtimeImageArchive } from './runtime-image';

describe('runtime image archive', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('gives the same bytes and hash every time', () => {
    const first = runtimeImageArchive();
    const second = runtimeImageArchive();
    expect(second.hash).toBe(first.hash);
    expect(second.tar.equals(first.tar)).toBe(true);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives /tmp the sticky, world-writable mode', async () => {
    const modes = new Map<string, number>();
    await pipeline(
      Readable.from([runtimeImageArchive().tar]),
      tar.list({ strict: true, onReadEntry: (entry) => modes.set(entry.path, entry.mode ?? 0) }),
    );
    expect(modes.get('tmp/')).toBe(0o1777);
    expect(modes.get('usr/')).toBe(0o755);
  });

  it('is a tar that a real reader unpacks into the mount points, symlinks and identity files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'slipway-runtime-image-'));
    dirs.push(dir);
    await pipeline(Readable.from([runtimeImageArchive().tar]), tar.extract({ cwd: dir, strict: true }));
    for (const mountPoint of ['usr', 'etc', 'tmp', ...Object.values(INSTANCE_PATHS).map((p) => p.slice(1))]) {
      expect((await stat(path.join(dir, mountPoint))).isDirectory(), mountPoint).toBe(true);
    }
    expect(await readlink(path.join(dir, 'bin'))).toBe('usr/bin');
    expect(await readlink(path.join(dir, 'lib64'))).toBe('usr/lib64');
    expect(await readFile(path.join(dir, 'etc/passwd'), 'utf8')).toContain(`slipway:x:${RUNTIME_UID}:`);
    expect(await readFile(path.join(dir, 'etc/group'), 'utf8')).toContain(`slipway:x:${RUNTIME_UID}:`);
  });
});
