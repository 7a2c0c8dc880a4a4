import { describe, expect, it } from 'vitest';
import { parseAppManifest } from '../../protocol/app-manifest';
import type { InstanceLayout, LaunchSpec } from '../toolchain';
import { DEFAULT_GUNICORN_OPTIONS, gunicornLaunchSpec } from './gunicorn-launch';
import { PythonToolchain } from './python-toolchain';

const layout: InstanceLayout = {
  projectDir: '/srv/p/project',
  outputDir: '/srv/p/build',
  socketDir: '/srv/p/sockets',
  dataDir: '/srv/p/data',
};
const wsgi = parseAppManifest(
  JSON.stringify({
    name: 'hello',
    runtime: 'python',
    kind: 'wsgi',
    entry: 'web.main:application',
    env: { GREETING: 'Hi' },
  }),
);
const cgi = parseAppManifest(
  JSON.stringify({ name: 'tools', runtime: 'python', kind: 'cgi', env: { GUNICORN_CMD_ARGS: '--preload', MODE: 'x' } }),
);

describe('gunicornLaunchSpec', () => {
  it('runs Debian gunicorn on the checked build output, on a Unix socket', () => {
    const spec = gunicornLaunchSpec(layout, wsgi, DEFAULT_GUNICORN_OPTIONS);
    expect(spec.command.slice(0, 4)).toEqual(['/usr/bin/python3', '-P', '-m', 'gunicorn']);
    const option = (name: string): string | undefined => spec.command[spec.command.indexOf(name) + 1];
    expect(option('--bind')).toBe('unix:/run/slipway/app.sock');
    expect(option('--chdir')).toBe('/app/build');
    expect(option('--worker-class')).toBe('sync');
    expect(option('--workers')).toBe('1');
    expect(option('--config')).toBe('/opt/slipway/python/slipway_gunicorn.py');
    expect(spec.command.at(-1)).toBe('slipway_wsgi:application');
    expect(spec.env).toEqual({
      GREETING: 'Hi',
      SLIPWAY_APP_DATA_DIR: '/app/data',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      PYTHONPATH: '/opt/slipway/sdk-python',
      SLIPWAY_WSGI_ENTRY: 'web.main:application',
    });
    expect(spec.socketPath).toBe('/run/slipway/app.sock');
  });

  it('binds the code read-only and only the socket and data folders writable', () => {
    const spec = gunicornLaunchSpec(layout, wsgi, DEFAULT_GUNICORN_OPTIONS);
    expect(spec.readOnlyBinds).toContainEqual({ host: '/srv/p/build', sandbox: '/app/build' });
    expect(spec.writableBinds).toEqual([
      { host: '/srv/p/sockets', sandbox: '/run/slipway' },
      { host: '/srv/p/data', sandbox: '/app/data' },
    ]);
  });

  it('gives production instances their own worker count', () => {
    const toolchain = new PythonToolchain({ productionWorkers: 3 });
    const workers = (spec: LaunchSpec): string | undefined => spec.command[spec.command.indexOf('--workers') + 1];
    expect(workers(toolchain.launchSpec(layout, wsgi))).toBe('1');
    expect(workers(toolchain.launchSpec(layout, wsgi, 'production'))).toBe('3');
  });

  it('serves CGI apps through the CGI adapter with its time limit', () => {
    const spec = gunicornLaunchSpec(layout, cgi, { ...DEFAULT_GUNICORN_OPTIONS, cgiTimeoutSeconds: 7 });
    expect(spec.command.at(-1)).toBe('slipway_cgi:application');
    expect(spec.env.SLIPWAY_CGI_TIMEOUT_SECONDS).toBe('7');
    expect(spec.env).not.toHaveProperty('SLIPWAY_WSGI_ENTRY');
    expect(spec.env.MODE).toBe('x');
    expect(spec.env).not.toHaveProperty('GUNICORN_CMD_ARGS');
  });
});
