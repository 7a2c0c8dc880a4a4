import { describe, expect, it } from 'vitest';
import { ReplayBuffer, safeCut } from './replay-buffer';
import { buildSandboxArgs, promptFor, sandboxEnv, SANDBOX_ETC_ENTRIES, type SandboxOptions } from './sandbox';

const base: SandboxOptions = {
  projectDir: '/srv/slipway/projects/p1',
  projectName: 'Invoices',
  command: ['/bin/bash', '-i'],
  network: 'host',
};

/** Pairs `flag a b` occurrences, e.g. all `--bind SRC DEST` mounts. */
function triples(args: string[], flag: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  args.forEach((arg, i) => {
    if (arg === flag) out.push([args[i + 1] ?? '', args[i + 2] ?? '']);
  });
  return out;
}

function envOf(args: string[]): Record<string, string> {
  return Object.fromEntries(triples(args, '--setenv'));
}

describe('buildSandboxArgs', () => {
  it('isolates namespaces and runs as an unprivileged uid', () => {
    const args = buildSandboxArgs(base);
    for (const flag of [
      '--unshare-user',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup',
      '--die-with-parent',
      '--disable-userns',
    ]) {
      expect(args).toContain(flag);
    }
    expect(args.join(' ')).toContain('--uid 1000 --gid 1000');
    expect(args.join(' ')).toContain('--hostname slipway');
    expect(args.join(' ')).toContain('--cap-drop ALL');
    expect(args).not.toContain('--new-session');
  });

  it('shares the network only when asked to', () => {
    expect(buildSandboxArgs(base)).not.toContain('--unshare-net');
    expect(buildSandboxArgs({ ...base, network: 'none' })).toContain('--unshare-net');
  });

  it('binds only the project writable, at /workspace', () => {
    const args = buildSandboxArgs(base);
    expect(triples(args, '--bind')).toEqual([['/srv/slipway/projects/p1', '/workspace']]);
    expect(args.join(' ')).toContain('--chdir /workspace');
    expect(args).not.toContain('--dev-bind');
  });

  it('mounts the system read-only and nothing of /root, /work or /home', () => {
    const args = buildSandboxArgs(base);
    const ro = [...triples(args, '--ro-bind'), ...triples(args, '--ro-bind-try')];
    expect(ro).toContainEqual(['/usr', '/usr']);
    for (const [source] of ro) {
      expect(source).toMatch(/^\/(usr|etc)(\/|$)/);
      expect(source).not.toMatch(/shadow|ssh|ssl\/private|sudoers/);
    }
    expect(args.join(' ')).not.toMatch(/ \/(root|work|home|opt|var)\b/);
    expect(args.join(' ')).toContain('--ro-bind-try /etc/ssl/certs /etc/ssl/certs');
    expect(args.indexOf('--remount-ro')).toBeGreaterThan(args.lastIndexOf('--bind'));
    expect(SANDBOX_ETC_ENTRIES).not.toContain('shadow');
  });

  it('has private /proc, /dev, /tmp and size-limited tmpfs', () => {
    const joined = buildSandboxArgs({ ...base, tmpSizeBytes: 1234 }).join(' ');
    expect(joined).toContain('--proc /proc --dev /dev');
    expect(joined).toContain('--size 1234 --tmpfs /tmp');
    expect(joined).toContain('--size 1234 --tmpfs /dev/shm');
  });

  it('clears the environment and sets only the safe set', () => {
    process.env.SLIPWAY_ADMIN_PASSWORD = 'hunter2-secret';
    process.env.DATABASE_URL = 'postgres://u:secret@db/x';
    try {
      const args = buildSandboxArgs({ ...base, env: { SLIPWAY_URL: 'http://127.0.0.1:3000' } });
      expect(args.indexOf('--clearenv')).toBeLessThan(args.indexOf('--setenv'));
      const env = envOf(args);
      expect(Object.keys(env).sort()).toEqual(
        ['HOME', 'LANG', 'LOGNAME', 'PATH', 'PS1', 'SHELL', 'SLIPWAY_URL', 'TERM', 'USER'].sort(),
      );
      expect(env.HOME).toBe('/workspace');
      expect(env.TERM).toBe('xterm-256color');
      expect(env.LANG).toBe('C.UTF-8');
      expect(env.PS1).toContain('Invoices');
      expect(args.join('\n')).not.toMatch(/hunter2|secret@db/);
    } finally {
      delete process.env.SLIPWAY_ADMIN_PASSWORD;
      delete process.env.DATABASE_URL;
    }
  });

  it('rejects bad env, overriding the base set, and unsafe project folders', () => {
    expect(() => sandboxEnv({ env: { 'A-B': 'x' } })).toThrow(/invalid environment/);
    expect(() => sandboxEnv({ env: { HOME: '/root' } })).toThrow(/set by the sandbox/);
    expect(() => buildSandboxArgs({ ...base, projectDir: 'relative/dir' })).toThrow(/absolute/);
    expect(() => buildSandboxArgs({ ...base, projectDir: '/' })).toThrow(/cannot be/);
    expect(() => buildSandboxArgs({ ...base, command: [] })).toThrow(/empty/);
  });

  it('runs the command last, behind prlimit when limits are set', () => {
    const plain = buildSandboxArgs(base);
    expect(plain.slice(plain.indexOf('--'))).toEqual(['--', '/bin/bash', '-i']);
    const limited = buildSandboxArgs({ ...base, limits: { openFiles: 1024, fileSizeBytes: 4096 } });
    expect(limited.slice(limited.indexOf('--'))).toEqual([
      '--',
      '/usr/bin/prlimit',
      '--nofile=1024:1024',
      '--fsize=4096:4096',
      '--',
      '/bin/bash',
      '-i',
    ]);
    expect(() => buildSandboxArgs({ ...base, limits: { openFiles: -1 } })).toThrow(/invalid limit/);
  });

  it('mounts generated identity files over /etc/passwd and /etc/group', () => {
    const args = buildSandboxArgs({ ...base, identityFiles: { passwd: '/run/x/passwd', group: '/run/x/group' } });
    expect(triples(args, '--ro-bind')).toContainEqual(['/run/x/passwd', '/etc/passwd']);
    expect(triples(args, '--ro-bind')).toContainEqual(['/run/x/group', '/etc/group']);
  });
});

describe('promptFor', () => {
  it('keeps shell expansions out of PS1', () => {
    const ps1 = promptFor('Shop $(rm -rf ~) `id` \\w');
    expect(ps1).toContain('Shop rm -rf  id w');
    expect(ps1).not.toMatch(/\$\(|`/);
    expect(promptFor('$$$')).toContain('project');
  });
});

describe('ReplayBuffer', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const text = (b: Uint8Array) => new TextDecoder().decode(b);

  it('keeps everything under capacity', () => {
    const buffer = new ReplayBuffer(100);
    buffer.push(bytes('hello '));
    buffer.push(bytes('world'));
    expect(text(buffer.snapshot())).toBe('hello world');
  });

  it('drops the oldest bytes, cutting after a newline', () => {
    const buffer = new ReplayBuffer(16);
    buffer.push(bytes('line one\nline two\nline 3\n'));
    expect(text(buffer.snapshot())).toBe('line 3\n');
    expect(buffer.byteLength).toBeLessThanOrEqual(16);
  });

  it('never starts inside a UTF-8 character', () => {
    const euro = bytes('€'); // 3 bytes
    expect(safeCut(euro, 1)).toBe(3);
    const buffer = new ReplayBuffer(4);
    buffer.push(bytes('€€€'));
    expect(text(buffer.snapshot())).toBe('€');
  });

  it('stays bounded under many pushes', () => {
    const buffer = new ReplayBuffer(1024);
    for (let i = 0; i < 10_000; i++) buffer.push(bytes(`output line ${i}\n`));
    expect(buffer.byteLength).toBeLessThanOrEqual(1024);
    expect(text(buffer.snapshot())).toMatch(/output line 9999\n$/);
  });
});

describe('sandbox binds for app instances', () => {
  it('mounts the project read-only and extra folders as asked, before the root is frozen', () => {
    const args = buildSandboxArgs({
      projectDir: '/data/projects/p1',
      command: ['/usr/bin/true'],
      network: 'none',
      projectReadOnly: true,
      binds: [
        { host: '/data/run/p1/out', sandbox: '/app/out', writable: true },
        { host: '/usr/share/java', sandbox: '/opt/java', writable: false },
      ],
    });
    const joined = args.join(' ');
    expect(joined).toContain('--ro-bind /data/projects/p1 /workspace');
    expect(joined).toContain('--bind /data/run/p1/out /app/out');
    expect(joined).toContain('--ro-bind /usr/share/java /opt/java');
    expect(args.indexOf('/app/out')).toBeLessThan(args.indexOf('--remount-ro'));
    expect(args).toContain('--unshare-net');
    expect(() =>
      buildSandboxArgs({
        projectDir: '/p',
        command: ['x'],
        network: 'none',
        binds: [{ host: 'rel', sandbox: '/x', writable: true }],
      }),
    ).toThrow(/absolute/);
  });
});
