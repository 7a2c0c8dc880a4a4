import { execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { invalidInput } from '../core/errors';

/**
 * Builds bubblewrap command lines that run a command inside one project's sandbox.
 *
 * What the sandbox sees: a read-only /usr (Debian 12 is merged-/usr, so /bin, /lib, /lib64 and
 * /sbin are symlinks into it; /usr/lib/jvm, /usr/bin/python3 and git come with it), an allowlist
 * of /etc, a private /proc, a minimal /dev, small private tmpfs /tmp and /dev/shm, and the
 * project folder writable at /workspace. The root itself is a tmpfs remounted read-only. Nothing
 * else of the host is mounted: not /root, /home, /work, /opt, /var, the data dir nor other projects.
 *
 * Why an /etc allowlist rather than `--ro-bind /etc /etc`: bwrap started by root maps the sandbox
 * uid onto host uid 0, so root-owned files with owner-only modes (/etc/shadow, /etc/ssh host keys,
 * /etc/ssl/private) would be readable inside. The sandbox also gets its own passwd/group (see
 * {@link writeSandboxIdentityFiles}) so `whoami` says `slipway` instead of a host account.
 *
 * Resource limits: `openFiles` and `fileSizeBytes` are applied with prlimit(1) as the first
 * program inside the sandbox (it execs the command, so no extra process stays). RLIMIT_NPROC is
 * deliberately NOT offered: the kernel does not enforce it for processes whose real uid is host
 * root, which is what a root-started bwrap maps to (measured: 40 forks pass a limit of 20). Fork
 * bombs need a cgroup `pids.max`, which belongs to whoever owns cgroups (the farm), not here.
 */

/** Absolute path of bubblewrap on Debian. */
export const BWRAP_PATH = '/usr/bin/bwrap';
/** Where the project folder appears inside the sandbox. */
export const SANDBOX_WORKSPACE = '/workspace';
/** Unprivileged ids the sandboxed process runs as (inside the user namespace). */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;
export const SANDBOX_USER = 'slipway';
export const SANDBOX_HOSTNAME = 'slipway';
/** PATH inside; deliberately not the platform's (which may point at pyenv shims under /root). */
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * /etc entries the sandbox may read. Missing ones are skipped (`--ro-bind-try`). Left out on
 * purpose: shadow/gshadow, ssh, ssl/private, sudoers, security, pam.d, environment, gitconfig,
 * pip.conf and npmrc (they may carry host credentials or credential helpers).
 */
export const SANDBOX_ETC_ENTRIES: readonly string[] = [
  'alternatives', // java, javac, editor, pager point through here
  'java-17-openjdk', // jvm.cfg and security policy of Debian's JDK
  'ssl/certs', // CA bundle for git/pip/curl and Java's cacerts
  'ssl/openssl.cnf',
  'ca-certificates.conf',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'timezone',
  'hosts',
  'resolv.conf',
  'nsswitch.conf',
  'host.conf',
  'gai.conf',
  'services',
  'protocols',
  'networks',
  'bash.bashrc',
  'profile',
  'profile.d',
  'inputrc',
  'shells',
  'terminfo',
  'locale.alias',
  'mime.types',
  'magic',
  'magic.mime',
  'python3',
  'python3.11',
  'maven',
  'fonts',
  'vim',
  'os-release',
  'debian_version',
];

/** Host files mounted as the sandbox's /etc/passwd and /etc/group. */
export interface SandboxIdentityFiles {
  readonly passwd: string;
  readonly group: string;
}

/** Per-process limits applied with prlimit inside the sandbox. */
export interface SandboxLimits {
  /** RLIMIT_NOFILE (soft = hard). */
  readonly openFiles?: number;
  /** RLIMIT_FSIZE in bytes: the largest single file a process may write. */
  readonly fileSizeBytes?: number;
}

/** What to run and how to confine it. */
export interface SandboxOptions {
  /** Absolute host path of the project folder; bound writable at /workspace. */
  readonly projectDir: string;
  /** Program and arguments run inside, e.g. ['/bin/bash', '-i']. */
  readonly command: readonly string[];
  /** 'host' shares the network namespace (terminals reach the platform on loopback); 'none' isolates it. */
  readonly network: 'host' | 'none';
  /** Shown in the shell prompt (PS1); sanitised. */
  readonly projectName?: string;
  /** Extra, non-secret variables; may not override the base set. */
  readonly env?: Readonly<Record<string, string>>;
  /** Generated passwd/group; without them the sandbox has no /etc/passwd. */
  readonly identityFiles?: SandboxIdentityFiles;
  readonly limits?: SandboxLimits;
  /** setsid() the command: for non-interactive runs; a terminal needs its controlling tty. */
  readonly newSession?: boolean;
  /** Size of each private tmpfs (/tmp, /dev/shm); default 256 MiB. */
  readonly tmpSizeBytes?: number;
  /** Mount the project read-only (app instances read sources, write only their own folders). */
  readonly projectReadOnly?: boolean;
  /** Further host folders or files to mount, e.g. an instance's build output and socket folder. */
  readonly binds?: readonly SandboxBind[];
}

/** One extra mount: a host path shown at `sandbox` inside, writable or not. */
export interface SandboxBind {
  readonly host: string;
  readonly sandbox: string;
  readonly writable: boolean;
}

const DEFAULT_TMP_SIZE = 256 * 1024 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Builds the bwrap argument array (without the `bwrap` executable itself). Pure. */
export function buildSandboxArgs(options: SandboxOptions): string[] {
  const projectDir = checkProjectDir(options.projectDir);
  if (options.command.length === 0) throw invalidInput('sandbox command is empty');
  const tmpSize = String(options.tmpSizeBytes ?? DEFAULT_TMP_SIZE);
  return [
    ...namespaceArgs(options),
    ...systemMountArgs(options.identityFiles),
    ...['--proc', '/proc', '--dev', '/dev'],
    ...['--size', tmpSize, '--tmpfs', '/dev/shm'],
    ...['--size', tmpSize, '--tmpfs', '/tmp'],
    ...[options.projectReadOnly ? '--ro-bind' : '--bind', projectDir, SANDBOX_WORKSPACE],
    ...bindArgs(options.binds ?? []),
    // Everything is mounted: freeze the root tmpfs so nothing can grow it (non-recursive, so
    // /workspace and /tmp stay writable).
    ...['--remount-ro', '/'],
    ...['--chdir', SANDBOX_WORKSPACE],
    '--clearenv',
    ...envArgs(sandboxEnv(options)),
    '--',
    ...limitPrefix(options.limits),
    ...options.command,
  ];
}

function checkProjectDir(dir: string): string {
  if (!path.isAbsolute(dir)) throw invalidInput('project folder must be an absolute path');
  const resolved = path.resolve(dir);
  if (resolved === path.parse(resolved).root) throw invalidInput('project folder cannot be /');
  return resolved;
}

function bindArgs(binds: readonly SandboxBind[]): string[] {
  return binds.flatMap((bind) => {
    if (!path.isAbsolute(bind.host) || !path.isAbsolute(bind.sandbox)) {
      throw invalidInput('sandbox binds need absolute paths');
    }
    return [bind.writable ? '--bind' : '--ro-bind', path.resolve(bind.host), path.resolve(bind.sandbox)];
  });
}

function namespaceArgs(options: SandboxOptions): string[] {
  return [
    '--unshare-user',
    ...['--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID)],
    // No nested user namespaces: they would hand the sandbox fresh capabilities to probe the kernel.
    '--disable-userns',
    '--unshare-pid',
    '--unshare-ipc',
    ...['--unshare-uts', '--hostname', SANDBOX_HOSTNAME],
    '--unshare-cgroup',
    ...(options.network === 'none' ? ['--unshare-net'] : []),
    '--die-with-parent',
    ...['--cap-drop', 'ALL'],
    ...(options.newSession ? ['--new-session'] : []),
  ];
}

function systemMountArgs(identity: SandboxIdentityFiles | undefined): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['bin', 'lib', 'lib64', 'sbin']) args.push('--symlink', `usr/${dir}`, `/${dir}`);
  args.push('--perms', '0755', '--dir', '/etc');
  for (const entry of SANDBOX_ETC_ENTRIES) args.push('--ro-bind-try', `/etc/${entry}`, `/etc/${entry}`);
  if (identity) {
    args.push('--ro-bind', identity.passwd, '/etc/passwd', '--ro-bind', identity.group, '/etc/group');
  }
  args.push('--symlink', '../proc/self/mounts', '/etc/mtab');
  return args;
}

/** The complete environment of the sandboxed command; nothing is inherited from the platform. */
export function sandboxEnv(options: Pick<SandboxOptions, 'projectName' | 'env'>): Record<string, string> {
  const base: Record<string, string> = {
    PATH: SANDBOX_PATH,
    HOME: SANDBOX_WORKSPACE,
    USER: SANDBOX_USER,
    LOGNAME: SANDBOX_USER,
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
  };
  if (options.projectName !== undefined) base.PS1 = promptFor(options.projectName);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!ENV_NAME.test(name)) throw invalidInput(`invalid environment variable name: ${name}`);
    if (Object.hasOwn(base, name)) throw invalidInput(`environment variable ${name} is set by the sandbox`);
    if (value.includes('\0')) throw invalidInput(`environment variable ${name} contains NUL`);
    base[name] = value;
  }
  return base;
}

/**
 * A bash prompt showing the project name. The name is reduced to harmless characters because
 * bash expands `$(…)`, backquotes and backslash escapes in PS1 every time it draws the prompt.
 */
export function promptFor(projectName: string): string {
  const safe =
    projectName
      .replace(/[^A-Za-z0-9 ._-]/g, '')
      .trim()
      .slice(0, 40) || 'project';
  return `\\[\\e[1;32m\\]${safe}\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]\\$ `;
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]);
}

function limitPrefix(limits: SandboxLimits | undefined): string[] {
  const flags: string[] = [];
  if (limits?.openFiles !== undefined) flags.push(`--nofile=${positive(limits.openFiles)}`);
  if (limits?.fileSizeBytes !== undefined) flags.push(`--fsize=${positive(limits.fileSizeBytes)}`);
  return flags.length === 0 ? [] : ['/usr/bin/prlimit', ...flags, '--'];
}

function positive(value: number): string {
  if (!Number.isSafeInteger(value) || value <= 0) throw invalidInput(`invalid limit: ${value}`);
  return `${value}:${value}`;
}

/** Writes a passwd and group for the sandbox into `dir` (created if needed). */
export async function writeSandboxIdentityFiles(dir: string): Promise<SandboxIdentityFiles> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const passwd = path.join(dir, 'passwd');
  const group = path.join(dir, 'group');
  const nologin = '/usr/sbin/nologin';
  await writeFile(
    passwd,
    `root:x:0:0:root:/nonexistent:${nologin}\n` +
      `${SANDBOX_USER}:x:${SANDBOX_UID}:${SANDBOX_GID}:Slipway developer:${SANDBOX_WORKSPACE}:/bin/bash\n` +
      `nobody:x:65534:65534:nobody:/nonexistent:${nologin}\n`,
    { mode: 0o644 },
  );
  await writeFile(group, `root:x:0:\n${SANDBOX_USER}:x:${SANDBOX_GID}:\nnogroup:x:65534:\n`, {
    mode: 0o644,
  });
  return { passwd, group };
}

let availability: Promise<boolean> | undefined;

/** True when bwrap exists and can start a trivial sandbox here; computed once per process. */
export function isSandboxAvailable(): Promise<boolean> {
  availability ??= probeSandbox();
  return availability;
}

async function probeSandbox(): Promise<boolean> {
  try {
    await access(BWRAP_PATH, constants.X_OK);
  } catch {
    return false;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-sandbox-probe-'));
  try {
    const args = buildSandboxArgs({ projectDir: dir, command: ['/bin/true'], network: 'none' });
    return await new Promise<boolean>((resolve) => {
      // An empty environment on purpose (the cast only satisfies Next's NODE_ENV augmentation).
      const env = {} as NodeJS.ProcessEnv;
      execFile(BWRAP_PATH, args, { timeout: 5_000, env }, (error) => resolve(error === null));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
