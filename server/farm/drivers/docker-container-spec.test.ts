import { describe, expect, it } from 'vitest';
import type { DriverStartRequest } from '../driver';
import {
  CONTAINER_ETC_ENTRIES,
  containerNameFor,
  containerOptionsFor,
  hostSocketPathOf,
  type ContainerSettings,
} from './docker-container-spec';

const settings: ContainerSettings = {
  imageId: 'sha256:image',
  installation: 'main',
  etcEntries: ['alternatives', 'ld.so.cache'],
  openFiles: 1024,
  processes: 2048,
  tmpSizeBytes: 1_000_000,
};

function startRequest(overrides: Partial<DriverStartRequest['spec']> = {}): DriverStartRequest {
  return {
    instanceId: 'inst/1',
    appId: 'app-1',
    versionId: 'version-1',
    tenantId: 'tenant-1',
    layout: {
      projectDir: '/srv/a/project',
      outputDir: '/srv/a/build',
      socketDir: '/srv/a/sock',
      dataDir: '/srv/a/data',
    },
    limits: { memoryMb: 128, pids: 50 },
    spec: {
      command: ['/usr/bin/python3', '-m', 'gunicorn'],
      env: { GREETING: 'hi' },
      readOnlyBinds: [{ host: '/srv/a/build', sandbox: '/app/build' }],
      writableBinds: [
        { host: '/srv/a/sock', sandbox: '/run/slipway' },
        { host: '/srv/a/data', sandbox: '/app/data' },
      ],
      socketPath: '/run/slipway/app.sock',
      healthPath: '/',
      ...overrides,
    },
  };
}

describe('containerOptionsFor', () => {
  it('seals the container: no network, read-only root, no capabilities, unprivileged user, limits', () => {
    const options = containerOptionsFor(startRequest(), settings);
    const host = options.HostConfig ?? {};
    expect(host.NetworkMode).toBe('none');
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.SecurityOpt).toEqual(['no-new-privileges']);
    expect(host.Memory).toBe(128 * 1024 * 1024);
    expect(host.MemorySwap).toBe(128 * 1024 * 1024);
    expect(host.PidsLimit).toBe(50);
    expect(host.Ulimits).toEqual([
      { Name: 'nofile', Soft: 1024, Hard: 1024 },
      { Name: 'nproc', Soft: 2048, Hard: 2048 },
    ]);
    expect(host.RestartPolicy).toEqual({ Name: 'no' });
    expect(options.User).toBe('10001:10001');
    expect(options.Image).toBe('sha256:image');
    expect(options.name).toBe('slipway-main-inst-1');
  });

  it('binds the host system and the project read-only, and only the spec’s writable folders writable', () => {
    const mounts = containerOptionsFor(startRequest(), settings).HostConfig?.Mounts ?? [];
    const view = mounts.map((mount) => `${mount.Source}->${mount.Target}:${mount.ReadOnly ? 'ro' : 'rw'}`);
    expect(view).toEqual([
      '/usr->/usr:ro',
      '/etc/alternatives->/etc/alternatives:ro',
      '/etc/ld.so.cache->/etc/ld.so.cache:ro',
      '/srv/a/project->/workspace:ro',
      '/srv/a/build->/app/build:ro',
      '/srv/a/sock->/run/slipway:rw',
      '/srv/a/data->/app/data:rw',
    ]);
  });

  it('passes the command and the spec’s env on top of the sandbox’s base environment', () => {
    const options = containerOptionsFor(startRequest(), settings);
    expect(options.Entrypoint).toEqual([]);
    expect(options.Cmd).toEqual(['/usr/bin/python3', '-m', 'gunicorn']);
    expect(options.Env).toContain('GREETING=hi');
    expect(options.Env).toContain('PATH=/usr/local/bin:/usr/bin:/bin');
  });

  it('labels the container with the installation and what it runs', () => {
    expect(containerOptionsFor(startRequest(), settings).Labels).toEqual({
      'dev.slipway.installation': 'main',
      'dev.slipway.instance': 'inst/1',
      'dev.slipway.app': 'app-1',
      'dev.slipway.version': 'version-1',
      'dev.slipway.tenant': 'tenant-1',
    });
  });

  it('refuses relative binds, an empty command and env that overrides the sandbox’s base', () => {
    expect(() => containerOptionsFor(startRequest({ command: [] }), settings)).toThrow(/empty/);
    expect(() =>
      containerOptionsFor(startRequest({ readOnlyBinds: [{ host: 'build', sandbox: '/app/build' }] }), settings),
    ).toThrow(/absolute/);
    expect(() => containerOptionsFor(startRequest({ env: { PATH: '/tmp' } }), settings)).toThrow(/PATH/);
  });
});

describe('hostSocketPathOf', () => {
  it('maps the socket through the writable bind that holds it', () => {
    expect(hostSocketPathOf(startRequest().spec)).toBe('/srv/a/sock/app.sock');
  });

  it('refuses a socket outside every writable bind', () => {
    expect(() => hostSocketPathOf(startRequest({ socketPath: '/tmp/app.sock' }).spec)).toThrow(/not inside/);
  });
});

describe('container names and /etc', () => {
  it('makes names the engine accepts', () => {
    expect(containerNameFor('a b', 'x:y/z')).toBe('slipway-a-b-x-y-z');
  });

  it('leaves hosts and resolv.conf to the engine', () => {
    expect(CONTAINER_ETC_ENTRIES).not.toContain('hosts');
    expect(CONTAINER_ETC_ENTRIES).not.toContain('resolv.conf');
    expect(CONTAINER_ETC_ENTRIES).toContain('alternatives');
  });
});
