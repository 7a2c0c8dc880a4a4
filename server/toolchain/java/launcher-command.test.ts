import { describe, expect, it } from 'vitest';
import { parseAppManifest } from '../../protocol/app-manifest';
import { INSTANCE_PATHS } from '../../runtime/instance-process';
import { extraJarBinds, javaLaunchSpec, JAVA_SOCKET } from './java-launch-spec';
import { JAVA, LAUNCHER_MAIN, LAUNCHER_SANDBOX_DIR, jvmFlags, launcherCommand } from './launcher-command';

const manifest = parseAppManifest(
  JSON.stringify({ name: 'shop', runtime: 'java', kind: 'servlet', memory: 256, env: { GREETING: 'Hi' } }),
);
const layout = { projectDir: '/p/project', outputDir: '/p/build', socketDir: '/p/sockets', dataDir: '/p/data' };
const launcher = { dir: '/cache/java/abc-cds', hasArchive: true };

describe('jvmFlags', () => {
  it('starts production slim and keeps the full JIT where javac runs', () => {
    const production = jvmFlags('production', 256, '/a.jsa');
    expect(production).toEqual(
      expect.arrayContaining(['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k', '-XX:MaxRAM=256m']),
    );
    expect(production).toContain('-XX:SharedArchiveFile=/a.jsa');
    const preview = jvmFlags('preview', 256, undefined);
    expect(preview).not.toContain('-XX:TieredStopAtLevel=1');
    expect(preview).toContain('-XX:MaxRAM=512m'); // room for javac on top of the app
    expect(preview.some((flag) => flag.startsWith('-XX:SharedArchiveFile'))).toBe(false);
  });
});

describe('launcherCommand', () => {
  it('gives only compiling modes a compile class path, and appends extra jars', () => {
    const paths = { webapp: '/app/build', project: '/workspace', socket: '/run/slipway/http.sock' };
    const production = launcherCommand('production', paths, { memoryMb: 128, archive: false });
    expect(production[0]).toBe(JAVA);
    expect(production).not.toContain('--compile-classpath');
    expect(production.slice(production.indexOf(LAUNCHER_MAIN))).toEqual([
      LAUNCHER_MAIN,
      '--mode',
      'production',
      '--webapp',
      '/app/build',
      '--project',
      '/workspace',
      '--socket',
      '/run/slipway/http.sock',
    ]);
    const preview = launcherCommand('preview', paths, { memoryMb: 128, archive: true, extraClassPath: ['/x/sdk.jar'] });
    const compileClassPath = preview[preview.indexOf('--compile-classpath') + 1];
    expect(compileClassPath).toMatch(/tomcat10-embed-core\.jar.*:\/x\/sdk\.jar$/);
    expect(preview[preview.indexOf('-cp') + 1]).toMatch(
      new RegExp(`^${LAUNCHER_SANDBOX_DIR}/slipway-launcher\\.jar:.*:/x/sdk\\.jar$`),
    );
  });
});

describe('javaLaunchSpec', () => {
  it('lets a preview write its build output and keeps production read-only', () => {
    const preview = javaLaunchSpec({ layout, manifest, purpose: 'preview', launcher, extraJars: [] });
    expect(preview.writableBinds).toContainEqual({ host: '/p/build', sandbox: INSTANCE_PATHS.output });
    expect(preview.socketPath).toBe(JAVA_SOCKET);
    expect(preview.env).toEqual({ GREETING: 'Hi', SLIPWAY_APP_DATA_DIR: INSTANCE_PATHS.data });
    expect(preview.command).toContain('--mode');

    const production = javaLaunchSpec({
      layout,
      manifest,
      purpose: 'production',
      launcher,
      extraJars: extraJarBinds(['/opt/sdk/slipway-sdk.jar']),
    });
    expect(production.readOnlyBinds).toEqual([
      { host: '/cache/java/abc-cds', sandbox: LAUNCHER_SANDBOX_DIR },
      { host: '/opt/sdk/slipway-sdk.jar', sandbox: '/opt/slipway/lib/0-slipway-sdk.jar' },
      { host: '/p/build', sandbox: INSTANCE_PATHS.output },
    ]);
    expect(production.writableBinds.map((bind) => bind.sandbox)).toEqual([INSTANCE_PATHS.sockets, INSTANCE_PATHS.data]);
  });
});
