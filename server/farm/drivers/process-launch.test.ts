import { describe, expect, it } from 'vitest';
import type { DriverStartRequest } from '../driver';
import { addressSpaceLimitBytes, formatHandle, launchArgv, parseHandle } from './process-launch';

const request: DriverStartRequest = {
  instanceId: 'i1',
  appId: 'a1',
  versionId: 'v1',
  tenantId: 't1',
  spec: {
    command: ['/usr/bin/python3', '-m', 'gunicorn'],
    env: { GREETING: '$(rm -rf /)' },
    readOnlyBinds: [{ host: '/artifacts/abc', sandbox: '/app/build' }],
    writableBinds: [{ host: '/run/i1', sandbox: '/run/slipway' }],
    socketPath: '/run/slipway/app.sock',
    healthPath: '/',
  },
  layout: { projectDir: '/artifacts/abc', outputDir: '/artifacts/abc', socketDir: '/run/i1', dataDir: '/data/a1' },
  limits: { memoryMb: 128, pids: 64 },
};

describe('launchArgv', () => {
  it('joins the cgroups in a fixed script, then keeps the sandbox under setsid --wait', () => {
    const argv = launchArgv(request, { cgroups: ['/cg/memory/x/i1', '/cg/pids/x/i1'] });
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv[2]).not.toContain('/cg/'); // paths are arguments, never part of the script
    const separator = argv.indexOf('--');
    expect(argv.slice(4, separator)).toEqual(['/cg/memory/x/i1/cgroup.procs', '/cg/pids/x/i1/cgroup.procs']);
    expect(argv.slice(separator + 1, separator + 4)).toEqual(['/usr/bin/setsid', '--wait', '/usr/bin/bwrap']);
    expect(argv.some((arg) => arg.startsWith('--as='))).toBe(false); // the cgroup limits memory
  });

  it('seals the sandbox: no network, artifact read-only, only the socket folder writable', () => {
    const argv = launchArgv(request, { cgroups: [] });
    expect(argv.slice(0, 3)).toEqual(['/usr/bin/setsid', '--wait', '/usr/bin/bwrap']);
    expect(argv).toContain('--unshare-net');
    expect(argv).toContain('--die-with-parent');
    const text = argv.join(' ');
    expect(text).toContain('--ro-bind /artifacts/abc /workspace');
    expect(text).toContain('--ro-bind /artifacts/abc /app/build');
    expect(text).toContain('--bind /run/i1 /run/slipway');
    expect(text).toContain('--setenv GREETING $(rm -rf /)'); // one argv entry, no shell sees it
  });

  it('falls back to an address-space rlimit without cgroups', () => {
    const argv = launchArgv(request, { cgroups: [] });
    const prlimit = argv.indexOf('/usr/bin/prlimit', argv.indexOf('--nofile=4096:4096'));
    expect(argv[prlimit + 1]).toBe(`--as=${addressSpaceLimitBytes(128)}`);
    expect(argv.slice(prlimit + 3)).toEqual(['/usr/bin/python3', '-m', 'gunicorn']);
  });
});

describe('process handles', () => {
  it('round-trips and refuses anything else', () => {
    const handle = { instanceId: 'i1a2', pid: 4242, startTime: '987654' };
    expect(parseHandle(formatHandle(handle))).toEqual(handle);
    for (const bad of ['', '1234', 'i1:12:x', '../x:1:2', 'i1:1:2:3']) {
      expect(() => parseHandle(bad)).toThrow(/not a process driver handle/);
    }
  });
});
